/**
 * Import benchmark: a generated 100 000-polygon shapefile (CGCS2000 3° zone 37 with prefix, GBK
 * attributes, as county land data comes) imported with `importFile` into a fresh project, against
 * `ogr2ogr -f GPKG -t_srs EPSG:4490` of the same file on the same machine (same work: read the
 * shapefile, reproject to EPSG:4490, write a GeoPackage with a spatial index). Both run as child
 * processes so each one's peak RSS (maxRSS) can be printed next to its time: the import streams
 * the shapefile, so its peak memory must stay far below the file's size in features.
 *
 * Printed for both: wall time, CPU time (user + system) and peak RSS of the whole process, and
 * for LandGate also `importFile` alone (without starting Node and the TypeScript loader) and the
 * `landgate import` command as a user runs it (from its bundle when `npm run build` made one),
 * on two threads (the default for a file of 4 MB or more) and on one (LANDGATE_IMPORT_PIPELINE=0).
 * `BENCH_ROUNDS=n` runs them all n times, interleaved.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ProjectStore } from '../electron/services/project-store';
import { importFile } from '../electron/services/import-file';
import { importPipelineSettings } from '../electron/services/import-pipeline';
import { freshCliBundle } from '../bin/cli-bundle.js';
import { describe, machine, measure, ratios, type Measured } from './measure';

const COUNT = 100_000;
const PRJ_4525 =
  'PROJCS["CGCS2000_3_Degree_GK_Zone_37",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",37500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

/** Minimal shapefile writer: Polygon (type 5) records, one ring each, plus a DBF (GBK) and .shx. */
function writeShapefile(base: string, count: number) {
  const side = Math.ceil(Math.sqrt(count));
  const ringPoints = 9; // octagon-ish ring, closed
  const contentLength = 44 + 4 + ringPoints * 16; // bytes
  const recordLength = 8 + contentLength;
  const shp = Buffer.alloc(100 + count * recordLength);
  const shx = Buffer.alloc(100 + count * 8);
  const x0 = 37_440_000;
  const y0 = 3_940_000;
  const cell = 60;
  const header = (buf: Buffer, length: number) => {
    buf.writeInt32BE(9994, 0);
    buf.writeInt32BE(length / 2, 24);
    buf.writeInt32LE(1000, 28);
    buf.writeInt32LE(5, 32);
    buf.writeDoubleLE(x0, 36);
    buf.writeDoubleLE(y0, 44);
    buf.writeDoubleLE(x0 + side * cell, 52);
    buf.writeDoubleLE(y0 + side * cell, 60);
  };
  header(shp, shp.length);
  header(shx, shx.length);
  for (let i = 0; i < count; i++) {
    const cx = x0 + (i % side) * cell + cell / 2;
    const cy = y0 + Math.floor(i / side) * cell + cell / 2;
    const r = 20 + (i % 7);
    const offset = 100 + i * recordLength;
    shx.writeInt32BE(offset / 2, 100 + i * 8);
    shx.writeInt32BE(contentLength / 2, 104 + i * 8);
    shp.writeInt32BE(i + 1, offset);
    shp.writeInt32BE(contentLength / 2, offset + 4);
    const c = offset + 8;
    shp.writeInt32LE(5, c);
    shp.writeDoubleLE(cx - r, c + 4);
    shp.writeDoubleLE(cy - r, c + 12);
    shp.writeDoubleLE(cx + r, c + 20);
    shp.writeDoubleLE(cy + r, c + 28);
    shp.writeInt32LE(1, c + 36);
    shp.writeInt32LE(ringPoints, c + 40);
    shp.writeInt32LE(0, c + 44);
    for (let k = 0; k < ringPoints; k++) {
      // clockwise (ESRI outer ring), closed
      const a = (-2 * Math.PI * (k % (ringPoints - 1))) / (ringPoints - 1);
      shp.writeDoubleLE(cx + r * Math.cos(a), c + 48 + k * 16);
      shp.writeDoubleLE(cy + r * Math.sin(a), c + 56 + k * 16);
    }
  }
  writeFileSync(`${base}.shp`, shp);
  writeFileSync(`${base}.shx`, shx);
  writeFileSync(`${base}.prj`, PRJ_4525);
  writeFileSync(`${base}.cpg`, '936');

  // DBF: DKBH C(16), DKMC C(20, GBK), MJ N(12,2)
  const fields = [
    { name: 'DKBH', type: 'C', length: 16, decimals: 0 },
    { name: 'DKMC', type: 'C', length: 20, decimals: 0 },
    { name: 'MJ', type: 'N', length: 12, decimals: 2 },
  ];
  const recordSize = 1 + fields.reduce((s, f) => s + f.length, 0);
  const headerSize = 32 + fields.length * 32 + 1;
  const dbf = Buffer.alloc(headerSize + count * recordSize + 1, 0x20);
  dbf.fill(0, 0, headerSize);
  dbf[0] = 0x03;
  dbf[1] = 126;
  dbf[2] = 1;
  dbf[3] = 1;
  dbf.writeUInt32LE(count, 4);
  dbf.writeUInt16LE(headerSize, 8);
  dbf.writeUInt16LE(recordSize, 10);
  fields.forEach((f, i) => {
    const p = 32 + i * 32;
    dbf.write(f.name, p, 'latin1');
    dbf.write(f.type, p + 11, 'latin1');
    dbf[p + 16] = f.length;
    dbf[p + 17] = f.decimals;
  });
  dbf[headerSize - 1] = 0x0d;
  const gbkName = new Uint8Array([0xb5, 0xd8, 0xbf, 0xe9]); // 地块 in GBK
  for (let i = 0; i < count; i++) {
    const p = headerSize + i * recordSize;
    dbf[p] = 0x20;
    dbf.write(`BM-${String(i + 1).padStart(6, '0')}`.padEnd(16), p + 1, 'latin1');
    dbf.set(gbkName, p + 17);
    dbf.write(String(i + 1).padEnd(16), p + 21, 'latin1');
    dbf.write((1000 + (i % 97)).toFixed(2).padStart(12), p + 37, 'latin1');
  }
  dbf[dbf.length - 1] = 0x1a;
  writeFileSync(`${base}.dbf`, dbf);
}

export { writeShapefile };

const CHILD_ENV = 'LANDGATE_IMPORT_BENCH_CHILD';

/** In the child: one importFile of the shapefile into a fresh project; prints its wall and CPU seconds as JSON. */
function importInChild(base: string, project: string) {
  const store = ProjectStore.create(project, { title: '导入基准' });
  const t = performance.now();
  const cpu = process.cpuUsage();
  // on two threads, as `landgate import` with LANDGATE_IMPORT_PIPELINE=1
  importPipelineSettings.mode = 'auto';
  const layer = importFile(store, `${base}.shp`, { kind: 'suspect-parcel', table: 'parcels' });
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - t) / 1000;
  store.close();
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, featureCount: layer.featureCount })}\n`);
}

if (process.env[CHILD_ENV]) {
  const { base, project } = JSON.parse(process.env[CHILD_ENV]!) as { base: string; project: string };
  importInChild(base, project);
}

export default async function importBench() {
  const dir = mkdtempSync(join(tmpdir(), 'landgate-bench-import-'));
  try {
    const base = join(dir, 'parcels_100k');
    const t0 = performance.now();
    writeShapefile(base, COUNT);
    console.log(`生成 ${COUNT} 个面的 Shapefile：${((performance.now() - t0) / 1000).toFixed(2)} s（${(statSync(`${base}.shp`).size / 1e6).toFixed(1)} MB .shp）`);

    const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
    const mb = (v: number | null) => (v === null ? '—' : `${v.toFixed(0)} MB`);
    for (let round = 1; round <= rounds; round++) {
      const project = join(dir, `bench-${round}.gpkg`);
      const whole = measure(process.execPath, [runTs, fileURLToPath(import.meta.url)], { env: { ...process.env, [CHILD_ENV]: JSON.stringify({ base, project }) } });
      const ours = JSON.parse(whole.stdout.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; featureCount: number };
      if (ours.featureCount !== COUNT) throw new Error(`imported ${ours.featureCount} of ${COUNT}`);
      // what a user runs: the command, from its bundle when built (see bin/landgate.js)
      const cliProject = join(dir, `cli-${round}.gpkg`);
      const cli = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'landgate.js');
      measure(process.execPath, [cli, 'init', cliProject]);
      const command = measure(process.execPath, [cli, 'import', cliProject, `${base}.shp`, '--kind', 'suspect-parcel', '--name', 'parcels'], { env: { ...process.env, LANDGATE_IMPORT_PIPELINE: '1' } });
      // the same command on one thread (the preparing worker off, the default)
      const oneProject = join(dir, `one-${round}.gpkg`);
      measure(process.execPath, [cli, 'init', oneProject]);
      const oneThread = measure(process.execPath, [cli, 'import', oneProject, `${base}.shp`, '--kind', 'suspect-parcel', '--name', 'parcels'], { env: { ...process.env, LANDGATE_IMPORT_PIPELINE: '0' } });
      const ogrOut = join(dir, `ogr-${round}.gpkg`);
      const reference: Measured = measure('ogr2ogr', ['-f', 'GPKG', '-t_srs', 'EPSG:4490', ogrOut, `${base}.shp`], { env: { ...process.env, SHAPE_ENCODING: 'CP936' } });
      for (const file of [project, cliProject, oneProject, ogrOut]) rmSync(file, { force: true });
      if (rounds > 1) console.log(`\nround ${round}/${rounds}`);
      console.log('| 步骤 | 墙钟 | CPU（user+sys） | 峰值内存（maxRSS） |');
      console.log('|---|---|---|---|');
      console.log(`| LandGate importFile（${COUNT} 面，EPSG:4525 → 4490，校验/修复、面积、事务写入） | ${ours.seconds.toFixed(2)} s | ${ours.cpuSeconds.toFixed(2)} s | — |`);
      console.log(`| LandGate 整个进程（Node + TypeScript 加载 + 建项目 + importFile） | ${whole.wallS.toFixed(2)} s | ${whole.cpuS === null ? '—' : `${whole.cpuS.toFixed(2)} s`} | ${mb(whole.maxRssMB)} |`);
      console.log(`| landgate import，两个线程（LANDGATE_IMPORT_PIPELINE=1；命令行，整个进程，${freshCliBundle() ? '从构建的 bundle 启动' : '经 tsx 从 TypeScript 源码启动'}） | ${command.wallS.toFixed(2)} s | ${command.cpuS === null ? '—' : `${command.cpuS.toFixed(2)} s`} | ${mb(command.maxRssMB)} |`);
      console.log(`| landgate import，单线程（LANDGATE_IMPORT_PIPELINE=0） | ${oneThread.wallS.toFixed(2)} s | ${oneThread.cpuS === null ? '—' : `${oneThread.cpuS.toFixed(2)} s`} | ${mb(oneThread.maxRssMB)} |`);
      console.log(`| ogr2ogr -f GPKG -t_srs EPSG:4490（同一文件，整个进程） | ${reference.wallS.toFixed(2)} s | ${reference.cpuS === null ? '—' : `${reference.cpuS.toFixed(2)} s`} | ${mb(reference.maxRssMB)} |`);
      const cpuRatio = reference.cpuS ? `${(ours.cpuSeconds / reference.cpuS).toFixed(2)}×` : '—';
      console.log(`| 比值 importFile / ogr2ogr | 墙钟 ${(ours.seconds / reference.wallS).toFixed(2)}×，CPU ${cpuRatio}（目标 ≤ 1.2×） | | |`);
      console.log(`| 比值 整个进程 / ogr2ogr | ${ratios(whole, reference)} | | ${whole.maxRssMB !== null ? `${mb(whole.maxRssMB)}（目标 ≤ 150 MB）` : '—'} |`);
      console.log(`| 比值 landgate import / ogr2ogr | ${ratios(command, reference)} | | ${command.maxRssMB !== null ? `${mb(command.maxRssMB)}（目标 ≤ 150 MB）` : '—'} |`);
      console.log(`| 比值 landgate import 单线程 / ogr2ogr | ${ratios(oneThread, reference)} | | ${mb(oneThread.maxRssMB)} |`);
      console.log(`importFile child: ${describe(whole)}; landgate import: ${describe(command)}; one thread: ${describe(oneThread)}; ogr2ogr: ${describe(reference)}; ${machine()}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
