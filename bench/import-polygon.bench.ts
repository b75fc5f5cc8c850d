/**
 * One huge polygon: a 2 000 000-vertex parcel (a wavy ring, GK zone 37 with prefix, as a
 * surveyed boundary or a county outline comes) imported with `importFile` into a fresh project,
 * against `ogr2ogr -f GPKG -t_srs EPSG:4490` of the same shapefile. What it measures is the
 * per-vertex work of one feature — validation (self-intersection, spikes), reprojection, the
 * geodesic area and the write — and the peak memory of holding it. Both run as child processes;
 * wall time, CPU time and peak RSS are printed for each (the machine may be shared).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ProjectStore } from '../electron/services/project-store';
import { importFile } from '../electron/services/import-file';

const VERTICES = Number(process.env.BENCH_POLYGON_VERTICES ?? 2_000_000);
const PRJ_4525 =
  'PROJCS["CGCS2000_3_Degree_GK_Zone_37",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",37500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

/** One Polygon record (a clockwise shell, closed) with its .shx, .dbf (DKBH) and .prj. */
export function writePolygonShapefile(base: string, vertices: number) {
  const cx = 37_460_000;
  const cy = 3_940_000;
  const points = vertices + 1;
  const content = 44 + 4 + points * 16;
  const shp = Buffer.alloc(100 + 8 + content);
  const xs = new Float64Array(points);
  const ys = new Float64Array(points);
  for (let i = 0; i < vertices; i++) {
    const a = (-2 * Math.PI * i) / vertices;
    const r = 5000 * (1 + 0.02 * Math.sin(a * 4000));
    xs[i] = cx + r * Math.cos(a);
    ys[i] = cy + r * Math.sin(a);
  }
  xs[vertices] = xs[0];
  ys[vertices] = ys[0];
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points; i++) {
    box[0] = Math.min(box[0], xs[i]);
    box[1] = Math.min(box[1], ys[i]);
    box[2] = Math.max(box[2], xs[i]);
    box[3] = Math.max(box[3], ys[i]);
  }
  const header = (buf: Buffer, length: number) => {
    buf.writeInt32BE(9994, 0);
    buf.writeInt32BE(length / 2, 24);
    buf.writeInt32LE(1000, 28);
    buf.writeInt32LE(5, 32);
    box.forEach((v, k) => buf.writeDoubleLE(v, 36 + 8 * k));
  };
  header(shp, shp.length);
  shp.writeInt32BE(1, 100);
  shp.writeInt32BE(content / 2, 104);
  const c = 108;
  shp.writeInt32LE(5, c);
  box.forEach((v, k) => shp.writeDoubleLE(v, c + 4 + 8 * k));
  shp.writeInt32LE(1, c + 36);
  shp.writeInt32LE(points, c + 40);
  shp.writeInt32LE(0, c + 44);
  for (let i = 0; i < points; i++) {
    shp.writeDoubleLE(xs[i], c + 48 + i * 16);
    shp.writeDoubleLE(ys[i], c + 56 + i * 16);
  }
  const shx = Buffer.alloc(108);
  header(shx, shx.length);
  shx.writeInt32BE(50, 100);
  shx.writeInt32BE(content / 2, 104);
  writeFileSync(`${base}.shp`, shp);
  writeFileSync(`${base}.shx`, shx);
  writeFileSync(`${base}.prj`, PRJ_4525);
  const dbf = Buffer.alloc(32 + 32 + 1 + 17 + 1, 0x20);
  dbf.fill(0, 0, 65);
  dbf[0] = 0x03;
  dbf.writeUInt32LE(1, 4);
  dbf.writeUInt16LE(65, 8);
  dbf.writeUInt16LE(17, 10);
  dbf.write('DKBH', 32, 'latin1');
  dbf.write('C', 43, 'latin1');
  dbf[48] = 16;
  dbf[64] = 0x0d;
  dbf.write('BIG-1'.padEnd(16), 66, 'latin1');
  dbf[dbf.length - 1] = 0x1a;
  writeFileSync(`${base}.dbf`, dbf);
}

const CHILD_ENV = 'LANDGATE_POLYGON_BENCH_CHILD';

function importInChild(base: string, project: string) {
  const store = ProjectStore.create(project, { title: '大面导入基准' });
  const t = performance.now();
  const layer = importFile(store, `${base}.shp`, { kind: 'parcel', table: 'big' });
  const seconds = (performance.now() - t) / 1000;
  store.close();
  const usage = process.resourceUsage();
  process.stdout.write(`${JSON.stringify({ seconds, featureCount: layer.featureCount, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssMB: usage.maxRSS / 1024 })}\n`);
}

if (process.env[CHILD_ENV]) {
  const { base, project } = JSON.parse(process.env[CHILD_ENV]!) as { base: string; project: string };
  importInChild(base, project);
}

/** ogr2ogr's wall time, CPU time and peak RSS (via GNU time when installed). */
function runOgr(gpkg: string, shp: string): { seconds: number; cpuSeconds: number | null; maxRssMB: number | null } {
  const args = ['-f', 'GPKG', '-t_srs', 'EPSG:4490', gpkg, shp];
  const timed = existsSync('/usr/bin/time');
  const t = performance.now();
  const run = timed ? spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M cpu=%U+%S', 'ogr2ogr', ...args], { encoding: 'utf8' }) : spawnSync('ogr2ogr', args, { encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  if (run.status !== 0) throw new Error(`ogr2ogr failed: ${run.stderr}`);
  const kb = /maxrss_kb=(\d+)/.exec(run.stderr ?? '')?.[1];
  const cpu = /cpu=([0-9.]+)\+([0-9.]+)/.exec(run.stderr ?? '');
  return { seconds, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : null, maxRssMB: kb ? Number(kb) / 1024 : null };
}

export default async function importPolygonBench() {
  const dir = mkdtempSync(join(tmpdir(), 'landgate-bench-polygon-'));
  try {
    const base = join(dir, 'big');
    writePolygonShapefile(base, VERTICES);
    console.log(`生成 1 个 ${VERTICES} 顶点的面（${(statSync(`${base}.shp`).size / 1e6).toFixed(1)} MB .shp）`);
    const project = join(dir, 'bench.gpkg');
    const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
    const child = spawnSync(process.execPath, [runTs, fileURLToPath(import.meta.url)], {
      encoding: 'utf8',
      env: { ...process.env, [CHILD_ENV]: JSON.stringify({ base, project }) },
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`import child failed: ${child.stderr}`);
    const ours = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; featureCount: number; cpuSeconds: number; maxRssMB: number };
    if (ours.featureCount !== 1) throw new Error(`imported ${ours.featureCount} features, expected 1`);
    const reference = runOgr(join(dir, 'ogr.gpkg'), `${base}.shp`);
    const num = (v: number | null, unit: string, digits = 2) => (v === null ? '—' : `${v.toFixed(digits)} ${unit}`);
    console.log('| 步骤 | 耗时 | CPU（整个进程） | 峰值内存（maxRSS） |');
    console.log('|---|---|---|---|');
    console.log(`| LandGate importFile（1 面 ${VERTICES} 顶点，EPSG:4525 → 4490，校验/修复、面积、事务写入） | ${ours.seconds.toFixed(2)} s | ${num(ours.cpuSeconds, 's')} | ${num(ours.maxRssMB, 'MB', 0)} |`);
    console.log(`| ogr2ogr -f GPKG -t_srs EPSG:4490（同一文件） | ${reference.seconds.toFixed(2)} s | ${num(reference.cpuSeconds, 's')} | ${num(reference.maxRssMB, 'MB', 0)} |`);
    console.log(`| 比值 LandGate / ogr2ogr（${availableParallelism()} 核） | ${(ours.seconds / reference.seconds).toFixed(2)}× | ${reference.cpuSeconds ? `${(ours.cpuSeconds / reference.cpuSeconds).toFixed(2)}×` : '—'} | ${reference.maxRssMB ? `${(ours.maxRssMB / reference.maxRssMB).toFixed(1)}×` : '—'} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
