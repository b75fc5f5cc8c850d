/**
 * `npm run fuzz [-- --cases 1000 --kills 100 --seed n]`: the full input fuzz run. Generates the
 * seeded corpus, runs every case through the real command in-process (see run-case.ts), then
 * SIGKILLs real `landgate import`, `bands` and `check --all` (the sweep) processes at seeded
 * moments and checks each project afterwards: intact (integrity_check), and the interrupted
 * change either wholly there or wholly absent (a layer with all its features; a DEM with its
 * bands; no incomplete sweep listed). Prints the outcomes by format and exits 1 on any failure.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { main } from '../../electron/cli/main';
import { ProjectStore } from '../../electron/services/project-store';
import { storedDemInfo } from '../../electron/services/terrain/dem-store';
import { makeCorpus, rng } from './corpus';
import { runCase, type CaseResult } from './run-case';
import { gdalTranslate, hills, writeAsc } from './tiff';

const { values } = parseArgs({ options: { cases: { type: 'string' }, kills: { type: 'string' }, seed: { type: 'string' }, keep: { type: 'boolean' } } });
const CASES = Number(values.cases ?? 1000);
const KILLS = Number(values.kills ?? 100);
const SEED = Number(values.seed ?? 20261207);
const repo = join(import.meta.dirname, '..', '..');
const quiet = { out() {}, err() {} };

function table(rows: Array<{ key: string; outcome: string }>, title: string) {
  const outcomes = [...new Set(rows.map((r) => r.outcome))].sort();
  const keys = [...new Set(rows.map((r) => r.key))].sort();
  const width = Math.max(14, ...keys.map((k) => k.length)) + 2;
  console.log(`\n${title}`);
  console.log(`${'format'.padEnd(width)}${outcomes.map((o) => o.padStart(12)).join('')}${'total'.padStart(8)}`);
  for (const key of keys) {
    const mine = rows.filter((r) => r.key === key);
    console.log(`${key.padEnd(width)}${outcomes.map((o) => String(mine.filter((r) => r.outcome === o).length).padStart(12)).join('')}${String(mine.length).padStart(8)}`);
  }
  console.log(`${'all'.padEnd(width)}${outcomes.map((o) => String(rows.filter((r) => r.outcome === o).length).padStart(12)).join('')}${String(rows.length).padStart(8)}`);
}

// ---------------------------------------------------------------------------------------------
// Cases in-process

async function runCorpus(dir: string): Promise<CaseResult[]> {
  const template = join(dir, 'template.gpkg');
  if ((await main(['init', template], quiet)) !== 0) throw new Error('init failed');
  const cases = makeCorpus(join(dir, 'corpus'), SEED, CASES);
  const results: CaseResult[] = [];
  const project = join(dir, 'case.gpkg');
  for (const [i, c] of cases.entries()) {
    const result = await runCase(c, template, project);
    results.push(result);
    if (result.outcome === 'FAILED') console.log(`FAILED ${c.name} ${c.file}: ${result.problems.join(', ')}\n${result.stderr.slice(0, 600)}`);
    if ((i + 1) % 100 === 0) console.error(`${i + 1} / ${cases.length} cases`);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// SIGKILLs

type KillKind = 'import' | 'bands' | 'sweep';
interface KillResult {
  kind: KillKind;
  outcome: 'absent' | 'complete' | 'FAILED';
  detail: string;
}

const PARCELS = 20_000;

async function prepareKills(dir: string) {
  const empty = join(dir, 'kill-empty.gpkg');
  await main(['init', empty], quiet);
  const demo = join(dir, 'kill-demo.gpkg');
  if ((await main(['demo', demo], quiet)) !== 0) throw new Error('demo failed');
  const features = [];
  for (let i = 0; i < PARCELS; i++) {
    const lon = 112 + (i % 200) * 0.002, lat = 37 + Math.floor(i / 200) * 0.002;
    features.push({ type: 'Feature', properties: { DKBH: `K${i + 1}` }, geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat + 0.001], [lon, lat]]] } });
  }
  const parcels = join(dir, 'kill-parcels.geojson');
  writeFileSync(parcels, JSON.stringify({ type: 'FeatureCollection', features }));
  const asc = join(dir, 'kill-dem.asc');
  writeAsc(asc, { cols: 1500, rows: 1500, west: 112, south: 37, cell: 0.0003, value: hills, nodata: -9999 });
  const dem = join(dir, 'kill-dem.tif');
  gdalTranslate(asc, dem, ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE']);
  return { empty, demo, parcels, dem };
}

function killAfter(args: string[], delayMs: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repo, 'bin', 'landgate.js'), ...args], { stdio: 'ignore' });
    let killed = false;
    const timer = setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, delayMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ killed, code });
    });
  });
}

function intact(project: string): string | null {
  const db = new Database(project, { readonly: false, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    return check === 'ok' ? null : `integrity_check: ${check}`;
  } finally {
    db.close();
  }
}

async function runKills(dir: string): Promise<KillResult[]> {
  const inputs = await prepareKills(dir);
  const r = rng(SEED ^ 0x5eed);
  const results: KillResult[] = [];
  const kinds: KillKind[] = ['import', 'bands', 'sweep'];
  const argsFor = (kind: KillKind, project: string) =>
    kind === 'import' ? ['import', project, inputs.parcels, '--kind', 'parcel', '--name', 'killed'] : kind === 'bands' ? ['bands', project, '--dem', inputs.dem] : ['check', project, '--all', '--profile', 'xiaxian'];
  // each command's run time on this machine, so the kills spread from start-up to after the commit
  const duration = new Map<KillKind, number>();
  for (const kind of kinds) {
    const project = join(dir, `timing-${kind}.gpkg`);
    copyFileSync(kind === 'sweep' ? inputs.demo : inputs.empty, project);
    const start = Date.now();
    await killAfter(argsFor(kind, project), 600_000);
    duration.set(kind, Date.now() - start);
  }
  console.error(`command times: ${[...duration].map(([k, ms]) => `${k} ${ms} ms`).join(', ')}`);
  for (let i = 0; i < KILLS; i++) {
    const kind = kinds[i % 3];
    const project = join(dir, `kill-${i}.gpkg`);
    copyFileSync(kind === 'sweep' ? inputs.demo : inputs.empty, project);
    const delay = 100 + Math.floor(r() * 1.1 * duration.get(kind)!);
    const args = argsFor(kind, project);
    const run = await killAfter(args, delay);
    let outcome: KillResult['outcome'] = 'absent';
    let detail = `${kind} killed after ${delay} ms${run.killed ? '' : ` (finished first, exit ${run.code})`}`;
    try {
      const broken = intact(project);
      if (broken) throw new Error(broken);
      if (kind === 'import') {
        const store = ProjectStore.open(project, { readonly: true });
        try {
          const layer = store.listLayers().find((l) => l.table === 'killed');
          if (layer) {
            if (layer.featureCount !== PARCELS) throw new Error(`layer has ${layer.featureCount} of ${PARCELS} features`);
            outcome = 'complete';
          }
        } finally {
          store.close();
        }
      } else if (kind === 'bands') {
        const dem = storedDemInfo(project);
        const store = ProjectStore.open(project, { readonly: true });
        try {
          const bands = store.listLayers().some((l) => l.kind === 'elevation-band');
          if (!!dem !== bands) throw new Error(dem ? 'a DEM without bands' : 'bands without a DEM');
          if (dem) outcome = 'complete';
        } finally {
          store.close();
        }
      } else {
        let listed = '';
        const code = await main(['sweep', 'list', project], { out: (t) => void (listed += t), err() {} });
        if (code !== 0) throw new Error(`sweep list exit ${code}`);
        if (!run.killed) outcome = 'complete';
      }
      if (!run.killed && run.code !== 0) throw new Error(`finished with exit ${run.code}`);
    } catch (error) {
      outcome = 'FAILED';
      detail += `: ${(error as Error).message}`;
      console.log(`FAILED kill ${i}: ${detail}`);
    }
    results.push({ kind, outcome, detail });
    if ((i + 1) % 10 === 0) console.error(`${i + 1} / ${KILLS} kills`);
    rmSync(project, { force: true });
    rmSync(`${project}-wal`, { force: true });
    rmSync(`${project}-shm`, { force: true });
  }
  return results;
}

const dir = mkdtempSync(join(tmpdir(), 'landgate-fuzz-'));
mkdirSync(dir, { recursive: true });
const started = Date.now();
try {
  const cases = await runCorpus(dir);
  table(cases.map((c) => ({ key: c.format, outcome: c.outcome })), `Input cases (seed ${SEED}): outcome by format`);
  const slowest = [...cases].sort((a, b) => b.ms - a.ms)[0];
  console.log(`slowest case ${slowest?.name} ${Math.round(slowest?.ms ?? 0)} ms; peak RSS ${Math.round(Math.max(...cases.map((c) => c.rssMb)))} MB`);
  const kills = KILLS > 0 ? await runKills(dir) : [];
  if (kills.length) table(kills.map((k) => ({ key: k.kind, outcome: k.outcome })), 'SIGKILLs: project state afterwards by command');
  const failed = cases.filter((c) => c.outcome === 'FAILED').length + kills.filter((k) => k.outcome === 'FAILED').length;
  console.log(`\n${cases.length} cases, ${kills.length} kills, ${failed} failed, ${Math.round((Date.now() - started) / 1000)} s`);
  process.exitCode = failed ? 1 : 0;
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
