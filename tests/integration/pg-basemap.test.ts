/**
 * Offline basemaps on a shared project: `landgate basemap add <url> tiles.mbtiles` copies the
 * package's tiles into the project's schema (landgate_basemap_tiles), `basemap list` shows it,
 * and the map's tile route serves the very bytes a GeoPackage project serves for the same package
 * (raster and vector). Adding is the administrator's: a planner is refused by the server itself,
 * by the CLI and by psql, and nothing changes; a PMTiles archive, which would be referenced by a
 * path on one workstation, is refused in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../electron/services/project-store';
import { TerrainService } from '../../electron/services/terrain/tiles';
import { landgate, type CliResult } from '../support/cli';
import { makePatternBasemap } from '../support/basemap-pattern';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

let pg: ThrowawayPostgis;
let dir: string;
let schema: string;
let gpkg: string;
let raster: string;
let vector: string;
const LOGINS = { admin: 'bm_admin', planner: 'bm_planner', reader: 'bm_reader' };

const run = (args: string[]) => landgate(args, { env: pg.env as Record<string, string> });
const url = (login?: string) => pg.url(schema, login);

function expectRefusal(result: CliResult, zh: string): void {
  expect(result.status, result.stderr + result.stdout).toBe(2);
  expect(result.stderr).toContain(zh);
  expect(result.stderr).not.toMatch(/内部错误|internal error|\n\s+at /);
}

/** A small vector MBTiles: three gzip'd "tiles" (any bytes: they are served, not parsed). */
function makeVectorMbtiles(path: string): void {
  const db = new Database(path);
  db.exec('CREATE TABLE metadata (name text, value text); CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob);');
  const meta = db.prepare('INSERT INTO metadata VALUES (?, ?)');
  for (const [k, v] of Object.entries({ name: 'roads', format: 'pbf', minzoom: '10', maxzoom: '11', bounds: '111.1,35.0,111.3,35.2', json: JSON.stringify({ vector_layers: [{ id: 'roads' }] }) })) meta.run(k, v);
  const tile = db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)');
  for (const [z, x, y] of [[10, 828, 620], [11, 1656, 1241], [11, 1657, 1241]]) tile.run(z, x, y, gzipSync(Buffer.from(`tile ${z}/${x}/${y}`)));
  db.close();
}

beforeAll(() => {
  pg = startPostgis();
  Object.assign(process.env, { PGHOST: pg.env.PGHOST, PGPORT: pg.env.PGPORT });
  dir = mkdtempSync(join(tmpdir(), 'landgate-pg-basemap-'));
  raster = makePatternBasemap(dir, [111.2, 35.1]);
  vector = join(dir, 'roads.mbtiles');
  makeVectorMbtiles(vector);
  schema = freshSchema('basemap');
  pg.psql(Object.values(LOGINS).map((login) => `CREATE ROLE ${login} LOGIN;`).join('\n'));
  const store = ProjectStore.create(url(), { title: '夏县共享项目' });
  store.roles.grant(LOGINS.admin, 'admin');
  store.roles.grant(LOGINS.planner, 'planner');
  store.roles.grant(LOGINS.reader, 'readonly');
  store.close();
  gpkg = join(dir, 'county.gpkg');
  expect(run(['init', gpkg]).status).toBe(0);
}, 600_000);

afterAll(() => {
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What a refused add could have touched: the setting, the tiles (or that there is no table), the trail. */
function state(): string {
  const table = pg.psql(`SELECT to_regclass('"${schema}".landgate_basemap_tiles') IS NOT NULL`)[0][0] === 't';
  const tiles = table ? pg.psql(`SELECT count(*) FROM "${schema}".landgate_basemap_tiles`)[0][0] : 'no table';
  const rest = pg.psql(`SELECT coalesce((SELECT value FROM "${schema}".landgate_meta WHERE key = 'basemaps'), '-'), (SELECT count(*) FROM "${schema}".landgate_audit)`)[0].join('|');
  return `${tiles}|${rest}`;
}

describe('basemaps on a shared project', () => {
  it('a planner is refused by the server before anything is written, the table not even created', () => {
    const before = state();
    expect(before).toMatch(/^no table\|-\|/);
    expectRefusal(run(['basemap', 'add', url(LOGINS.planner), raster]), `数据库拒绝：登录 ${LOGINS.planner} 无权向共享项目“${url(LOGINS.planner)}”添加离线底图（需要角色 ${schema}_admin（管理员））`);
    expect(state()).toBe(before);
  });

  it('an administrator adds a raster and a vector MBTiles; list shows them; tiles are the GeoPackage project’s, byte for byte', async () => {
    for (const file of [raster, vector]) {
      expect(run(['basemap', 'add', gpkg, file]).status).toBe(0);
      const added = run(['basemap', 'add', url(LOGINS.admin), file]);
      expect(added.status, added.stderr).toBe(0);
      expect(added.stdout).toContain('瓦片已复制进项目（表 landgate_basemap_tiles）');
    }
    const listed = run(['basemap', 'list', url(LOGINS.reader)]);
    expect(listed.status, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^pattern\t.*\tmbtiles\/raster\/png\t.*\t项目内 landgate_basemap_tiles\t/);
    expect(lines[1]).toMatch(/^roads\troads\tmbtiles\/vector\/pbf\tz10–11\t项目内 landgate_basemap_tiles$/);
    // Who added them is in the trail, under the login.
    expect(pg.psql(`SELECT "user" FROM "${schema}".landgate_audit WHERE action = 'basemap.add' ORDER BY seq`)).toEqual([[LOGINS.admin], [LOGINS.admin]]);

    // Every tile through the map's route, read as the read-only login, against the GeoPackage's.
    const localStore = ProjectStore.open(gpkg, { readonly: true });
    const sharedStore = ProjectStore.open(url(LOGINS.reader), { readonly: true });
    const local = new TerrainService(localStore.db);
    const shared = new TerrainService(sharedStore.db);
    try {
      const summaries = shared.basemaps();
      expect(summaries.map((b) => [b.id, b.available])).toEqual([
        ['pattern', true],
        ['roads', true],
      ]);
      expect(local.basemaps().map((b) => b.tiles)).toEqual(summaries.map((b) => b.tiles));
      const rasterTiles = pg.psql(`SELECT zoom_level, tile_column, tile_row FROM "${schema}".landgate_basemap_tiles WHERE basemap = 'pattern' ORDER BY 1, 2, 3`);
      const source = new Database(raster, { readonly: true });
      expect(rasterTiles.length).toBe((source.prepare('SELECT count(*) AS n FROM tiles').get() as { n: number }).n);
      source.close();
      expect(rasterTiles.length).toBeGreaterThan(20);
      const routes = [
        ...rasterTiles.map(([z, x, y]) => `/tiles/basemap/pattern/${z}/${x}/${y}.png`),
        '/tiles/basemap/roads/10/828/403.pbf',
        '/tiles/basemap/roads/11/1656/806.pbf',
        '/tiles/basemap/roads/11/1657/806.pbf',
      ];
      for (const route of routes) {
        const [a, b] = [await local.handle(route), await shared.handle(route)];
        expect(b?.status, route).toBe(200);
        expect(b?.contentType).toBe(a?.contentType);
        expect(Buffer.from(b!.body).equals(Buffer.from(a!.body)), route).toBe(true);
      }
      expect(Buffer.from((await shared.handle('/tiles/basemap/roads/10/828/403.pbf'))!.body).toString()).toBe('tile 10/828/620');
      expect((await shared.handle('/tiles/basemap/pattern/3/1/1.png'))?.status).toBe(404);
    } finally {
      local.close();
      shared.close();
      localStore.close();
      sharedStore.close();
    }
  });

  it('the server itself refuses a planner’s and a reader’s tile rows (psql), and a planner’s add once the table exists', () => {
    const before = state();
    for (const login of [LOGINS.planner, LOGINS.reader]) {
      expect(() => pg.psql(`INSERT INTO "${schema}".landgate_basemap_tiles VALUES ('x', 1, 0, 0, '\\x00')`, { user: login })).toThrow(/permission denied for table landgate_basemap_tiles/);
      expect(() => pg.psql(`DELETE FROM "${schema}".landgate_basemap_tiles`, { user: login })).toThrow(/permission denied for table landgate_basemap_tiles/);
    }
    expectRefusal(run(['basemap', 'add', url(LOGINS.planner), vector]), `数据库拒绝：登录 ${LOGINS.planner} 无权向共享项目`);
    expect(state()).toBe(before);
  });

  it('a PMTiles archive is refused: a shared project cannot refer to one workstation’s file', () => {
    const before = state();
    const pmtiles = join(dir, 'province.pmtiles');
    writeFileSync(pmtiles, 'not read');
    expectRefusal(run(['basemap', 'add', url(LOGINS.admin), pmtiles]), '不能添加到共享项目');
    expectRefusal(run(['basemap', 'add', url(LOGINS.admin), pmtiles]), '共享项目的各台工作站读不到某一台电脑上的文件');
    expect(state()).toBe(before);
  });
});
