/**
 * The application root: the directory holding LandGate's package.json. Found by walking up from
 * this module, so it works from source (tsx), from the bundled dist/ and from tests alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function appRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown };
        if (pkg.name === 'landgate') return (cached = dir);
      } catch {
        // An unreadable package.json of some other package: keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`LandGate root (package.json with "name": "landgate") not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
