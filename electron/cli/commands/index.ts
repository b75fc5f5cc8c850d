/**
 * The registry of `landgate` commands. Adding a command = one module in this folder exporting a
 * CommandSpec, plus one line here.
 */
import { checkCommand } from './check';
import { demoCommand } from './demo';
import { importCommand } from './import';
import { initCommand } from './init';
import { serveCommand } from './serve';
import type { CommandSpec } from './types';

export type { CommandIo, CommandSpec } from './types';

export const COMMANDS: Record<string, CommandSpec> = {
  demo: demoCommand,
  init: initCommand,
  import: importCommand,
  check: checkCommand,
  serve: serveCommand,
};
