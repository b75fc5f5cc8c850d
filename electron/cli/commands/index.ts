/**
 * The registry of `landgate` commands. Adding a command = one module in this folder exporting a
 * CommandSpec, plus one line here.
 */
import { auditCommand } from './audit';
import { bandsCommand } from './bands';
import { basemapCommand } from './basemap';
import { checkCommand } from './check';
import { demoCommand } from './demo';
import { exportTxtCommand } from './export-txt';
import { importCommand } from './import';
import { initCommand } from './init';
import { profileCommand } from './profile';
import { packageCommand } from './package';
import { parcelCommand } from './parcel';
import { reportCommand } from './report';
import { roleCommand } from './role';
import { serveCommand } from './serve';
import { settingsCommand } from './settings';
import { transformCommand } from './transform';
import { summaryCommand } from './summary';
import { sweepCommand } from './sweep';
import { syncCommand } from './sync';
import { upgradeCommand } from './upgrade';
import type { CommandSpec } from './types';

export type { CommandIo, CommandSpec } from './types';

export const COMMANDS: Record<string, CommandSpec> = {
  demo: demoCommand,
  init: initCommand,
  import: importCommand,
  'export-txt': exportTxtCommand,
  check: checkCommand,
  profile: profileCommand,
  bands: bandsCommand,
  basemap: basemapCommand,
  serve: serveCommand,
  transform: transformCommand,
  report: reportCommand,
  summary: summaryCommand,
  package: packageCommand,
  sweep: sweepCommand,
  parcel: parcelCommand,
  audit: auditCommand,
  settings: settingsCommand,
  sync: syncCommand,
  role: roleCommand,
  upgrade: upgradeCommand,
};
