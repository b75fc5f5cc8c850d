// Whether the `landgate` command can start from its bundle (see bin/landgate.js).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * dist/electron/cli.mjs when `npm run build` made it and no file listed as one of its sources
 * (dist/electron/cli.inputs.json: its own, those of the workers it starts, the package files) has
 * changed since; else null, and the CLI runs from the TypeScript sources through tsx.
 */
export function freshCliBundle() {
  try {
    const bundle = `${root}dist/electron/cli.mjs`;
    const built = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(`${root}dist/electron/cli.inputs.json`, 'utf8'));
    if (!Array.isArray(inputs) || inputs.length === 0) return null;
    for (const input of inputs) if (statSync(`${root}${input}`).mtimeMs > built) return null;
    return bundle;
  } catch {
    return null; // not built, or a source is gone
  }
}
