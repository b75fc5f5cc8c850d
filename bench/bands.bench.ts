/**
 * Elevation bands on a generated N × N DEM (default 8 000 × 8 000, `BENCH_DEM_SIZE` to change):
 * `landgate bands` (DEM import into the project + 400 / 900 m bands, one streaming pass) against
 * `gdal_contour -p -fl 400 900` on the same GeoTIFF. Prints both times and the ratio.
 *
 * The DEM: smooth synthetic terrain (ridges, valleys, a basin below 400 m, value noise) in
 * CGCS2000 GK zone 37 (EPSG:4525), 30 m cells, Int16, written raw + .hdr and converted to a tiled
 * DEFLATE GeoTIFF by gdal_translate.
 *
 * `landgate bands --dem` does more than gdal_contour: it also stores the DEM in the project (a
 * GeoPackage 2D gridded coverage of 16-bit PNG tiles). So a second reference does the same work
 * with GDAL, as a GIS engineer would: `gdal_translate -of GPKG -co TILE_FORMAT=PNG -co ZLEVEL=4`
 * (the same tiles, at the DEFLATE level LandGate uses) and then gdal_contour. Both ratios are printed;
 * the target is against gdal_contour alone.
 *
 * Every command runs as a child process, measured for wall time, CPU time (user + system) and peak
 * memory; `BENCH_ROUNDS=n` runs them n times, interleaved (ours, then GDAL's), which is the
 * only way to compare on a machine shared with other work.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freshCliBundle } from '../bin/cli-bundle.js';
import { describe, machine, measure, ratios, sequence, type Measured } from './measure';

const root = join(import.meta.dirname, '..');

function run(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function terrain(n: number, path: string) {
  // elevation in metres: basin in the south-west (< 400), plateau 600–900, ridges to ~1800
  const fd = openSync(path, 'w');
  const row = new Int16Array(n);
  const bytes = new Uint8Array(row.buffer);
  for (let r = 0; r < n; r++) {
    const v = r / n;
    for (let c = 0; c < n; c++) {
      const u = c / n;
      const base = 250 + 700 * u + 500 * (1 - v);
      const ridges = 450 * Math.sin(6.1 * u + 2.3 * v) * Math.cos(4.7 * v - 1.3 * u);
      const hills = 60 * Math.sin(41 * u + 17 * v) * Math.sin(37 * v - 11 * u) + 15 * Math.sin(233 * u) * Math.cos(197 * v);
      row[c] = Math.round(base + ridges + hills);
    }
    writeSync(fd, bytes);
  }
  closeSync(fd);
  writeFileSync(path.replace(/\.bil$/, '.hdr'), ['BYTEORDER I', 'LAYOUT BIL', `NROWS ${n}`, `NCOLS ${n}`, 'NBANDS 1', 'NBITS 16', 'PIXELTYPE SIGNEDINT', 'ULXMAP 37400015', 'ULYMAP 3899985', 'XDIM 30', 'YDIM 30', 'NODATA -32768', ''].join('\n'));
}

/** The benchmark's DEM (n × n, Int16, tiled DEFLATE GeoTIFF) written into `dir`; returns its path. */
export function makeBenchDem(n: number, dir: string): string {
  const raw = join(dir, 'dem.bil');
  const tif = join(dir, 'dem.tif');
  terrain(n, raw);
  run('gdal_translate', ['-q', '-a_srs', 'EPSG:4525', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', raw, tif]);
  rmSync(raw, { force: true });
  return tif;
}

export default async function bandsBench() {
  const n = Number(process.env.BENCH_DEM_SIZE ?? 8000);
  const dir = mkdtempSync(join(tmpdir(), 'landgate-bench-bands-'));
  try {
    const t0 = performance.now();
    const tif = makeBenchDem(n, dir);
    console.log(`DEM ${n} × ${n} (${((n * n) / 1e6).toFixed(1)} M cells, 30 m, Int16 DEFLATE tiled GeoTIFF ${(statSync(tif).size / 1e6).toFixed(1)} MB) generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    console.log(freshCliBundle() ? 'landgate runs from its bundle (dist/electron/cli.mjs)' : 'landgate runs from the TypeScript sources through tsx (run `npm run build` to start it from its bundle)');
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
    const results: { ours: Measured; gdal: Measured; sameWork: Measured }[] = [];
    for (let round = 1; round <= rounds; round++) {
      const project = join(dir, `bench-${round}.gpkg`);
      run(process.execPath, [join(root, 'bin', 'landgate.js'), 'init', project]);
      const ours = measure(process.execPath, [join(root, 'bin', 'landgate.js'), 'bands', project, '--dem', tif]);
      const gdal = measure('gdal_contour', ['-q', '-p', '-amin', 'amin', '-amax', 'amax', '-fl', '400', '900', '-f', 'GPKG', tif, join(dir, `gdal-${round}.gpkg`)]);
      const stored = join(dir, `gdal-dem-${round}.gpkg`);
      const translate = measure('gdal_translate', ['-q', '-of', 'GPKG', '-co', 'TILE_FORMAT=PNG', '-co', 'ZLEVEL=4', tif, stored]);
      const sameWork = sequence(translate, gdal);
      results.push({ ours, gdal, sameWork });
      rmSync(project, { force: true });
      rmSync(stored, { force: true });
      rmSync(join(dir, `gdal-${round}.gpkg`), { force: true });
      const label = rounds > 1 ? `round ${round}/${rounds}: ` : '';
      console.log(`${label}landgate bands (import DEM into the project + 400/900 m bands): ${describe(ours)}`);
      console.log(`${label}gdal_contour -p -fl 400 900 (bands only):                     ${describe(gdal)}`);
      console.log(`${label}gdal_translate -of GPKG (DEM stored as PNG tiles) + gdal_contour (the same work): ${describe(sameWork)}`);
      console.log(`${label}ratio landgate / gdal_contour: ${ratios(ours, gdal)} (${machine()}; target ≤ 1.5×)`);
      console.log(`${label}ratio landgate / (gdal_translate + gdal_contour), the same work: ${ratios(ours, sameWork)}`);
    }
    if (rounds > 1) {
      const best = (pick: (r: { ours: Measured; gdal: Measured; sameWork: Measured }) => Measured) => results.map(pick).reduce((a, b) => (a.wallS <= b.wallS ? a : b));
      console.log(`best of ${rounds}: ratio ${ratios(best((r) => r.ours), best((r) => r.gdal))} (landgate ${describe(best((r) => r.ours))}; gdal_contour ${describe(best((r) => r.gdal))})`);
      console.log(`best of ${rounds}, the same work: ratio ${ratios(best((r) => r.ours), best((r) => r.sameWork))} (gdal_translate + gdal_contour ${describe(best((r) => r.sameWork))})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
