/**
 * Errors a user can act on. Every importer and command throws `UserInputError` for bad input: the
 * CLI prints `messageZh` (naming the file and the problem) and `messageEn` for logs, exits 2, and
 * never shows a stack trace. Anything else is an internal error (exit 1).
 */
export class UserInputError extends Error {
  readonly code: string;
  readonly messageZh: string;
  readonly messageEn: string;

  constructor(code: string, messageZh: string, messageEn: string) {
    super(messageEn);
    this.name = 'UserInputError';
    this.code = code;
    this.messageZh = messageZh;
    this.messageEn = messageEn;
  }
}

export function isUserInputError(error: unknown): error is UserInputError {
  return error instanceof UserInputError || (typeof error === 'object' && error !== null && (error as { name?: string }).name === 'UserInputError');
}
