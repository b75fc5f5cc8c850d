/**
 * `npm run bench -- tiles`: vector tiles cut from the benchmark county (bench/make-county-project.ts:
 * 100 000 parcels, 20 041 reference features), each tile cold (nothing cached; the layer list read
 * once, as in the running app), as the map asks for them when the user pans into new ground.
 * Prints p50/p95 of parcel tiles at z14 (a few streets), at z10 (a quarter of the county, parcels
 * as verdict dots) and of farmland tiles at z12, with the tile sizes, against the targets (z14 p50
 * ≤ 30 ms, z10 p50 ≤ 300 ms). No reference tool is timed: `ogr2ogr -f MVT` writes whole pyramids,
 * not one tile on demand.
 *
 * The project is generated once into .cache/ (bench/county-project.ts) and reused (BENCH_COUNTY_GPKG= names another
 * copy; the project is opened read-only). BENCH_TILES_PG=postgresql://… names a shared project
 * (imported from the county the first time, as `landgate import` would) whose tiles are timed too,
 * cut both ways: in JavaScript from features read over the connection, and by PostGIS (ST_AsMVT),
 * which is what a shared project uses. BENCH_ROUNDS=n interleaves n rounds of every cut.
 */
import { availableParallelism, loadavg } from 'node:os';
import { importFile } from '../electron/services/import-file';
import { ProjectStore } from '../electron/services/project-store';
import { tileBounds, VectorTileService } from '../electron/services/map/vector-tiles';
import { tileContaining } from '../shared/map/vector-tiles';
import { cachedCountyProject } from './county-project';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (x: number, digits = 1) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function run(): Promise<void> {
  const path = process.env.BENCH_COUNTY_GPKG ?? cachedCountyProject(100_000);
  const store = ProjectStore.open(path, { readonly: true });
  const shared = process.env.BENCH_TILES_PG ? sharedCounty(process.env.BENCH_TILES_PG, path) : null;
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
  try {
    const layers = store.listLayers();
    const parcels = layers.find((l) => l.kind === 'parcel')!;
    const farmland = layers.find((l) => l.kind === 'basic-farmland')!;
    const bbox = parcels.bbox!;

    /** Distinct tiles at zoom z around sample parcels (spread over the county). */
    const sampleTiles = (z: number, count: number, table: string) => {
      const step = Math.max(1, Math.floor(store.countFeatures(table) / (count * 3)));
      const tiles = new Map<string, [number, number, number]>();
      for (const f of store.iterateFeatures(table, { geometry: false, attributes: [] })) {
        if (f.fid % step !== 0) continue;
        const hit = store.requestFeatures(table, { fids: [f.fid] })[0];
        const c = (hit.geometry as { coordinates: number[][][] | number[][][][] }).coordinates.flat(3) as number[];
        const [x, y] = tileContaining(c[0], c[1], z);
        tiles.set(`${x}/${y}`, [z, x, y]);
        if (tiles.size >= count) break;
      }
      return [...tiles.values()];
    };

    // who cuts: the GeoPackage (JavaScript), and on the shared copy both ways
    const cutters: { label: string; service: VectorTileService }[] = [{ label: 'GeoPackage', service: new VectorTileService(store, { cacheBytes: 0 }) }];
    if (shared) {
      cutters.push({ label: 'PostGIS, JavaScript cut', service: new VectorTileService(shared, { cacheBytes: 0, cutter: 'javascript' }) });
      cutters.push({ label: 'PostGIS, ST_AsMVT', service: new VectorTileService(shared, { cacheBytes: 0 }) });
    }

    /** Every cutter over the same tiles, `times` passes a round, rounds interleaved; p50 per cutter. */
    const measure = (label: string, table: string, tiles: [number, number, number][], times: number) => {
      const results = cutters.map(() => ({ times: [] as number[], sizes: [] as number[] }));
      for (let round = 0; round < rounds * times; round++) {
        cutters.forEach(({ service }, i) => {
          for (const [z, x, y] of tiles) {
            const t0 = performance.now();
            const tile = service.handle(`/tiles/vector/${table}/${z}/${x}/${y}.pbf`);
            results[i].times.push(performance.now() - t0);
            results[i].sizes.push(tile?.body.byteLength ?? 0);
          }
        });
      }
      return cutters.map(({ label: cutter }, i) => {
        const times = results[i].times.sort((a, b) => a - b);
        const sizes = results[i].sizes.sort((a, b) => a - b);
        const line = `${label} ${cutters.length > 1 ? `· ${cutter}` : ''}`;
        console.log(
          `${line.padEnd(cutters.length > 1 ? 60 : 34)} n=${String(times.length).padStart(3)}  p50 ${fmt(percentile(times, 50)).padStart(7)} ms  p95 ${fmt(percentile(times, 95)).padStart(7)} ms  median size ${fmt(percentile(sizes, 50) / 1024)} KiB`,
        );
        return percentile(times, 50);
      });
    };

    // warm-up: page caches and JIT, as in a running app
    for (const { service } of cutters) service.handle(`/tiles/vector/${parcels.table}/14/${tileContaining(bbox[0], bbox[1], 14).join('/')}.pbf`);

    const z10 = new Map<string, [number, number, number]>();
    for (const lon of [bbox[0], (bbox[0] + bbox[2]) / 2, bbox[2]]) {
      for (const lat of [bbox[1], (bbox[1] + bbox[3]) / 2, bbox[3]]) {
        const [x, y] = tileContaining(lon, lat, 10);
        z10.set(`${x}/${y}`, [10, x, y]);
      }
    }
    const z10Tiles = [...z10.values()];
    const [w, s, e, n] = tileBounds(...z10Tiles[0]);
    console.log(`county ${path}: ${parcels.featureCount} parcels, ${layers.filter((l) => l.kind !== 'parcel').reduce((sum, l) => sum + l.featureCount, 0)} reference features; ${availableParallelism()} cores (tiles are cut on one), load average ${loadavg()[0].toFixed(1)}`);
    if (shared) console.log(`shared copy: ${shared.path}`);
    console.log(`z10 tiles over the county: ${z10Tiles.length} (one spans ${fmt(e - w, 3)}° × ${fmt(n - s, 3)}°)`);
    const [p14] = measure(`parcels z14 (target p50 ≤ 30 ms)`, parcels.table, sampleTiles(14, 40, parcels.table), 1);
    const [p10] = measure(`parcels z10 (target p50 ≤ 300 ms)`, parcels.table, z10Tiles, 3);
    measure(`farmland z12`, farmland.table, sampleTiles(12, 20, farmland.table), 1);
    console.log(`GeoPackage: z14 ${p14 <= 30 ? 'meets' : 'misses'} its target, z10 ${p10 <= 300 ? 'meets' : 'misses'} its target`);
  } finally {
    store.close();
    shared?.close();
  }
}

/** The shared project at `url`, the county imported into it layer by layer the first time. */
function sharedCounty(url: string, county: string): ProjectStore {
  try {
    return ProjectStore.open(url, { readonly: true });
  } catch {
    // not a project yet: make it one
  }
  const source = ProjectStore.open(county, { readonly: true });
  const layers = source.listLayers();
  source.close();
  const t0 = performance.now();
  const shared = ProjectStore.create(url, { title: '基准测试县（合成数据）', synthetic: true });
  for (const layer of layers) importFile(shared, county, { layer: layer.table, kind: layer.kind, table: layer.table });
  console.log(`imported the county into ${shared.path} in ${fmt((performance.now() - t0) / 1000)} s`);
  shared.close();
  return ProjectStore.open(url, { readonly: true });
}
