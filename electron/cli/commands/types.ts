/** What every `landgate` command declares: its usage line, options and how it runs. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
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
