/**
 * The refusal a test expects: the UserInputError (code, zh and en messages) that `fn` throws.
 * Anything else thrown is rethrown, and no throw at all fails the test.
 */
import { isUserInputError, type UserInputError } from '../../shared/model/errors';

export function refusalOf(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (error) {
    if (isUserInputError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal (UserInputError), but it was accepted');
}

/** The same for an API call: the refusal the promise rejects with. */
export async function refusalOfAsync(promise: Promise<unknown>): Promise<UserInputError> {
  try {
    await promise;
  } catch (error) {
    if (isUserInputError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal (UserInputError), but it was accepted');
}
