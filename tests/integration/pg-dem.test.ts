/**
 * The DEM and its 400/900 m bands in a shared project (a throwaway PostGIS cluster), against the
 * same DEM in a GeoPackage: `landgate bands <url> --dem` stores the same tiles (byte for byte) and
 * builds the same band features; the stored DEM reads back the same values; the check's elevation
 * evidence (the CLI's and the check worker's) and the map's terrain tiles are the same; `landgate
 * bands <url>` rebuilds from the stored DEM. A DEM refused after its first tiles were written
 * leaves the schema as it was, a kill too, and a planner's attempt is refused by the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pgClient from 'pg';
import type { Feature, MultiPolygon } from 'geojson';
import { createApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import { StoredDem, storedDemInfo } from '../../electron/services/terrain/dem-store';
import { TerrainService } from '../../electron/services/terrain/tiles';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { landgate as run, repoRoot, sharedData, expectCliRefusal, type CliResult } from '../support/cli';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';
import { gdalTranslate, hills, writeAsc } from '../fuzz/tiff';

const GMTED = join(sharedData, 'dem', 'gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif');
const HGT = join(sharedData, 'dem', 'N37W122.hgt');
const PARCEL_TXT = join(sharedData, 'boundary-txt', 'derived', 'chengqu_140502_CGCS2000_3GK_zone38_GBK.txt');

let pg: ThrowawayPostgis;
let dir: string;
let schema: string;
let url: string;
let gpkg: string;
const landgate = (args: string[]): CliResult => run(args, { env: pg.env as Record<string, string> });

/** Everything a refused DEM could have changed in the schema: tables, meta, audit, the DEM's tiles. */
function schemaState(): string {
  return pg
    .psql(
      `SELECT 'table', tablename FROM pg_tables WHERE schemaname = '${schema}' ORDER BY 2;
SELECT 'meta', key, value FROM "${schema}".landgate_meta ORDER BY key;
SELECT 'audit', seq, hash FROM "${schema}".landgate_audit ORDER BY seq;
SELECT 'layer', table_name FROM "${schema}".landgate_layers ORDER BY 2;
SELECT 'tiles', count(*), coalesce(md5(string_agg(md5(tile_data) || scale || "offset", ',' ORDER BY tile_row, tile_column)), '') FROM "${schema}".landgate_dem_tiles;`,
    )
    .map((r) => r.join('|'))
    .join('\n');
}

const expectRefusal = expectCliRefusal;

function bands(project: string, table = 'elevation_bands'): Map<number, Feature<MultiPolygon>> {
  const store = ProjectStore.open(project, { readonly: true });
  try {
    return new Map(store.readFeatures(table).features.map((f) => [Number(f.properties?.belowM), f as Feature<MultiPolygon>]));
  } finally {
    store.close();
  }
}

beforeAll(() => {
  pg = startPostgis();
  dir = mkdtempSync(join(tmpdir(), 'landgate-pg-dem-'));
  pg.psql('CREATE ROLE dem_admin LOGIN; CREATE ROLE dem_planner LOGIN;');
  schema = freshSchema('dem');
  url = pg.url(schema);
  gpkg = join(dir, 'same.gpkg');
  expect(landgate(['init', url]).status).toBe(0);
  expect(landgate(['init', gpkg]).status).toBe(0);
  expect(landgate(['role', url, 'dem_admin', 'admin']).status).toBe(0);
  expect(landgate(['role', url, 'dem_planner', 'planner']).status).toBe(0);
  writeAsc(join(dir, 'hole.asc'), { cols: 512, rows: 512, west: 112, south: 37, cell: 0.001, value: (c, r) => (c < 256 && r < 256 ? 0 : hills(c, r)) });
  gdalTranslate(join(dir, 'hole.asc'), join(dir, 'hole.tif'), ['-a_srs', 'EPSG:4490', '-ot', 'Int16', '-co', 'TILED=YES']);
}, 600_000);

afterAll(() => {
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the DEM and its bands in a shared project', { timeout: 300_000 }, () => {
  it('landgate bands <url> --dem stores the DEM and the bands as in a GeoPackage, by an administrator', () => {
    const admin = pg.url(schema, 'dem_admin');
    const shared = landgate(['bands', admin, '--dem', GMTED]);
    expect(shared.stderr).toBe('');
    expect(shared.status).toBe(0);
    const file = landgate(['bands', gpkg, '--dem', GMTED]);
    expect(file.status).toBe(0);
    expect(shared.stdout).toContain('116×100');

    // the same tiles, byte for byte, with the same scale and offset
    const pgTiles = pg.psql(`SELECT tile_column, tile_row, encode(sha256(tile_data), 'hex'), scale, "offset" FROM "${schema}".landgate_dem_tiles ORDER BY tile_row, tile_column`);
    const db = new Database(gpkg, { readonly: true });
    try {
      const rows = db
        .prepare('SELECT t.tile_column AS c, t.tile_row AS r, t.tile_data AS data, a.scale AS scale, a.offset AS offset FROM landgate_dem t JOIN gpkg_2d_gridded_tile_ancillary a ON a.tpudt_id = t.id ORDER BY t.tile_row, t.tile_column')
        .all() as { c: number; r: number; data: Buffer; scale: number; offset: number }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(pgTiles).toEqual(rows.map((t) => [String(t.c), String(t.r), createHash('sha256').update(t.data).digest('hex'), String(t.scale), String(t.offset)]));
    } finally {
      db.close();
    }

    // the same band features
    const a = bands(url);
    const b = bands(gpkg);
    expect([...a.keys()].sort()).toEqual([400, 900]);
    for (const level of [400, 900]) {
      expect(geodesicAreaM2(a.get(level)!.geometry)).toBeCloseTo(geodesicAreaM2(b.get(level)!.geometry), 0);
      expect(a.get(level)!.geometry).toEqual(b.get(level)!.geometry);
      expect(a.get(level)!.properties).toEqual(b.get(level)!.properties);
    }
    // audited under the administrator's login, in the same transaction as the DEM
    const audit = pg.psql(`SELECT "user", action FROM "${schema}".landgate_audit ORDER BY seq DESC LIMIT 3`);
    expect(audit).toEqual([
      ['dem_admin', 'bands'],
      ['dem_admin', 'import'],
      ['dem_admin', 'dem-import'],
    ]);
  });

  it('the stored DEM reads back the same values on both backends (info, rows, samples)', async () => {
    const shared = storedDemInfo(url)!;
    const file = storedDemInfo(gpkg)!;
    expect(shared).not.toBeNull();
    const { importedAt: _a, table: ta, ...restShared } = shared;
    const { importedAt: _b, table: tb, ...restFile } = file;
    expect(restShared).toEqual(restFile);
    expect([ta, tb]).toEqual(['landgate_dem_tiles', 'landgate_dem']);
    const x = StoredDem.open(url)!;
    const y = StoredDem.open(gpkg)!;
    try {
      const rowsX = await x.readRows(0, x.rows);
      const rowsY = await y.readRows(0, y.rows);
      expect(rowsX.length).toBe(116 * 100);
      expect(Buffer.from(rowsX.buffer).equals(Buffer.from(rowsY.buffer))).toBe(true);
      for (const [lon, lat] of [[111.22, 35.14], [111.78, 37.14], [112.85, 35.5], [110.41, 34.91]]) {
        expect(x.sample(lon, lat)).toBe(y.sample(lon, lat));
      }
      expect(x.sample(111.22, 35.14)).toBeGreaterThan(300);
    } finally {
      x.close();
      y.close();
    }
  });

  it('landgate bands <url> rebuilds the bands from the stored DEM; bad input exits 2 in words', () => {
    const again = landgate(['bands', pg.url(schema, 'dem_admin'), '--name', 'bands_again', '--levels', '500,1000']);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect([...bands(url, 'bands_again').keys()].sort((a, b) => a - b)).toEqual([500, 1000]);
    // the GeoPackage gets the same layer (the checks below measure against every band level)
    expect(landgate(['bands', gpkg, '--name', 'bands_again', '--levels', '500,1000']).status).toBe(0);
    for (const level of [500, 1000]) expect(bands(url, 'bands_again').get(level)!.geometry).toEqual(bands(gpkg, 'bands_again').get(level)!.geometry);
    const before = schemaState();
    expectRefusal(landgate(['bands', url, '--dem', join(dir, 'missing.tif'), '--name', 'x']), /missing\.tif/);
    expectRefusal(landgate(['bands', url, '--name', 'bands_again']), `项目“${url}”中已有图层“bands_again”`);
    expectRefusal(landgate(['bands', url, '--levels', 'abc', '--name', 'y']), '高程阈值“abc”无效');
    expect(schemaState()).toBe(before);
  });

  it('a DEM refused after its first tiles were written leaves the schema, and the stored DEM, as they were', () => {
    const before = schemaState();
    // the census finds the 0 m hole while the tiles stream into the transaction
    expectRefusal(landgate(['bands', url, '--dem', join(dir, 'hole.tif'), '--name', 'hole_bands']), /65536 个像元恰为 0 米/);
    expect(schemaState()).toBe(before);
    // outside China: refused before anything is written
    expectRefusal(landgate(['bands', url, '--dem', HGT, '--name', 'bay_bands']), /不在中国境内.*--accept-suspect/);
    expect(schemaState()).toBe(before);
    expect(storedDemInfo(url)!.files).toEqual(['gmted2010_lowres_shanxi_S_110.4-113.3E_34.9-37.4N.tif']);
  });

  it('a client killed while storing a DEM, every tile and the band layer written, leaves the schema as it was', async () => {
    const before = schemaState();
    // Another connection holds the audit chain's lock, as a client appending to the audit would:
    // the DEM's writer stops at its last step (the audit entry), inside its transaction, with the
    // tiles, the metadata and the band layer written. Then it dies.
    const watcher = new pgClient.Client({ host: pg.env.PGHOST, port: Number(pg.env.PGPORT), user: 'postgres', database: 'gis' });
    await watcher.connect();
    try {
      await watcher.query('SELECT pg_advisory_lock(hashtext($1))', [`${schema}/landgate_audit`]);
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'landgate.js'), 'bands', url, '--dem', GMTED, '--name', 'killed_bands'], { env: pg.env, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const waiting = async () => Number((await watcher.query("SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'LandGate' AND l.locktype = 'advisory' AND NOT l.granted")).rows[0].n) > 0;
      for (let i = 0; i < 1200 && !(await waiting()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting()).toBe(true);
      // it has written (a transaction id) and waits for the lock
      const writer = (await watcher.query("SELECT backend_xid IS NOT NULL AS wrote, wait_event_type FROM pg_stat_activity WHERE application_name = 'LandGate' AND wait_event_type = 'Lock'")).rows;
      expect(writer).toEqual([{ wrote: true, wait_event_type: 'Lock' }]);
      child.kill('SIGKILL');
      await exited;
      // the server notices the dead client (client_connection_check_interval) and rolls its transaction back
      for (let i = 0; i < 200; i++) {
        const { rows } = await watcher.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'LandGate'");
        if (Number(rows[0].n) === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await watcher.query('SELECT pg_advisory_unlock_all()');
      await watcher.end();
    }
    expect(schemaState()).toBe(before);
    expect(pg.psql(`SELECT count(*) FROM pg_tables WHERE schemaname = '${schema}' AND tablename = 'killed_bands'`)).toEqual([['0']]);
  });

  it('a second DEM while one is being stored is refused at once, in words, and nothing changes', async () => {
    const before = schemaState();
    const holder = new pgClient.Client({ host: pg.env.PGHOST, port: Number(pg.env.PGPORT), user: 'postgres', database: 'gis' });
    await holder.connect();
    try {
      // the lock the DEM writer holds for its transaction
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`${schema}/dem`]);
      expectRefusal(landgate(['bands', url, '--dem', GMTED, '--name', 'second_bands']), `共享项目“${url}”正在导入另一份高程数据（DEM，另一位用户或另一个窗口）。请待其完成后再试`);
    } finally {
      await holder.end();
    }
    expect(schemaState()).toBe(before);
  });

  it('a planner cannot store a DEM: the database refuses it, in words, and nothing changes', () => {
    const before = schemaState();
    const planner = pg.url(schema, 'dem_planner');
    expectRefusal(landgate(['bands', planner, '--dem', GMTED, '--name', 'planner_bands']), `数据库拒绝：登录 dem_planner 没有写入高程数据（DEM）的权限（需要角色 ${schema}_admin（管理员））`);
    expect(schemaState()).toBe(before);
    // the server itself, whoever asks: psql as the planner
    expect(() => pg.psql(`DELETE FROM "${schema}".landgate_dem_tiles`, { user: 'dem_planner' })).toThrow(/permission denied/);
    expect(() => pg.psql(`INSERT INTO "${schema}".landgate_dem_tiles (tile_column, tile_row, tile_data, scale, "offset") VALUES (99, 99, '\\x00', 1, 0)`, { user: 'dem_planner' })).toThrow(/permission denied/);
    expect(() => pg.psql(`UPDATE "${schema}".landgate_meta SET value = '{}' WHERE key = 'dem'`, { user: 'dem_planner' })).not.toThrow();
    // (row-level security: the planner's UPDATE of the DEM's metadata touches no row)
    expect(schemaState()).toBe(before);
    // and reads it like everyone
    expect(storedDemInfo(planner)?.cols).toBe(116);
  });

  it("the check's elevation evidence on the shared project equals the GeoPackage's (CLI and check worker)", async () => {
    for (const project of [url, gpkg]) expect(landgate(['import', project, PARCEL_TXT, '--kind', 'parcel', '--name', 'parcels']).status).toBe(0);
    const evidence = (project: string) => {
      const r = landgate(['check', project, 'parcels', '--profile', 'jincheng-chengqu', '--format', 'json']);
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { parcels: { id: string; elevation?: unknown }[] }).parcels.map((p) => [p.id, p.elevation]);
    };
    const shared = evidence(url);
    expect(shared[0][1]).toMatchObject({ source: expect.stringContaining('gmted2010') });
    expect(shared).toEqual(evidence(gpkg));

    const viaWorker = async (project: string) => {
      const api = createApiService(project);
      try {
        const report = await api.checkParcel({ table: 'parcels', parcelId: '140502', profile: 'jincheng-chengqu' });
        return (report.parcels as { elevation?: unknown }[])[0].elevation;
      } finally {
        api.close();
      }
    };
    const worker = await viaWorker(url);
    expect(worker).toEqual(shared[0][1]);
    expect(worker).toEqual(await viaWorker(gpkg));
  });

  it("the map's terrain: the same info and terrain-RGB tiles from both backends", async () => {
    const open = (project: string) => ProjectStore.open(project, { readonly: true });
    const a = open(url);
    const b = open(gpkg);
    const ta = new TerrainService(a.db);
    const tb = new TerrainService(b.db);
    try {
      const ia = ta.terrainInfo()!;
      const ib = tb.terrainInfo()!;
      expect(ia).not.toBeNull();
      expect({ ...ia, importedAt: '' }).toEqual({ ...ib, importedAt: '' });
      for (const [z, x, y] of [[8, 207, 101], [9, 414, 201], [6, 51, 25]]) {
        const pa = ta.demTile(z, x, y);
        expect(pa).not.toBeNull();
        expect(Buffer.from(pa!).equals(Buffer.from(tb.demTile(z, x, y)!))).toBe(true);
      }
      const route = await ta.handle('/tiles/dem/8/207/101.png');
      expect(route?.status).toBe(200);
      expect((await ta.contours()).features.length).toBe((await tb.contours()).features.length);
    } finally {
      ta.close();
      tb.close();
      a.close();
      b.close();
    }
    // the API's terrain route on the shared project
    const api = createApiService(url);
    try {
      expect((await api.getTerrainInfo())?.cols).toBe(116);
      // the tile route the host and the app:// protocol serve
      const tile = await api.tile!('/tiles/dem/8/207/101.png');
      expect(tile?.status).toBe(200);
      expect(tile?.contentType).toBe('image/png');
    } finally {
      api.close();
    }
  });
});
