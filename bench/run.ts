/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or only those whose name contains the first
 * argument) and prints their figures. Each module's default export is an async function that
 * prints its own table, including the ratio against a reference tool (PostGIS, GDAL) run on the
 * same data on the same machine. Benchmarks never assert on time.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`没有匹配的基准测试（bench/*.bench.ts${filter ? `，筛选“${filter}”` : ''}）。`);
  process.exit(2);
}

for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await module.default();
}
