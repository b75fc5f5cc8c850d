#!/usr/bin/env node
// The `landgate` command. The CLI is TypeScript run through tsx's loader, so `npx landgate …`
// works straight after `npm install` / `npm ci` without a compile step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
