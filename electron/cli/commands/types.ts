/** What every `landgate` command declares: its usage line, options and how it runs. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * Resolves once what `out` was given has left the process, or the reader has gone: a command
   * that writes more than memory should hold (the whole sweep's report) waits on it between
   * pieces. Output to a pipe is asynchronous, so without waiting it piles up unwritten.
   */
  drained?(): Promise<void>;
  /** Drops what `out` was given and has not left yet, and anything it is given later (a cancelled command's output). */
  discard?(): void;
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec {
  usage: string;
  summary: string;
  options: OptionSpec;
  /** Allowed number of positional arguments, [min, max]. */
  positionals: [number, number];
  run(positionals: string[], values: Values, io: CommandIo): Promise<number | void>;
}
