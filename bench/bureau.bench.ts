/**
 * `npm run bench -- bureau`: a province's sweep (违规开发利用清零) on a shared project in PostGIS.
 *
 * The data: BENCH_PARCELS parcels (default 1 000 000) as counties of up to 100 000 (bench/county.ts,
 * each with its own seed and its own 20 041 reference features, zone polygons of ≥ 5 000 vertices
 * included, moved to its own place on a grid over Shanxi), every county's layers imported into one
 * PostGIS project as a bureau's would be (`<layer>_<county>`). Generating and writing them is
 * reported, not compared.
 *
 * Timed, in the same throwaway cluster:
 *  - LandGate: the sweep as `landgate check --all` runs it on a shared project (bench/bureau-sweep.ts,
 *    a process of its own): parcels in tiles over the GiST index, each tile's reference candidates
 *    fetched with `&&` within the rules' reach, the figures, rules and verdicts computed by the
 *    engine on worker threads, every result written into the project. Its wall time, CPU time and
 *    peak memory (main thread and workers) are printed.
 *  - PostGIS: the same overlaps and distances in SQL (bench/postgis-figures.ts, as for `check`) on
 *    the same features, loaded into a schema of their own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Feature, Geometry, Position } from 'geojson';
import { ProjectStore } from '../electron/services/project-store';
import { startPostgis } from '../tests/support/postgis';
import { generateCounty } from './county';
import { ANALYZE_SQL, CREATE_TABLES_SQL, copySql, figureCounts, FIGURES_SQL } from './postgis-figures';

const repoRoot = join(import.meta.dirname, '..');
const COUNTY_PARCELS = 100_000;
/** Counties side by side on a grid, each its own 0.8° × 0.6° with a margin. */
const GRID_COLUMNS = 4;
const COUNTY_STEP: [number, number] = [0.85, 0.65];

const fmt = (x: number, digits = 1) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function moved<G extends Geometry | null>(geometry: G, dx: number, dy: number): G {
  if (!geometry) return geometry;
  const shift = (c: unknown): unknown => (typeof (c as number[])[0] === 'number' ? [(c as Position)[0] + dx, (c as Position)[1] + dy] : (c as unknown[]).map(shift));
  return { ...geometry, coordinates: shift((geometry as { coordinates: unknown }).coordinates) } as G;
}

/** A county's features moved to its place, ids prefixed with the county so they stay unique in the province. */
function placed(features: Feature[], county: number, dx: number, dy: number): Feature[] {
  return features.map((f) => {
    const id = `X${county}-${String(f.id)}`;
    return { ...f, id, properties: { ...f.properties, id }, geometry: moved(f.geometry, dx, dy) };
  });
}

export default async function bench(): Promise<void> {
  const parcelTotal = Number(process.env.BENCH_PARCELS ?? 1_000_000);
  const cores = availableParallelism();
  const counties = Math.max(1, Math.ceil(parcelTotal / COUNTY_PARCELS));
  const pg = startPostgis();
  try {
    const url = pg.url('bureau');
    pg.psql('CREATE SCHEMA postgis_ref;');
    const psqlRef = (sql: string) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1'], { input: `SET search_path = postgis_ref, public;\n${sql}`, env: pg.env, encoding: 'utf8', maxBuffer: 1 << 30 });
    psqlRef(CREATE_TABLES_SQL);

    let t = performance.now();
    let referenceFeatures = 0;
    const store = ProjectStore.create(url, { title: `基准测试省（合成数据，${counties} 个县）`, synthetic: true });
    try {
      for (let k = 0; k < counties; k++) {
        const parcels = Math.min(COUNTY_PARCELS, parcelTotal - k * COUNTY_PARCELS);
        const county = generateCounty(parcels, 20261122 + k);
        const dx = (k % GRID_COLUMNS) * COUNTY_STEP[0] - 0.9;
        const dy = Math.floor(k / GRID_COLUMNS) * COUNTY_STEP[1] - 0.9;
        const layers = county.layers.map((layer) => ({ ...layer, table: `${layer.table}_${k + 1}`, features: placed(layer.features, k + 1, dx, dy) }));
        const parcelFeatures = placed(county.parcels, k + 1, dx, dy);
        for (const layer of layers) store.writeLayer({ table: layer.table, kind: layer.kind, sourceFile: null, originalCrs: 'EPSG:4490', features: layer.features });
        store.writeLayer({ table: `parcels_${k + 1}`, kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: parcelFeatures });
        psqlRef(copySql(layers, parcelFeatures as never));
        referenceFeatures += county.referenceFeatures;
        console.log(`  county ${k + 1}/${counties}: ${parcels} parcels, ${county.referenceFeatures} reference features written (${fmt((performance.now() - t) / 1000)} s so far)`);
      }
    } finally {
      store.close();
    }
    psqlRef(ANALYZE_SQL);
    console.log(`province: ${counties} counties, ${parcelTotal} parcels, ${referenceFeatures} reference features; generated and written into the project and the PostGIS reference schema in ${fmt((performance.now() - t) / 1000)} s (not compared)`);

    // --- LandGate: the sweep, as a client of the shared project
    const run = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run-ts.js'), join(repoRoot, 'bench', 'bureau-sweep.ts'), url], {
      cwd: repoRoot,
      env: pg.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`bureau-sweep.ts exited ${run.status}`);
    const ours = JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; maxRssMb: number; parcels: number; verdicts: Record<string, number>; workers: number };
    console.log(
      `LandGate sweep: ${ours.parcels} parcels in ${fmt(ours.seconds, 1)} s wall, ${fmt(ours.cpuSeconds, 1)} s CPU, ${ours.workers} worker threads (${cores} cores), peak memory ${fmt(ours.maxRssMb, 0)} MB (main + workers); ${JSON.stringify(ours.verdicts)}`,
    );

    // --- PostGIS: the same figures in SQL
    t = performance.now();
    const figures = figureCounts(psqlRef(FIGURES_SQL));
    const pgSeconds = (performance.now() - t) / 1000;
    console.log(`PostGIS: subdivide + GiST indexes + overlap/distance/area SQL ${fmt(pgSeconds, 1)} s → ${figures.overlaps} overlap rows, ${figures.distances} distance rows`);
    const ratio = ours.seconds / pgSeconds;
    console.log(
      `ratio LandGate sweep / PostGIS: ${fmt(ratio, 2)}× (${fmt(ours.seconds, 1)} s vs ${fmt(pgSeconds, 1)} s wall, ${cores} cores, load average ${loadavg().map((l) => fmt(l, 1)).join(' ')}); client peak memory ${fmt(ours.maxRssMb, 0)} MB`,
    );
  } finally {
    pg.stop();
  }
}
