#!/usr/bin/env node
// The `landgate` command. The CLI is TypeScript run through tsx's loader, so `npx landgate …`
// works straight after `npm install` / `npm ci` without a compile step. When `npm run build` has
// bundled it and no source it was built from has changed since, the bundle runs instead: the same
// code, without the loader's second or more of start-up. LANDGATE_CLI_FROM_SOURCE=1 forces tsx.
import { pathToFileURL } from 'node:url';
import { freshCliBundle } from './cli-bundle.js';

const bundle = process.env.LANDGATE_CLI_FROM_SOURCE ? null : freshCliBundle();
let main, outputDiscarded;
if (bundle) ({ main, outputDiscarded } = await import(pathToFileURL(bundle).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main, outputDiscarded } = await import('../electron/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
// a cancelled command's unread output would otherwise hold the process until a reader takes it
if (outputDiscarded()) process.stderr.write('', () => process.exit());
