/**
 * The registry of `landgate` commands. Adding a command = one module in this folder exporting a
 * CommandSpec, plus one line here.
 *
 * Each command's module is loaded when it runs: a command then starts without the packages and
 * services only the others need (the bundle is split per command, scripts/build.mjs), which
 * `import` and `bands` would otherwise load for nothing (≈ 0.1 s and several MB each time).
 */
import type { CommandSpec } from './types';

export type { CommandIo, CommandSpec } from './types';

/** Each command's spec, loaded on first use; in the order `landgate --help` lists them. */
export const COMMANDS: Record<string, () => Promise<CommandSpec>> = {
  demo: async () => (await import('./demo')).demoCommand,
  init: async () => (await import('./init')).initCommand,
  import: async () => (await import('./import')).importCommand,
  'export-txt': async () => (await import('./export-txt')).exportTxtCommand,
  check: async () => (await import('./check')).checkCommand,
  profile: async () => (await import('./profile')).profileCommand,
  bands: async () => (await import('./bands')).bandsCommand,
  basemap: async () => (await import('./basemap')).basemapCommand,
  serve: async () => (await import('./serve')).serveCommand,
  transform: async () => (await import('./transform')).transformCommand,
  report: async () => (await import('./report')).reportCommand,
  summary: async () => (await import('./summary')).summaryCommand,
  package: async () => (await import('./package')).packageCommand,
  sweep: async () => (await import('./sweep')).sweepCommand,
  parcel: async () => (await import('./parcel')).parcelCommand,
  audit: async () => (await import('./audit')).auditCommand,
  settings: async () => (await import('./settings')).settingsCommand,
  sync: async () => (await import('./sync')).syncCommand,
  role: async () => (await import('./role')).roleCommand,
  upgrade: async () => (await import('./upgrade')).upgradeCommand,
};

export const isCommand = (name: string): boolean => Object.prototype.hasOwnProperty.call(COMMANDS, name);
