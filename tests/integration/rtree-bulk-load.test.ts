/**
 * The packed R*Tree a new layer gets (store/rtree-bulk-load.ts) against the one SQLite builds row
 * by row: SQLite's own rtreecheck() accepts it, it holds the same boxes (rounded the same way),
 * answers every window query the same, keeps working under the GeoPackage triggers' edits, and
 * GDAL's spatial filter reads it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RtreeBulkLoader, type BulkLoadConnection, rtreeValueDown, rtreeValueUp } from '../../electron/services/store/rtree-bulk-load';
import { mulberry32 } from '../../electron/services/demo/prng';
import { ProjectStore } from '../../electron/services/project-store';
import { rect } from '../support/geometry';

const dir = mkdtempSync(join(tmpdir(), 'landgate-rtree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Box = [id: number, minX: number, maxX: number, minY: number, maxY: number];

function randomBoxes(n: number, seed: number): Box[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    // parcels in Shanxi, a few far away or degenerate (a point), some duplicated boxes
    const x = random() < 0.02 ? -180 + random() * 360 : 110 + random() * 4;
    const y = random() < 0.02 ? -90 + random() * 180 : 34 + random() * 6;
    const w = random() < 0.05 ? 0 : random() * 0.01;
    const h = random() < 0.05 ? 0 : random() * 0.01;
    return [i + 1, x, x + w, y, y + h];
  });
}

/** Two R*Trees in one file: `rows` filled by INSERT, `packed` by the bulk loader. */
function build(boxes: Box[], pageSize = 4096): Database.Database {
  const path = join(dir, `t-${boxes.length}-${pageSize}-${Math.random().toString(36).slice(2)}.sqlite`);
  const db = new Database(path);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  const connection = Object.assign(db, { dialect: 'sqlite' as const }) as unknown as BulkLoadConnection;
  db.transaction(() => {
    db.exec('CREATE VIRTUAL TABLE rows USING rtree(id, minx, maxx, miny, maxy)');
    db.exec('CREATE VIRTUAL TABLE packed USING rtree(id, minx, maxx, miny, maxy)');
    const insert = db.prepare('INSERT INTO rows VALUES (?, ?, ?, ?, ?)');
    const loader = new RtreeBulkLoader();
    for (const [id, minX, maxX, minY, maxY] of boxes) {
      insert.run(id, minX, maxX, minY, maxY);
      loader.add(id, minX, minY, maxX, maxY);
    }
    loader.write(connection, 'packed');
  })();
  return db;
}

const windowQuery = (table: string) => `SELECT id FROM ${table} WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ? ORDER BY id`;

function expectSameIndex(db: Database.Database, windows: number, seed: number) {
  expect(db.prepare("SELECT rtreecheck('packed') AS c").get()).toEqual({ c: 'ok' });
  expect(db.prepare('SELECT * FROM packed ORDER BY id').all()).toEqual(db.prepare('SELECT * FROM rows ORDER BY id').all());
  const random = mulberry32(seed);
  const rows = db.prepare(windowQuery('rows')).pluck();
  const packed = db.prepare(windowQuery('packed')).pluck();
  let hits = 0;
  for (let q = 0; q < windows; q++) {
    const x = 110 + random() * 4;
    const y = 34 + random() * 6;
    const size = random() * 0.2;
    const expected = rows.all(x + size, x, y + size, y);
    hits += expected.length;
    expect(packed.all(x + size, x, y + size, y)).toEqual(expected);
  }
  return hits;
}

describe('R*Tree bulk load', () => {
  it('rounds bounds outwards to float32 exactly as SQLite does', () => {
    const db = new Database(':memory:');
    db.exec('CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)');
    const insert = db.prepare('INSERT INTO r VALUES (?, ?, ?, ?, ?)');
    const random = mulberry32(3);
    const values: number[] = [];
    for (let i = 1; i <= 10_000; i++) {
      // magnitudes from 1e-4 to 1e8, both signs, and values float32 holds exactly
      const d = i % 10 === 0 ? Math.fround(random() * 1000) : (random() - 0.5) * 10 ** Math.floor(random() * 12 - 4);
      values.push(d);
      insert.run(i, d, d, d, d);
    }
    const stored = db.prepare('SELECT minx, maxx FROM r ORDER BY id').raw().all() as [number, number][];
    values.forEach((d, i) => {
      expect(stored[i][0]).toBe(rtreeValueDown(d));
      expect(stored[i][1]).toBe(rtreeValueUp(d));
    });
    db.close();
  });

  for (const n of [1, 50, 51, 52, 2_602, 30_000]) {
    it(`${n} boxes: rtreecheck ok, the same boxes and the same answers to 300 windows as row-by-row inserts`, () => {
      const db = build(randomBoxes(n, n));
      const hits = expectSameIndex(db, 300, n + 1);
      if (n >= 2_602) expect(hits).toBeGreaterThan(300);
      // a packed tree of this many leaves has this depth (root depth = height − 1)
      const depth = (db.prepare('SELECT data FROM packed_node WHERE nodeno = 1').get() as { data: Buffer }).data.readUInt16BE(0);
      expect(depth).toBe(n <= 51 ? 0 : n <= 51 * 51 ? 1 : 2);
      db.close();
    });
  }

  it('takes the node size of a file with 1 KiB pages (39 cells a node)', () => {
    const db = build(randomBoxes(5_000, 9), 1024);
    expect((db.prepare('SELECT length(data) AS n FROM packed_node WHERE nodeno = 1').get() as { n: number }).n).toBe(960);
    expectSameIndex(db, 200, 10);
    db.close();
  });

  it('stays a valid R*Tree through inserts, moves and deletes made afterwards by SQLite', () => {
    const db = build(randomBoxes(20_000, 21));
    const random = mulberry32(22);
    db.transaction(() => {
      for (let id = 1; id <= 20_000; id += 3) for (const t of ['rows', 'packed']) db.prepare(`DELETE FROM ${t} WHERE id = ?`).run(id);
      for (let id = 2; id <= 20_000; id += 7) {
        const dx = random() * 0.5;
        for (const t of ['rows', 'packed']) db.prepare(`UPDATE ${t} SET minx = minx - ?, maxx = maxx + ? WHERE id = ?`).run(dx, dx, id);
      }
      for (const [id, minX, maxX, minY, maxY] of randomBoxes(5_000, 23)) for (const t of ['rows', 'packed']) db.prepare(`INSERT INTO ${t} VALUES (?, ?, ?, ?, ?)`).run(20_000 + id, minX, maxX, minY, maxY);
    })();
    expectSameIndex(db, 300, 24);
    db.close();
  });

  it('refuses an index that is not new and empty, changing nothing', () => {
    const db = build([]);
    db.prepare('INSERT INTO packed VALUES (1, 0, 1, 0, 1)').run();
    const loader = new RtreeBulkLoader();
    loader.add(2, 5, 5, 6, 6);
    expect(() => loader.write(Object.assign(db, { dialect: 'sqlite' }) as unknown as BulkLoadConnection, 'packed')).toThrow(/not a new, empty index/);
    expect(db.prepare('SELECT id FROM packed').pluck().all()).toEqual([1]);
    db.close();
  });

  it('gives the project connection its own page cache back once a layer is written', () => {
    const store = ProjectStore.create(join(dir, 'cache.gpkg'), { title: '缓存' });
    const sql = (store.db as unknown as { db: { prepare(sql: string): { get(): unknown } } }).db;
    const cacheSize = () => (sql.prepare('PRAGMA cache_size').get() as { cache_size: number }).cache_size;
    const before = cacheSize();
    store.writeLayer({ table: 'zones', kind: 'water-source-zone', sourceFile: null, originalCrs: 'EPSG:4490', features: [{ type: 'Feature', properties: { id: 'A' }, geometry: { type: 'Polygon', coordinates: [rect(111, 35, 111.001, 35.001)] } }] });
    expect(cacheSize()).toBe(before);
    expect(before).toBe(-16000); // better-sqlite3's, not the writer's 2 MB
    store.close();
  });

  it.runIf(spawnSync('ogrinfo', ['--version']).status === 0)('a layer written into a project is found through GDAL’s spatial filter', () => {
    const path = join(dir, '项目 空间索引.gpkg');
    const store = ProjectStore.create(path, { title: '空间索引' });
    const features = Array.from({ length: 3_000 }, (_, i) => ({
      type: 'Feature' as const,
      properties: { id: `ZD-${i}` },
      geometry: { type: 'Polygon' as const, coordinates: [rect(111 + (i % 60) * 0.001, 35 + Math.floor(i / 60) * 0.001, 111.0008 + (i % 60) * 0.001, 35.0008 + Math.floor(i / 60) * 0.001)] },
    }));
    store.writeLayer({ table: 'zones', kind: 'water-source-zone', sourceFile: null, originalCrs: 'EPSG:4490', features });
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT rtreecheck('rtree_zones_geom') AS c").get()).toEqual({ c: 'ok' });
    expect(db.prepare('SELECT count(*) FROM rtree_zones_geom').pluck().get()).toBe(3_000);
    db.close();
    // the window holds the 3 × 2 parcels whose squares start at columns 10–12, rows 20–21
    const result = spawnSync('ogrinfo', ['-q', '-al', '-spat', '111.0101', '35.0201', '111.0121', '35.0211', path, 'zones'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const ids = [...result.stdout.matchAll(/id \(String\) = (ZD-\d+)/g)].map((m) => m[1]).sort();
    expect(ids).toEqual(['ZD-1210', 'ZD-1211', 'ZD-1212', 'ZD-1270', 'ZD-1271', 'ZD-1272'].sort());
  });
});
