import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Feature, Geometry } from 'geojson';
import { ProjectStore, SCHEMA_VERSION } from '../../electron/services/project-store';
import type { CheckReport } from '../../shared/model/check';
import { UserInputError } from '../../shared/model/errors';

const hasOgrinfo = spawnSync('ogrinfo', ['--version']).status === 0;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-store-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
const freshPath = () => join(dir, `p${++counter}.gpkg`);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function feature(geometry: Geometry, properties: Record<string, unknown>): Feature {
  return { type: 'Feature', properties, geometry };
}

const square = (x: number, y: number, d = 0.01): number[][][] => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];

const zoneFeatures: Feature[] = [
  feature({ type: 'Polygon', coordinates: square(111.2, 35.1) }, { id: 'WS-1', level: '1', name: '城关水源地一级区' }),
  feature(
    {
      type: 'MultiPolygon',
      coordinates: [
        [
          ...square(111.3, 35.1, 0.05),
          // a hole
          [
            [111.31, 35.11],
            [111.31, 35.12],
            [111.32, 35.12],
            [111.32, 35.11],
            [111.31, 35.11],
          ],
        ],
        square(111.4, 35.2, 0.02),
      ],
    },
    { id: 'WS-2', level: '2', name: '二级区', areaKm2: 12.5, wells: 3, tags: ['well-field', '地下水'], extra: { approved: '2020' } },
  ),
];

const contaminatedFeatures: Feature[] = [
  feature({ type: 'Polygon', coordinates: square(111.25, 35.15, 0.005) }, { id: 'CP-1', listed: true, delisted: false, heavy: true, industry: '焦化', stage: 'S3' }),
  feature({ type: 'Polygon', coordinates: square(111.26, 35.15, 0.005) }, { id: 'CP-2', listed: false, stage: 'S0' }),
];

const stationFeatures: Feature[] = [
  feature({ type: 'Point', coordinates: [111.21, 35.12] }, { id: 'ST-1', type: 'air-national', name: '县环保局' }),
  feature({ type: 'Point', coordinates: [111.41, 35.22] }, { id: 'ST-2', type: 'groundwater', name: '地下水点位' }),
];

const riverFeatures: Feature[] = [
  feature({ type: 'LineString', coordinates: [[111.1, 35.0], [111.2, 35.05], [111.3, 35.07]] }, { id: 'R-1', name: '涑水河', class: 'main' }),
  feature(
    { type: 'MultiLineString', coordinates: [[[111.2, 35.05], [111.22, 35.1]], [[111.3, 35.07], [111.31, 35.12]]] },
    { id: 'R-2', name: '白沙河', class: 'tributary' },
  ),
];

const parcelFeatures: Feature[] = [
  feature(
    { type: 'Polygon', coordinates: square(111.251, 35.151, 0.002) },
    { id: 'XX-2026-001', name: '东关住宅', currentUse: '0601', plannedUse: '0701', action: 'supply', soilSurvey: 'none', toxicHistory: false, projectType: ['catering', 'discharging'] },
  ),
];

/** What reading back must give: polygons promoted to MultiPolygon, lines to MultiLineString. */
function promoted(features: Feature[]): Feature[] {
  return features.map((f) => {
    const g = f.geometry as Geometry;
    const geometry: Geometry =
      g.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [g.coordinates] } : g.type === 'LineString' ? { type: 'MultiLineString', coordinates: [g.coordinates] } : g;
    return { type: 'Feature', id: String(f.properties!.id), properties: f.properties, geometry };
  });
}

function createFull(path: string): ProjectStore {
  const store = ProjectStore.create(path, { title: '测试项目' });
  store.writeLayer({ table: 'water_zones', kind: 'water-source-zone', title: '水源保护区', sourceFile: 'zones.geojson', originalCrs: 'EPSG:4525', features: zoneFeatures });
  store.writeLayer({ table: 'contaminated', kind: 'contaminated-parcel', sourceFile: 'cp.geojson', originalCrs: 'EPSG:4490', features: contaminatedFeatures });
  store.writeLayer({ table: 'stations', kind: 'monitoring-station', sourceFile: null, originalCrs: 'EPSG:4490', features: stationFeatures });
  store.writeLayer({ table: 'rivers', kind: 'river', sourceFile: null, originalCrs: 'EPSG:4490', features: riverFeatures });
  store.writeLayer({ table: 'parcels', kind: 'parcel', sourceFile: 'parcels.geojson', originalCrs: 'EPSG:4490', features: parcelFeatures });
  return store;
}

function expectUserError(fn: () => unknown, code: string, zhPattern?: RegExp): UserInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    const e = error as UserInputError;
    expect(e.code).toBe(code);
    if (zhPattern) expect(e.messageZh).toMatch(zhPattern);
    return e;
  }
  throw new Error(`expected UserInputError ${code}`);
}

describe('ProjectStore', () => {
  it('creates a GeoPackage with the right header, SRS rows and metadata', () => {
    const path = freshPath();
    const store = ProjectStore.create(path, { title: '示例', synthetic: true });
    expect(store.info()).toEqual({ path, title: '示例', synthetic: true, layers: [] });
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(0x47504b47);
    expect(db.pragma('user_version', { simple: true })).toBe(10300);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const srs = db.prepare('SELECT srs_id, definition FROM gpkg_spatial_ref_sys ORDER BY srs_id').all() as { srs_id: number; definition: string }[];
    expect(srs.map((r) => r.srs_id)).toEqual([-1, 0, 4326, 4490]);
    expect(srs[3].definition).toContain('China Geodetic Coordinate System 2000');
    const attrs = db.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes' ORDER BY table_name").all() as { table_name: string }[];
    // keyed tables (verdicts by parcel, profiles by id) stay unregistered: GeoPackage wants an INTEGER primary key
    expect(attrs.map((r) => r.table_name)).toEqual(['landgate_audit', 'landgate_check_parcels', 'landgate_check_results', 'landgate_checks', 'landgate_document_numbers', 'landgate_layers', 'landgate_meta', 'landgate_sweep_parcels', 'landgate_sweeps', 'layer_styles']);
    expect(db.prepare("SELECT value FROM landgate_meta WHERE key = 'schemaVersion'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    db.close();
    expectUserError(() => ProjectStore.create(path), 'project.exists', /已存在/);
  });

  it('writes layers of every geometry type and reads them back identical', () => {
    const path = freshPath();
    const store = createFull(path);
    expect(store.readFeatures('water_zones').features).toEqual(promoted(zoneFeatures));
    expect(store.readFeatures('contaminated').features).toEqual(promoted(contaminatedFeatures));
    expect(store.readFeatures('stations').features).toEqual(promoted(stationFeatures));
    expect(store.readFeatures('rivers').features).toEqual(promoted(riverFeatures));
    expect(store.readFeatures('parcels').features).toEqual(promoted(parcelFeatures));

    const layers = store.listLayers();
    expect(layers.map((l) => [l.table, l.kind, l.geometryType, l.featureCount])).toEqual([
      ['water_zones', 'water-source-zone', 'MULTIPOLYGON', 2],
      ['contaminated', 'contaminated-parcel', 'MULTIPOLYGON', 2],
      ['stations', 'monitoring-station', 'POINT', 2],
      ['rivers', 'river', 'MULTILINESTRING', 2],
      ['parcels', 'parcel', 'MULTIPOLYGON', 1],
    ]);
    const zones = store.getLayer('water_zones');
    expect(zones).toMatchObject({ title: '水源保护区', sourceFile: 'zones.geojson', originalCrs: 'EPSG:4525' });
    [111.2, 35.1, 111.42, 35.22].forEach((v, i) => expect(zones.bbox![i]).toBeCloseTo(v, 12));
    expect(Date.parse(zones.importedAt)).not.toBeNaN();
    expectUserError(() => store.getLayer('nope'), 'layer.unknown', /没有图层“nope”/);
    store.close();

    // Reopened read-only: same content.
    const again = ProjectStore.open(path, { readonly: true });
    expect(again.readFeatures('rivers').features).toEqual(promoted(riverFeatures));
    expect(again.info().title).toBe('测试项目');
    again.close();
  });

  it('uses feature numbers as ids when there is no id attribute, and mixed polygon/line rivers get GEOMETRY', () => {
    const store = ProjectStore.create(freshPath());
    store.writeLayer({
      table: 'mixed_rivers',
      kind: 'river',
      sourceFile: null,
      originalCrs: 'EPSG:4490',
      features: [
        feature({ type: 'LineString', coordinates: [[111.1, 35.0], [111.2, 35.1]] }, { name: '河A' }),
        feature({ type: 'Polygon', coordinates: square(111.3, 35.1) }, { name: '水库' }),
      ],
    });
    const read = store.readFeatures('mixed_rivers').features;
    expect(read.map((f) => f.id)).toEqual(['1', '2']);
    expect(read[1].properties).toEqual({ id: '2', name: '水库' });
    expect(store.getLayer('mixed_rivers').geometryType).toBe('GEOMETRY');

    // Keys that collide with fid/geom or differ only in case (SQLite column names are case-insensitive).
    const odd = { id: 'X', fid: 7, geom: 'g', Name: 'A', name: 'a', '含"引号': true, mixed: 1 };
    store.writeLayer({ table: 'odd', kind: 'basic-farmland', sourceFile: null, originalCrs: 'EPSG:4490', features: [feature({ type: 'Polygon', coordinates: square(111.2, 35.1) }, odd), feature({ type: 'Polygon', coordinates: square(111.3, 35.1) }, { id: 'Y', mixed: 'text' })] });
    const [x, y] = store.readFeatures('odd').features;
    expect(x.properties).toEqual(odd);
    expect(y.properties).toEqual({ id: 'Y', mixed: 'text' });
    store.close();
  });

  it('answers bbox queries through the R*Tree', () => {
    const store = createFull(freshPath());
    const ids = (bbox: [number, number, number, number]) => store.readFeatures('water_zones', { bbox }).features.map((f) => f.id);
    expect(ids([111.19, 35.09, 111.215, 35.115])).toEqual(['WS-1']);
    expect(ids([111.405, 35.205, 111.41, 35.21])).toEqual(['WS-2']);
    expect(ids([110, 34, 112, 36])).toEqual(['WS-1', 'WS-2']);
    expect(ids([112, 36, 112.1, 36.1])).toEqual([]);
    expect(store.readFeatures('stations', { bbox: [111.4, 35.2, 111.5, 35.3] }).features.map((f) => f.id)).toEqual(['ST-2']);
    store.close();
  });

  it('refuses bad writes with UserInputError', () => {
    const store = createFull(freshPath());
    const base = { kind: 'water-source-zone' as const, sourceFile: null, originalCrs: 'EPSG:4490', features: zoneFeatures };
    expectUserError(() => store.writeLayer({ ...base, table: 'water_zones' }), 'layer.exists', /已有图层“water_zones”/);
    expectUserError(() => store.writeLayer({ ...base, table: 'Water Zones' }), 'layer.invalid-name');
    expectUserError(() => store.writeLayer({ ...base, table: '2zones' }), 'layer.invalid-name');
    expectUserError(() => store.writeLayer({ ...base, table: 'gpkg_x' }), 'layer.invalid-name');
    expectUserError(() => store.writeLayer({ ...base, table: 'pts', features: stationFeatures }), 'layer.geometry-type', /第 1 个要素/);
    expectUserError(
      () => store.writeLayer({ ...base, table: 'nan', features: [feature({ type: 'Point', coordinates: [NaN, 35] }, {})], kind: 'monitoring-station' }),
      'layer.bad-coordinate',
    );
    expect(store.listLayers()).toHaveLength(5);
    store.close();
  });

  it('a failed write leaves the file byte-for-byte unchanged', () => {
    const path = freshPath();
    createFull(path).close();
    const before = sha256(path);

    const store = ProjectStore.open(path);
    expect(() => store.writeLayer({ table: 'water_zones', kind: 'water-source-zone', sourceFile: null, originalCrs: 'EPSG:4490', features: zoneFeatures })).toThrow(UserInputError);
    expect(() => store.writeLayer({ table: 'bad', kind: 'basic-farmland', sourceFile: null, originalCrs: 'EPSG:4490', features: stationFeatures })).toThrow(UserInputError);
    // A failure after a successful write inside one transaction rolls the whole thing back.
    expect(() =>
      store.transaction(() => {
        store.writeLayer({ table: 'farmland', kind: 'basic-farmland', sourceFile: null, originalCrs: 'EPSG:4490', features: contaminatedFeatures });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.listLayers().map((l) => l.table)).not.toContain('farmland');
    const auditCount = store.listAudit().length;
    expect(sha256(path)).toBe(before);
    store.close();
    expect(sha256(path)).toBe(before);

    const reopened = ProjectStore.open(path);
    expect(reopened.listAudit()).toHaveLength(auditCount);
    expect(reopened.verifyAudit()).toEqual({ ok: true });
    reopened.close();
  });

  it('keeps an append-only, hash-chained audit log', () => {
    const path = freshPath();
    const store = createFull(path);
    store.appendAudit({ action: 'decision', detail: { parcel: 'XX-2026-001', decision: '不予准入' }, user: 'reviewer-a' });
    store.appendAudit({ action: 'export', detail: { file: 'report.pdf' } });
    const audit = store.listAudit();
    expect(audit.map((a) => a.action)).toEqual(['create', 'import', 'import', 'import', 'import', 'import', 'decision', 'export']);
    expect(audit.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(audit[6]).toMatchObject({ user: 'reviewer-a', detail: { parcel: 'XX-2026-001', decision: '不予准入' } });
    expect(audit[1].detail).toMatchObject({ table: 'water_zones', kind: 'water-source-zone', featureCount: 2 });
    for (let i = 1; i < audit.length; i++) expect(audit[i].prevHash).toBe(audit[i - 1].hash);
    expect(store.verifyAudit()).toEqual({ ok: true });
    store.close();

    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE landgate_audit SET detail = '{}' WHERE seq = 3").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM landgate_audit WHERE seq = 3').run()).toThrow(/append-only/);
    raw.exec('DROP TRIGGER landgate_audit_no_update');
    raw.prepare(`UPDATE landgate_audit SET detail = '{"table":"forged"}' WHERE seq = 3`).run();
    raw.close();

    const tampered = ProjectStore.open(path, { readonly: true });
    expect(tampered.verifyAudit()).toEqual({ ok: false, firstBadSeq: 3 });
    tampered.close();
  });

  it('detects a deleted audit tail', () => {
    const path = freshPath();
    const store = createFull(path);
    store.close();
    const raw = new Database(path);
    raw.exec('DROP TRIGGER landgate_audit_no_delete');
    raw.prepare('DELETE FROM landgate_audit WHERE seq = (SELECT max(seq) FROM landgate_audit)').run();
    raw.close();
    const reopened = ProjectStore.open(path, { readonly: true });
    expect(reopened.verifyAudit().ok).toBe(false);
    reopened.close();
  });

  it('records checks without ever overwriting earlier records', () => {
    const path = freshPath();
    const store = createFull(path);
    const report: CheckReport = {
      profile: 'xiaxian',
      profileVersion: '1',
      checkedAt: '2026-03-01T08:00:00Z',
      parcels: [
        {
          id: 'XX-2026-001',
          name: '东关住宅',
          verdict: 'prohibited',
          areaM2: 36000,
          findings: [
            { rule: 'soil.listed-sensitive', severity: 'prohibit', layerKind: 'contaminated-parcel', featureId: 'CP-1', overlapM2: 1200, overlapPct: 3.3, message: '…', basis: '土壤污染防治法 第六十一条' },
            { rule: 'soil.suspect-query', severity: 'condition', layerKind: 'suspect-parcel', featureId: 'SP-9', overlapM2: 10, message: '…', basis: '沁政办发〔2021〕19号 土壤 9' },
          ],
        },
        { id: 'XX-2026-002', verdict: 'permitted', areaM2: 20000, findings: [] },
      ],
    };
    const first = store.recordCheck(report, { parcelTable: 'parcels', parcelsSource: 'parcels', trigger: 'cli' });
    const second = store.recordCheck({ ...report, checkedAt: '2026-03-02T08:00:00Z' }, { parcelTable: null, parcelsSource: 'incoming.geojson', trigger: 'ui' });
    expect(second).toBeGreaterThan(first);
    const records = store.listCheckParcels({ parcelId: 'XX-2026-001' });
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ checkId: first, profile: 'xiaxian', verdict: 'prohibited', contaminatedHits: ['CP-1'], suspectHits: ['SP-9'], checkedAt: '2026-03-01T08:00:00Z' });
    expect(store.getCheckReport(first)).toEqual(report);
    expect(store.listChecks().map((c) => [c.id, c.trigger, c.parcelsSource])).toEqual([
      [first, 'cli', 'parcels'],
      [second, 'ui', 'incoming.geojson'],
    ]);
    const checkAudit = store.listAudit().filter((a) => a.action === 'check');
    expect(checkAudit).toHaveLength(2);
    expect(checkAudit[0].detail).toMatchObject({ checkId: first, profile: 'xiaxian', parcelCount: 2, verdicts: { prohibited: 1, permitted: 1, conditional: 0 } });
    store.close();

    const raw = new Database(path);
    expect(() => raw.prepare('UPDATE landgate_check_parcels SET verdict = ? WHERE check_id = ?').run('permitted', first)).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM landgate_checks').run()).toThrow(/append-only/);
    raw.close();
  });

  it('stores metadata', () => {
    const store = ProjectStore.create(freshPath());
    expect(store.getMeta('reviewer')).toBeUndefined();
    store.setMeta('reviewer', '张三');
    store.setMeta('reviewer', '李四');
    expect(store.getMeta('reviewer')).toBe('李四');
    store.close();
  });

  it('refuses files that are not projects, naming the file', () => {
    expectUserError(() => ProjectStore.open(join(dir, 'missing.gpkg')), 'project.not-found', /“missing\.gpkg”不存在/);
    const text = join(dir, 'notes.gpkg');
    writeFileSync(text, '这不是数据库'.repeat(20));
    expectUserError(() => ProjectStore.open(text), 'project.invalid', /“notes\.gpkg”.*不是 SQLite/);
    const plain = join(dir, 'plain.sqlite');
    const db = new Database(plain);
    db.exec('CREATE TABLE t (a)');
    db.close();
    expectUserError(() => ProjectStore.open(plain), 'project.invalid', /“plain\.sqlite”.*GeoPackage/);
    const future = freshPath();
    ProjectStore.create(future).close();
    const raw = new Database(future);
    raw.prepare("UPDATE landgate_meta SET value = '99' WHERE key = 'schemaVersion'").run();
    raw.close();
    expectUserError(() => ProjectStore.open(future), 'project.invalid', /更新版本/);
  });

  it('refuses writes when opened read-only', () => {
    const path = freshPath();
    ProjectStore.create(path).close();
    const store = ProjectStore.open(path, { readonly: true });
    expectUserError(() => store.appendAudit({ action: 'x', detail: null }), 'project.readonly');
    store.close();
  });

  describe.skipIf(!hasOgrinfo)('GDAL reads the file', () => {
    it('ogrinfo lists every layer with the right feature count and geometry type, without warnings', () => {
      const path = freshPath();
      createFull(path).close();
      const result = spawnSync('ogrinfo', ['-so', '-al', path], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stderr.trim()).toBe('');
      const layers = new Map<string, { geometry: string; count: number }>();
      for (const block of result.stdout.split(/\n(?=Layer name: )/)) {
        const name = /^Layer name: (\S+)/m.exec(block)?.[1];
        if (!name) continue;
        layers.set(name, { geometry: /^Geometry: (.+)$/m.exec(block)?.[1] ?? 'None', count: Number(/^Feature Count: (\d+)/m.exec(block)?.[1]) });
      }
      expect(layers.get('water_zones')).toEqual({ geometry: 'Multi Polygon', count: 2 });
      expect(layers.get('contaminated')).toEqual({ geometry: 'Multi Polygon', count: 2 });
      expect(layers.get('stations')).toEqual({ geometry: 'Point', count: 2 });
      expect(layers.get('rivers')).toEqual({ geometry: 'Multi Line String', count: 2 });
      expect(layers.get('parcels')).toEqual({ geometry: 'Multi Polygon', count: 1 });
      expect(layers.get('landgate_audit')?.count).toBe(6);

      // Features and attributes as GDAL decodes them.
      const dump = execFileSync('ogrinfo', ['-q', '-al', path, 'water_zones'], { encoding: 'utf8' });
      expect(dump).toContain('name (String) = 城关水源地一级区');
      expect(dump).toContain('MULTIPOLYGON (((111.2 35.1,111.21 35.1,111.21 35.11,111.2 35.11,111.2 35.1)))');
      // The spatial index GDAL sees is consistent with the data.
      const spatial = spawnSync('ogrinfo', ['-q', '-al', '-spat', '111.405', '35.205', '111.41', '35.21', path, 'water_zones'], { encoding: 'utf8' });
      expect(spatial.stdout).toContain('id (String) = WS-2');
      expect(spatial.stdout).not.toContain('id (String) = WS-1');
    });

    it('refuses a plain GeoPackage written by GDAL as a project, and leaves it untouched', () => {
      const src = join(dir, 'plain.geojson');
      writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', features: [feature({ type: 'Point', coordinates: [111.2, 35.1] }, { name: 'x' })] }));
      const path = join(dir, 'gdal-made.gpkg');
      execFileSync('ogr2ogr', ['-f', 'GPKG', path, src, '-nln', 'gdal_points']);
      const before = readFileSync(path);
      for (const readonly of [false, true]) {
        let error: unknown;
        try {
          ProjectStore.open(path, { readonly });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(UserInputError);
        expect((error as UserInputError).code).toBe('project.foreign-geopackage');
        expect((error as UserInputError).messageZh).toContain('gdal-made.gpkg');
        expect((error as UserInputError).messageZh).toContain('不是 LandGate 项目');
      }
      expect(readFileSync(path).equals(before)).toBe(true);
    });
  });
});
