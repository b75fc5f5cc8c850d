/**
 * Scratch comparison of two imports (not a benchmark): `node bin/run-ts.js bench/import-compare.ts
 * import <code root> <project.gpkg> <file.shp> [never|always]` imports the file with the code at
 * <code root> (this checkout, or another one such as the main branch's) into a fresh project;
 * `… compare a.gpkg b.gpkg` compares every row of every table of two projects, timestamps aside,
 * and exits 1 on a difference. `… make <base>` writes the import benchmark's shapefile.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [command, ...args] = process.argv.slice(2);

/** Columns that hold the time of the import. */
const TIMES: Record<string, string[]> = {
  gpkg_contents: ['last_change'],
  landgate_layers: ['imported_at'],
  landgate_audit: ['at', 'prev_hash', 'hash'],
  layer_styles: ['update_time'],
};

function rows(db: Database.Database, table: string): unknown[][] {
  const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((c) => c.name);
  const skip = new Set(TIMES[table] ?? []);
  let all: unknown[][];
  try {
    all = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw().all() as unknown[][];
  } catch {
    all = db.prepare(`SELECT * FROM "${table}" ORDER BY ${columns.map((_c, i) => i + 1).join(', ')}`).raw().all() as unknown[][];
  }
  return all
    .filter((row) => !(table === 'landgate_meta' && (row.includes('created') || row.includes('auditHead'))))
    .map((row) => row.map((v, i) => (skip.has(columns[i]) ? null : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
}

if (command === 'make') {
  const { writeShapefile } = await import('./import.bench');
  writeShapefile(args[0], Number(args[1] ?? 100_000));
} else if (command === 'import') {
  const [root, project, file, mode] = args;
  const { ProjectStore } = await import(pathToFileURL(join(root, 'electron/services/project-store.ts')).href);
  const { importFile } = await import(pathToFileURL(join(root, 'electron/services/import-file.ts')).href);
  if (mode) {
    const pipeline = await import(pathToFileURL(join(root, 'electron/services/import-pipeline.ts')).href);
    pipeline.importPipelineSettings.mode = mode;
  }
  const store = ProjectStore.create(project, { title: '比较' });
  const t = performance.now();
  const result = importFile(store, file, { kind: 'suspect-parcel', table: 'parcels' });
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, featureCount: result.featureCount, warnings: result.warnings, areas: result.areas }));
  store.close();
} else if (command === 'compare') {
  const [a, b] = args.map((p) => new Database(p, { readonly: true }));
  const tables = (db: Database.Database) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);
  const names = tables(a);
  let differences = 0;
  if (JSON.stringify(names) !== JSON.stringify(tables(b))) {
    console.log('tables differ', names, tables(b));
    differences++;
  }
  for (const table of names) {
    const ra = rows(a, table);
    const rb = rows(b, table);
    let same = ra.length === rb.length;
    for (let i = 0; same && i < ra.length; i++) if (JSON.stringify(ra[i], (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) !== JSON.stringify(rb[i], (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))) {
      console.log(`${table} row ${i + 1} differs:`, JSON.stringify(ra[i]).slice(0, 300), JSON.stringify(rb[i]).slice(0, 300));
      same = false;
    }
    if (ra.length !== rb.length) console.log(`${table}: ${ra.length} vs ${rb.length} rows`);
    if (!same) differences++;
    else console.log(`${table}: ${ra.length} rows identical`);
  }
  const schema = (db: Database.Database) => db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').raw().all();
  if (JSON.stringify(schema(a)) !== JSON.stringify(schema(b))) {
    console.log('schema differs');
    differences++;
  }
  process.exit(differences > 0 ? 1 : 0);
}
