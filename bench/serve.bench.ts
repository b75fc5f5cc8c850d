/**
 * `npm run bench -- serve`: browser mode under load. `landgate serve` on a fresh demo project,
 * driven over HTTP with `checkParcel` (what a reviewer's click on a parcel sends) by one client,
 * then by BENCH_CLIENTS (20) at once, each client sending its next request as soon as the last
 * one answered, cycling through the project's parcels.
 *
 * Figures: requests per second, latency p50 / p99 and errors per phase; the server's CPU time per
 * request (user + system of the serve process, main thread and check worker together), which says
 * what one request costs and so how far more clients can scale on this machine's cores; the
 * project's size before and after, the bytes each recorded check adds, and the growth over one
 * hour at the measured rate (extrapolated linearly from this run: every check adds its query
 * record; identical results are stored once). BENCH_SECONDS (60) and BENCH_SINGLE_SECONDS (15)
 * set the phase lengths. No reference tool: the 1-client phase is the yardstick.
 *
 * The demo's 30 parcels are soon all checked, so most of those clicks are identical repeats the
 * service answers from its memo, on the thread serving requests. A second pair of phases
 * therefore runs on the benchmark county (100 000 parcels, bench/county-project.ts, or
 * BENCH_COUNTY_GPKG; BENCH_SERVE_COUNTY=0 skips it) where every request is a parcel not checked
 * before: the rules and the elevation evidence run in the pool of check workers, which is what
 * that pool is for. It starts after a warm-up (BENCH_WARM_SECONDS, 20) in which every worker
 * builds its reference index. LANDGATE_CHECK_WORKERS sets the pool size, to compare.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SESSION_HEADER } from '../shared/api/contract';
import { landgateSync, sessionTokenOf, startServe, type Served } from '../tests/support/browser';
import { ProjectStore } from '../electron/services/project-store';
import { checkWorkerCount } from '../electron/services/check/check-service';
import { cachedCountyProject } from './county-project';

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** The project file with its write-ahead log (what the disk holds while the server runs). */
function projectBytes(path: string): number {
  return [path, `${path}-wal`].reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0);
}

/** The write-ahead log folded into the file, as the next open does: the project's lasting size. */
function checkpoint(path: string): void {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Bytes per table and index (SQLite's dbstat), to say where the growth goes. */
function bytesByTable(path: string): Map<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    return new Map((db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[]).map((r) => [r.name, r.bytes]));
  } catch {
    return new Map(); // a SQLite built without dbstat
  } finally {
    db.close();
  }
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux; null elsewhere). */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface Phase {
  clients: number;
  seconds: number;
  ok: number;
  errors: number;
  firstError: string | null;
  latencies: number[];
  cpuMsPerRequest: number | null;
}

/**
 * `clients` clients sending checkParcel back to back for `seconds`. With `distinct`, client c takes
 * the ids from c·(ids / clients) on, one after the other, so no parcel is asked twice.
 */
async function load(served: Served, ids: string[], clients: number, seconds: number, distinct = false): Promise<Phase> {
  const token = sessionTokenOf(served.url);
  const route = new URL('api/checkParcel', served.url);
  const phase: Phase = { clients, seconds, ok: 0, errors: 0, firstError: null, latencies: [], cpuMsPerRequest: null };
  const cpuBefore = cpuSeconds(served.pid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const parcelId = distinct ? ids[(client * Math.floor(ids.length / clients) + n) % ids.length] : ids[(client * 7 + n) % ids.length];
        const t0 = performance.now();
        try {
          const response = await fetch(route, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', [SESSION_HEADER]: token },
            body: JSON.stringify({ table: 'parcels', parcelId, profile: 'xiaxian' }),
          });
          const text = await response.text();
          if (!response.ok) throw new Error(`HTTP ${response.status} ${text.slice(0, 200)}`);
          phase.ok++;
          phase.latencies.push(performance.now() - t0);
        } catch (error) {
          phase.errors++;
          phase.firstError ??= (error as Error).message;
        }
      }
    }),
  );
  phase.seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(served.pid);
  if (cpuBefore !== null && cpuAfter !== null && phase.ok > 0) phase.cpuMsPerRequest = ((cpuAfter - cpuBefore) * 1000) / phase.ok;
  return phase;
}

function printPhases(phases: Phase[]): void {
  const rows = phases.map((p) => {
    const rate = p.ok / p.seconds;
    return [
      String(p.clients),
      `${p.seconds.toFixed(0)} s`,
      rate.toFixed(1),
      `${fmt(quantile(p.latencies, 0.5))} / ${fmt(quantile(p.latencies, 0.99))} ms`,
      String(p.errors),
      p.cpuMsPerRequest === null ? 'n/a' : `${p.cpuMsPerRequest.toFixed(1)} ms`,
    ];
  });
  const header = ['clients', 'duration', 'req/s', 'p50 / p99', 'errors', 'server CPU per request'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  console.log(header.map((h, i) => h.padEnd(widths[i])).join('  '));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  for (const p of phases) if (p.firstError) console.log(`  first error (${p.clients} clients): ${p.firstError}`);
}

/** Parcels never checked before, on the county: the pool of check workers at work. */
async function countyPhases(clients: number, seconds: number, singleSeconds: number): Promise<void> {
  const cores = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'landgate-bench-serve-county-'));
  const project = join(dir, 'county.gpkg');
  try {
    copyFileSync(process.env.BENCH_COUNTY_GPKG ?? cachedCountyProject(100_000), project);
    const store = ProjectStore.open(project, { readonly: true });
    const ids = store.requestFeatures('parcels', { geometry: false, attributes: [], limit: 100_000, offset: 0 }).map((f) => f.id);
    store.close();
    const warmSeconds = Number(process.env.BENCH_WARM_SECONDS ?? 20);
    console.log(`\ncounty project: ${ids.length} parcels, every request a parcel not checked before; ${checkWorkerCount()} check workers on ${cores} cores, load average ${loadavg()[0].toFixed(1)}`);
    const served = await startServe(project);
    let phases: Phase[];
    try {
      // every worker builds its index during the warm-up (on parcels the phases do not ask for)
      await load(served, ids.slice(-2000), 4, warmSeconds, true);
      phases = [await load(served, ids.slice(0, 40_000), 1, singleSeconds, true), await load(served, ids.slice(40_000, 80_000), clients, seconds, true)];
    } finally {
      await served.stop();
    }
    printPhases(phases);
    const [single, many] = phases;
    console.log(`load average after the run: ${loadavg()[0].toFixed(1)} on ${cores} cores`);
    console.log(`${clients} clients vs 1 on distinct parcels: ${(many.ok / many.seconds / (single.ok / single.seconds)).toFixed(1)}× the throughput`);
    if (many.cpuMsPerRequest !== null) console.log(`CPU bound on ${cores} cores at ${((cores * 1000) / many.cpuMsPerRequest).toFixed(0)} req/s (server CPU per request ${many.cpuMsPerRequest.toFixed(1)} ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function serveBench(): Promise<void> {
  const clients = Number(process.env.BENCH_CLIENTS ?? 20);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const singleSeconds = Number(process.env.BENCH_SINGLE_SECONDS ?? 15);
  const cores = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), 'landgate-bench-serve-'));
  const project = join(dir, 'demo.gpkg');
  try {
    landgateSync(['demo', project]);
    const store = ProjectStore.open(project, { readonly: true });
    const ids = store.requestFeatures('parcels', { geometry: false, attributes: [], limit: 1000, offset: 0 }).map((f) => f.id);
    store.close();
    checkpoint(project);
    const sizeBefore = projectBytes(project);
    const tablesBefore = bytesByTable(project);
    console.log(`demo project: ${ids.length} parcels, ${mib(sizeBefore)}; ${cores} cores, load average ${loadavg()[0].toFixed(1)}; checkParcel (xiaxian), recorded`);

    const served = await startServe(project);
    let phases: Phase[];
    try {
      // the first check waits for the reference index: not part of either phase
      await load(served, ids, 1, 0.001);
      phases = [await load(served, ids, 1, singleSeconds), await load(served, ids, clients, seconds)];
    } finally {
      await served.stop();
    }
    const sizeOnDisk = projectBytes(project);
    checkpoint(project);
    const sizeAfter = projectBytes(project);
    const tablesAfter = bytesByTable(project);
    const recorded = ProjectStore.open(project, { readonly: true });
    const checks = recorded.listChecks().length;
    recorded.close();

    printPhases(phases);

    // other processes' load shows in req/s and latency, not in CPU per request
    console.log(`load average after the run: ${loadavg()[0].toFixed(1)} on ${cores} cores`);
    const [single, many] = phases;
    const singleRate = single.ok / single.seconds;
    const manyRate = many.ok / many.seconds;
    console.log(`${clients} clients vs 1: ${(manyRate / singleRate).toFixed(1)}× the throughput`);
    if (many.cpuMsPerRequest !== null) {
      console.log(`CPU bound on ${cores} cores at ${((cores * 1000) / many.cpuMsPerRequest).toFixed(0)} req/s (server CPU per request ${many.cpuMsPerRequest.toFixed(1)} ms; the load generator shares the cores)`);
    }
    const perCheck = checks > 0 ? (sizeAfter - sizeBefore) / checks : 0;
    console.log(`project size: ${mib(sizeBefore)} before → ${mib(sizeAfter)} after ${checks} recorded checks, write-ahead log folded in (${mib(sizeOnDisk)} with the log as the server left it): ${perCheck.toFixed(0)} B per check`);
    const growth = [...tablesAfter].map(([name, bytes]) => [name, bytes - (tablesBefore.get(name) ?? 0)] as const).filter(([, d]) => d > 0).sort((a, b) => b[1] - a[1]);
    if (checks > 0 && growth.length > 0) console.log(`  per check: ${growth.map(([name, d]) => `${name} ${(d / checks).toFixed(0)} B`).join(', ')}`);
    // stored results grow with distinct results (here: the demo's parcels), records with every check
    const results = growth.find(([name]) => name === 'landgate_check_results')?.[1] ?? 0;
    const perRecord = checks > 0 ? (sizeAfter - sizeBefore - results) / checks : 0;
    const hour = (rate: number) => `+${mib(perRecord * rate * 3600 + results)}`;
    console.log(`one hour of ${clients} clients: ≈ ${hour(manyRate)} at the ${manyRate.toFixed(0)} req/s measured; ≈ ${hour(cores * 1000 / (many.cpuMsPerRequest ?? Infinity))} at the CPU-bound rate (${perRecord.toFixed(0)} B per query record, linear; distinct results stored once)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.BENCH_SERVE_COUNTY !== '0') await countyPhases(clients, seconds, singleSeconds);
}
