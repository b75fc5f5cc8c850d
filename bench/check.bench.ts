/**
 * `npm run bench -- check`: the access-rule engine on a generated county (bench/county.ts: ≥ 20 000
 * reference features incl. zone polygons with ≥ 5 000 vertices) and BENCH_PARCELS parcels (default
 * 100 000). Prints the median single-parcel latency, batch throughput on worker threads, peak
 * memory, and the wall-time ratio against PostGIS doing the same overlaps and distances.
 *
 * What is compared (timed on both sides, data already in memory / already loaded):
 *  - LandGate: building the reference index (in every worker, incl. subdividing huge polygons) +
 *    checking every parcel with a profile that enables every rule (all overlaps with every polygon
 *    layer the rules read, all distance tests, geodesic figures, messages, verdicts).
 *  - PostGIS: ST_Subdivide(256) of the polygon layers (the same treatment our index gets), GiST
 *    indexes on geometry and geography, then one SQL per figure kind: for every parcel × polygon
 *    feature whose pieces intersect it, the overlap area ST_Area(ST_Intersection(..)::geography, true)
 *    summed per original feature; for every parcel × feature within the rule distance
 *    (ST_DWithin on geography, spheroid) the distance ST_Distance(.., true); every parcel's area.
 *    PostGIS is given only the minimal distance per feature the rules need (e.g. 20 km only for
 *    city built-up areas), which favours it; it computes no rules, messages or verdicts.
 * The COPY load into PostGIS and our in-memory generation are reported but not part of the ratio.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runBatchCheck } from '../electron/services/batch-check';
import { buildReferenceIndex, checkParcels, indexStats } from '../shared/rules/engine';
import { generateCounty, mulberry32 } from './county';
import { ANALYZE_SQL, benchProfile, CREATE_TABLES_SQL, copySql, figureCounts, FIGURES_SQL } from './postgis-figures';

const repoRoot = join(import.meta.dirname, '..');
const pgScript = join(repoRoot, '..', 'shared', 'scripts', 'throwaway-postgis.sh');

const fmt = (x: number, digits = 1) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function bench(): Promise<void> {
  const parcelCount = Number(process.env.BENCH_PARCELS ?? 100_000);
  const cores = availableParallelism();
  const profile = benchProfile();

  let t = performance.now();
  const county = generateCounty(parcelCount);
  const genMs = performance.now() - t;
  console.log(`county: ${county.referenceFeatures} reference features (${county.hugeFeatures} with ≥ 5 000 vertices), ${county.parcels.length} parcels; generated in ${fmt(genMs / 1000)} s`);

  // --- single-parcel latency (the UI case: index built once per project state)
  t = performance.now();
  const index = buildReferenceIndex(county.layers);
  const indexMs = performance.now() - t;
  const stats = indexStats(index);
  const rand = mulberry32(99);
  const latencies: number[] = [];
  for (let i = 0; i < 300; i++) {
    const parcel = county.parcels[Math.floor(rand() * county.parcels.length)];
    const t0 = performance.now();
    checkParcels(index, [parcel], profile, { includeGeometry: true });
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const after = indexStats(index);
  // the engine alone, as the target states it: findings and verdict, no overlap geometry
  const engineOnly: number[] = [];
  for (let i = 0; i < 300; i++) {
    const parcel = county.parcels[Math.floor(rand() * county.parcels.length)];
    const t0 = performance.now();
    checkParcels(index, [parcel], profile);
    engineOnly.push(performance.now() - t0);
  }
  engineOnly.sort((a, b) => a - b);
  console.log(
    `index: ${fmt(indexMs)} ms to build; ${stats.parts} indexed parts (${stats.subdividedFeatures} features subdivided); per checked parcel ${fmt(after.candidateParts / 300)} R-tree candidates → ${fmt(after.exactTests / 300)} exact tests (of ${stats.parts} parts)`,
  );
  console.log(`single parcel (UI, with overlap geometry): median ${fmt(latencies[150], 2)} ms, p95 ${fmt(latencies[285], 2)} ms`);
  console.log(`single parcel, engine only, index warm: p50 ${fmt(engineOnly[150], 2)} ms (target ≤ 5 ms${engineOnly[150] <= 5 ? ' — reached' : ' — NOT reached'}), p95 ${fmt(engineOnly[285], 2)} ms`);

  // --- batch on worker threads
  let lastLog = performance.now();
  t = performance.now();
  const { report, workers } = await runBatchCheck(county.layers, county.parcels, profile, {
    workers: cores,
    onProgress(done, total) {
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        console.log(`  … ${done}/${total}`);
      }
    },
  });
  const batchMs = performance.now() - t;
  const verdicts: Record<string, number> = {};
  let findings = 0;
  for (const p of report.parcels) {
    verdicts[p.verdict] = (verdicts[p.verdict] ?? 0) + 1;
    findings += p.findings.length;
  }
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `batch: ${report.parcels.length} parcels on ${workers} worker threads (${cores} cores) in ${fmt(batchMs / 1000, 2)} s = ${fmt(report.parcels.length / (batchMs / 1000), 0)} parcels/s; ${findings} findings; ${JSON.stringify(verdicts)}`,
  );
  console.log(`peak memory (maxRSS, main + worker threads): ${fmt(rssMb, 0)} MB; rss now ${fmt(process.memoryUsage().rss / 1048576, 0)} MB`);

  // --- PostGIS on the same data
  let pg: { loadMs: number; queryMs: number; overlaps: number; distances: number } | null = null;
  let pgError = '';
  try {
    pg = runPostgis(county);
  } catch (error) {
    pgError = error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
  if (!pg) {
    console.log(`PostGIS: not available (${pgError}); ratio not computed`);
    return;
  }
  console.log(`PostGIS: COPY load ${fmt(pg.loadMs / 1000, 2)} s (not compared); subdivide + GiST indexes + overlap/distance/area SQL ${fmt(pg.queryMs / 1000, 2)} s → ${pg.overlaps} overlap rows, ${pg.distances} distance rows`);
  const ratio = batchMs / pg.queryMs;
  console.log(`ratio LandGate batch / PostGIS: ${fmt(ratio, 2)}× (${fmt(batchMs / 1000, 2)} s vs ${fmt(pg.queryMs / 1000, 2)} s, ${cores} cores; target ≤ 1.0×) ${ratio <= 1 ? '— reached' : '— NOT reached'}`);
  if (ratio > 1) {
    console.log(
      '  limits: JavaScript polygon clipping (polygon-clipping) and GeographicLib in JS vs GEOS/C; each worker builds its own index (structured clone of the layers); the engine also evaluates rules, messages and verdicts PostGIS does not.',
    );
  }
}

function runPostgis(county: ReturnType<typeof generateCounty>): { loadMs: number; queryMs: number; overlaps: number; distances: number } {
  const exports = execFileSync('bash', [pgScript, 'start'], { encoding: 'utf8', timeout: 900_000 });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [, key, value] of exports.matchAll(/(\w+)=(\S+)/g)) env[key] = value;
  const psql = (sql: string) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1'], { input: sql, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  try {
    let t = performance.now();
    psql(`${CREATE_TABLES_SQL}\n${copySql(county.layers, county.parcels)}\n${ANALYZE_SQL}`);
    const loadMs = performance.now() - t;
    t = performance.now();
    const out = psql(FIGURES_SQL);
    const queryMs = performance.now() - t;
    return { loadMs, queryMs, ...figureCounts(out) };
  } finally {
    const dir = env.LG_PG_DIR;
    if (dir) execFileSync('bash', [pgScript, 'stop', dir]);
  }
}
