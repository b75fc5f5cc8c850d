/**
 * The offline basemap on the Node side: terrain-RGB tiles rendered from the stored DEM (heights
 * decode back to the DEM's), contours, `landgate basemap add` for a raster MBTiles (embedded in
 * the GeoPackage, GDAL reads it), a vector MBTiles and a PMTiles archive (referenced by path),
 * all served over the browser-mode host's GET /tiles/ routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { zxyToTileId } from 'pmtiles';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { startHost, type RunningHost } from '../../electron/host/server';
import { SESSION_HEADER } from '../../shared/api/contract';
import { StoredDem } from '../../electron/services/terrain/dem-store';
import { decodePng } from '../../shared/terrain/png';
import { landgate, sha256, sharedData } from '../support/cli';

const GMTED = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');

let dir: string;
let project: string;
let mbtiles: string;
let api: ApiService;
let host: RunningHost;

function get(path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // the page's session: tiles are project data, served only with the run's token
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers: { [SESSION_HEADER]: host.sessionToken } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A minimal PMTiles v3 writer (uncompressed directory, one root directory) for the test. */
function writePmtiles(path: string, tiles: { z: number; x: number; y: number; data: Uint8Array }[], meta: Record<string, unknown>, bounds: number[]) {
  const sorted = tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: t.data })).sort((a, b) => a.id - b.id);
  const varints: number[] = [];
  const varint = (n: number) => {
    while (n >= 0x80) {
      varints.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    varints.push(n);
  };
  varint(sorted.length);
  let last = 0;
  for (const t of sorted) {
    varint(t.id - last);
    last = t.id;
  }
  for (let i = 0; i < sorted.length; i++) varint(1); // run lengths
  for (const t of sorted) varint(t.data.length);
  for (let i = 0; i < sorted.length; i++) varint(i === 0 ? 1 : 0); // offset 0 + 1, then consecutive
  const dir = Uint8Array.from(varints);
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  const data = Buffer.concat(sorted.map((t) => Buffer.from(t.data)));
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header[7] = 3;
  const u64 = (o: number, v: number) => header.writeBigUInt64LE(BigInt(v), o);
  u64(8, 127);
  u64(16, dir.length);
  u64(24, 127 + dir.length);
  u64(32, metaBytes.length);
  u64(40, 127 + dir.length + metaBytes.length);
  u64(48, 0);
  u64(56, 127 + dir.length + metaBytes.length);
  u64(64, data.length);
  u64(72, sorted.length);
  u64(80, sorted.length);
  u64(88, sorted.length);
  header[96] = 1; // clustered
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = 2; // png
  header[100] = Math.min(...tiles.map((t) => t.z));
  header[101] = Math.max(...tiles.map((t) => t.z));
  header.writeInt32LE(Math.round(bounds[0] * 1e7), 102);
  header.writeInt32LE(Math.round(bounds[1] * 1e7), 106);
  header.writeInt32LE(Math.round(bounds[2] * 1e7), 110);
  header.writeInt32LE(Math.round(bounds[3] * 1e7), 114);
  header[118] = header[100];
  writeFileSync(path, Buffer.concat([header, dir, metaBytes, data]));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-basemap-'));
  project = join(dir, 'p.gpkg');
  expect(landgate(['init', project]).status).toBe(0);
  expect(landgate(['bands', project, '--dem', GMTED]).status).toBe(0);
  const ramp = join(dir, 'ramp.txt');
  writeFileSync(ramp, '0 40 120 60\n900 220 200 120\n2400 255 255 255\n');
  execFileSync('gdaldem', ['color-relief', '-q', GMTED, ramp, join(dir, 'c.tif')]);
  mbtiles = join(dir, 'colour.mbtiles');
  execFileSync('gdal_translate', ['-q', '-of', 'MBTiles', '-co', 'ZOOM_LEVEL_STRATEGY=UPPER', join(dir, 'c.tif'), mbtiles]);
  const db = new Database(mbtiles);
  db.prepare("INSERT INTO metadata (name, value) VALUES ('attribution', '© 天地图（测试）')").run();
  db.close();
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>LandGate</title>');
}, 180_000);

afterAll(async () => {
  await host?.close();
  api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('offline basemap (Node side)', { timeout: 180_000 }, () => {
  it('adds a raster MBTiles into the GeoPackage (GDAL reads it), refuses bad files unchanged', () => {
    const r = landgate(['basemap', 'add', project, mbtiles]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('复制进项目');
    expect(r.stdout).toContain('© 天地图（测试）');
    const info = spawnSync('gdalinfo', [`GPKG:${project}:basemap_colour`], { encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/Pseudo-Mercator|3857/);
    expect(info.stdout).toMatch(/Band 3/);
    const before = sha256(project);
    const bad = join(dir, 'bad.mbtiles');
    writeFileSync(bad, 'not sqlite at all');
    for (const [file, message] of [[bad, /bad\.mbtiles/], [join(dir, 'ramp.txt'), /ramp\.txt.*MBTiles/], [join(dir, 'none.pmtiles'), /none\.pmtiles.*不存在/]] as const) {
      const x = landgate(['basemap', 'add', project, file]);
      expect(x.status).toBe(2);
      expect(x.stderr).toMatch(message);
      expect(sha256(project)).toBe(before);
    }
  });

  it('references a PMTiles archive and a vector MBTiles by path', () => {
    const src = new Database(mbtiles, { readonly: true });
    const tiles = (src.prepare('SELECT zoom_level AS z, tile_column AS x, tile_row AS y, tile_data AS data FROM tiles').all() as { z: number; x: number; y: number; data: Uint8Array }[]).map((t) => ({ ...t, y: 2 ** t.z - 1 - t.y }));
    src.close();
    writePmtiles(join(dir, 'colour.pmtiles'), tiles, { name: 'colour pm', attribution: '© PMTiles 测试' }, [110.4, 34.9, 113.3, 37.4]);
    const r = landgate(['basemap', 'add', project, join(dir, 'colour.pmtiles')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('按路径引用');
    // a vector MBTiles (one empty-ish gzip pbf tile is enough for the registry)
    const vec = join(dir, 'roads.mbtiles');
    const db = new Database(vec);
    db.exec("CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);");
    const meta = db.prepare('INSERT INTO metadata VALUES (?, ?)');
    meta.run('name', 'roads');
    meta.run('format', 'pbf');
    meta.run('minzoom', '5');
    meta.run('maxzoom', '5');
    meta.run('json', JSON.stringify({ vector_layers: [{ id: 'road' }, { id: 'water' }] }));
    db.prepare('INSERT INTO tiles VALUES (5, 26, 19, ?)').run(Buffer.from([0x1a, 0x00]));
    db.close();
    expect(landgate(['basemap', 'add', project, vec]).status).toBe(0);
    const list = landgate(['basemap', 'list', project]);
    expect(list.stdout).toMatch(/colour\t.*mbtiles\/raster\/png.*项目内 basemap_colour/);
    expect(list.stdout).toMatch(/colour_pm\t.*pmtiles\/raster\/png/);
    expect(list.stdout).toMatch(/roads\t.*mbtiles\/vector\/pbf/);
  });

  it('serves DEM relief tiles, contours and basemap tiles over GET /tiles/ on the host', async () => {
    api = createApiService(project);
    host = await startHost({ api, rendererDir: join(dir, 'renderer'), port: 0 });
    const terrain = (await api.getTerrainInfo())!;
    expect(terrain.tiles).toBe('/tiles/dem/{z}/{x}/{y}.png');
    expect(terrain.bounds[0]).toBeCloseTo(110.4, 1);
    expect(terrain.bounds[3]).toBeCloseTo(37.42, 1);
    // z8 tile over 夏县 (111.2°E 35.1°N): heights decode back to the DEM's
    const z = 8;
    const x = Math.floor(((111.2 + 180) / 360) * 2 ** z);
    const latRad = (35.1 * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * 2 ** z);
    const res = await get(`/tiles/dem/${z}/${x}/${y}.png`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('image/png');
    const png = decodePng(res.body);
    expect([png.width, png.height, png.channels]).toEqual([256, 256, 4]);
    const dem = StoredDem.open(project)!;
    try {
      let compared = 0;
      for (let i = 0; i < 64; i++) {
        const px = (i * 37) % 256, py = (i * 61) % 256;
        const k = (py * 256 + px) * 4;
        const h = -10000 + (png.samples[k] * 65536 + png.samples[k + 1] * 256 + png.samples[k + 2]) * 0.1;
        const lon = ((x + (px + 0.5) / 256) / 2 ** z) * 360 - 180;
        const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + (py + 0.5) / 256)) / 2 ** z))) * 180) / Math.PI;
        const expected = dem.sample(lon, lat);
        if (Number.isNaN(expected)) continue; // beyond the DEM's south edge
        expect(Math.abs(h - expected)).toBeLessThan(0.11);
        compared++;
      }
      expect(compared).toBeGreaterThan(20);
    } finally {
      dem.close();
    }
    expect((await get('/tiles/dem/8/10/10.png')).status).toBe(404); // far outside the DEM
    expect((await get('/tiles/dem/../../secret')).status).toBe(404);

    const contours = await api.getTerrainContours();
    expect(contours.features.length).toBeGreaterThan(20);
    const levels = new Set(contours.features.map((f) => f.properties?.elevation as number));
    for (const level of levels) expect(level % terrain.contourIntervalM).toBe(0);

    const basemaps = await api.listBasemaps();
    expect(basemaps.map((b) => b.id)).toEqual(['colour', 'colour_pm', 'roads']);
    expect(basemaps.every((b) => b.available)).toBe(true);
    expect(basemaps[0].attribution).toBe('© 天地图（测试）');
    // the same tile from the embedded copy and from the PMTiles archive equals the MBTiles original
    const src = new Database(mbtiles, { readonly: true });
    const one = src.prepare('SELECT zoom_level AS z, tile_column AS x, tile_row AS y, tile_data AS data FROM tiles LIMIT 1').get() as { z: number; x: number; y: number; data: Buffer };
    src.close();
    const yx = 2 ** one.z - 1 - one.y;
    for (const id of ['colour', 'colour_pm']) {
      const tile = await get(`/tiles/basemap/${id}/${one.z}/${one.x}/${yx}.png`);
      expect(tile.status, id).toBe(200);
      expect(tile.type).toBe('image/png');
      expect(Buffer.compare(tile.body, Buffer.from(one.data))).toBe(0);
    }
    const vector = await get('/tiles/basemap/roads/5/26/12.pbf');
    expect(vector.status).toBe(200);
    expect(vector.type).toBe('application/x-protobuf');
    expect((await get('/tiles/basemap/nope/1/1/1.png')).status).toBe(404);
  });
});
