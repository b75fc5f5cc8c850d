/**
 * The `landgate` command: the same services as the app, no window.
 *
 * Exit codes: 0 success (whatever the verdicts), 2 bad input or usage (Chinese message on stderr,
 * English line for logs, nothing written), 1 internal error.
 */
import { parseArgs } from 'node:util';
import { UserInputError, isUserInputError } from '../../shared/model/errors';
import { COMMANDS, isCommand, type CommandIo } from './commands/index';
import type { Values } from './commands/types';
import { commandUsageText, usageText } from './usage';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * A reader that stops early (`landgate … | head -c1`) closes the pipe: further output is dropped
 * instead of crashing on an unhandled EPIPE, and the command finishes what it was doing.
 */
const closedStreams = new Set<NodeJS.WriteStream>();
const guarded = new WeakSet<NodeJS.WriteStream>();
function guardPipe(stream: NodeJS.WriteStream) {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closedStreams.add(stream);
    else throw error;
  });
}
const write = (stream: NodeJS.WriteStream, text: string) => {
  guardPipe(stream);
  if (!closedStreams.has(stream)) stream.write(text);
};

/** Resolves when the stream has written what it holds, or cannot write any more. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (closedStreams.has(stream) || !stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

const defaultIo: CommandIo = {
  out: (text) => write(process.stdout, text),
  err: (text) => write(process.stderr, text),
  drained: () => drained(process.stdout),
  discard: () => {
    closedStreams.add(process.stdout);
    discarded = true;
  },
};

let discarded = false;

/**
 * Whether a command dropped its output (CommandIo.discard): writes still pending on stdout would
 * keep the process alive until a reader that has stopped reading takes them, so bin/landgate.js
 * then ends the process once stderr is written.
 */
export function outputDiscarded(): boolean {
  return discarded;
}

const isHelpFlag = (arg: string | undefined) => arg === '--help' || arg === '-h';

export async function main(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  // `landgate help check` and `landgate check --help` answer for one command; a user reaching for
  // help must not get an option-parsing error.
  const helpFor = command === 'help' ? rest[0] : rest.some(isHelpFlag) ? command : undefined;
  if (helpFor !== undefined && isCommand(helpFor)) {
    io.out(await commandUsageText(helpFor));
    return EXIT_OK;
  }
  if (!command || isHelpFlag(command) || command === 'help') {
    io.out(await usageText());
    return command ? EXIT_OK : EXIT_BAD_INPUT;
  }
  if (command === '--version' || command === '-v') {
    io.out('landgate 0.1.0\n');
    return EXIT_OK;
  }
  try {
    if (!isCommand(command)) throw new UserInputError('cli.unknown-command', `未知命令“${command}”。运行 landgate --help 查看可用命令。`, `Unknown command "${command}".`);
    const spec = await COMMANDS[command]();
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: spec.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UserInputError('cli.usage', `命令参数有误：${(error as Error).message}\n用法：${spec.usage}`, `Bad arguments: ${(error as Error).message}`);
    }
    const [minPositionals, maxPositionals] = spec.positionals;
    if (parsed.positionals.length < minPositionals || parsed.positionals.length > maxPositionals) {
      throw new UserInputError('cli.usage', `参数个数不对。\n用法：${spec.usage}`, `Wrong number of arguments. Usage: ${spec.usage}`);
    }
    return (await spec.run(parsed.positionals, parsed.values as Values, io)) ?? EXIT_OK;
  } catch (error) {
    if (isUserInputError(error)) {
      io.err(`错误：${error.messageZh}\nerror: ${error.messageEn}\n`);
      return EXIT_BAD_INPUT;
    }
    io.err(`内部错误：${(error as Error).message ?? error}\n请将此信息发送给维护人员（设置 LANDGATE_DEBUG=1 可显示详细堆栈）。\ninternal error: ${(error as Error).message ?? error}\n`);
    if (process.env.LANDGATE_DEBUG) io.err(`${(error as Error).stack}\n`);
    return EXIT_INTERNAL;
  }
}
