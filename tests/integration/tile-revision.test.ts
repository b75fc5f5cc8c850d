/**
 * The parcel layer's cached tiles are kept while what they show is unchanged, and re-cut when it
 * changes: a check by another client that finds what the last one found keeps them (on a shared
 * project under load most checks are such), one that changes a parcel's verdict — the tiles'
 * colour — or an edit of the parcels by another client re-cuts them. On a GeoPackage and on a
 * shared project in PostGIS (cut by the server). A tile served from the cache is the very same
 * bytes object; a re-cut one is a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { importFile } from '../../electron/services/import-file';
import { VectorTileService } from '../../electron/services/map/vector-tiles';
import { setParcelAttributes } from '../../electron/services/parcel-attributes';
import { ProjectStore } from '../../electron/services/project-store';
import type { CheckReport } from '../../shared/model/check';
import { tileContaining } from '../../shared/map/vector-tiles';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

let pg: ThrowawayPostgis;
let dir: string;
let parcelsFile: string;
let otherFile: string;

const square = (lon: number, lat: number, d = 0.002) => [
  [
    [lon, lat],
    [lon + d, lat],
    [lon + d, lat + d],
    [lon, lat + d],
    [lon, lat],
  ],
];
const featureCollection = (prefix: string, lon: number) => ({
  type: 'FeatureCollection',
  features: [0, 1, 2].map((i) => ({ type: 'Feature', properties: { 地块编号: `${prefix}${i + 1}`, 地块名称: `地块${i + 1}` }, geometry: { type: 'Polygon', coordinates: square(lon + i * 0.004, 35.1) } })),
});

beforeAll(() => {
  pg = startPostgis();
  Object.assign(process.env, { PGHOST: pg.env.PGHOST, PGPORT: pg.env.PGPORT });
  dir = mkdtempSync(join(tmpdir(), 'landgate-tile-revision-'));
  parcelsFile = join(dir, 'parcels.geojson');
  otherFile = join(dir, 'other.geojson');
  writeFileSync(parcelsFile, JSON.stringify(featureCollection('P', 111.2)));
  writeFileSync(otherFile, JSON.stringify(featureCollection('Q', 111.3)));
}, 600_000);

afterAll(() => {
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const report = (verdicts: Record<string, 'permitted' | 'conditional' | 'prohibited'>): CheckReport =>
  ({ profile: 'xiaxian', checkedAt: new Date().toISOString(), parcels: Object.entries(verdicts).map(([id, verdict]) => ({ id, verdict, findings: [] })) }) as unknown as CheckReport;

const record = (store: ProjectStore, table: string, verdicts: Record<string, 'permitted' | 'conditional' | 'prohibited'>) =>
  store.recordCheck(report(verdicts), { parcelTable: table, parcelsSource: table, trigger: 'ui' });

function verdictsIn(body: Uint8Array): Record<string, unknown> {
  const layer = Object.values(new VectorTile(new PbfReader(body)).layers)[0];
  const out: Record<string, unknown> = {};
  for (let i = 0; i < (layer?.length ?? 0); i++) out[String(layer.feature(i).id)] = layer.feature(i).properties.verdict ?? null;
  return out;
}

describe.each([
  ['GeoPackage', () => join(dir, `p-${Date.now()}.gpkg`)],
  ['PostGIS', () => pg.url(freshSchema('tiles'))],
])('parcel tiles on a %s project', (_name, where) => {
  it('keep their cache through checks that change no verdict, and are re-cut when a verdict or a parcel changes', () => {
    const location = where();
    const setup = ProjectStore.create(location, { title: '瓦片缓存' });
    importFile(setup, parcelsFile, { kind: 'parcel', table: 'parcels', crs: 'EPSG:4490' });
    importFile(setup, otherFile, { kind: 'parcel', table: 'other', crs: 'EPSG:4490' });
    setup.close();

    // This client serves the map; `other` is another workstation on the same project.
    const viewer = ProjectStore.open(location);
    const other = ProjectStore.open(location);
    const tiles = new VectorTileService(viewer);
    const [x, y] = tileContaining(111.205, 35.101, 13);
    const path = `/tiles/vector/parcels/13/${x}/${y}.pbf`;
    const tile = () => tiles.handle(path)!.body as Uint8Array;

    const first = tile();
    expect(Object.keys(verdictsIn(first))).toHaveLength(3);
    expect(tile()).toBe(first);

    // The first verdicts: the tile's colours change.
    record(other, 'parcels', { P1: 'permitted', P2: 'conditional' });
    const checked = tile();
    expect(checked).not.toBe(first);
    expect(Object.values(verdictsIn(checked)).sort()).toEqual(['conditional', 'permitted', null].sort());

    // Re-checks that find what the last ones found, and a check of another layer: cached.
    record(other, 'parcels', { P1: 'permitted' });
    record(other, 'parcels', { P1: 'permitted', P2: 'conditional' });
    record(other, 'other', { Q1: 'prohibited' });
    expect(tile()).toBe(checked);

    // A verdict that changes: re-cut, with the new colour.
    record(other, 'parcels', { P2: 'permitted', P1: 'permitted' });
    const changed = tile();
    expect(changed).not.toBe(checked);
    expect(Object.values(verdictsIn(changed)).filter((v) => v === 'permitted')).toHaveLength(2);
    expect(tile()).toBe(changed);

    // A parcel never checked before gets a verdict: re-cut.
    record(other, 'parcels', { P3: 'prohibited' });
    const third = tile();
    expect(third).not.toBe(changed);
    expect(Object.values(verdictsIn(third))).toContain('prohibited');

    // Another client edits a parcel: re-cut.
    setParcelAttributes(other, { table: 'parcels', parcelId: 'P1', changes: { name: '改名地块' } });
    const edited = tile();
    expect(edited).not.toBe(third);
    expect(tile()).toBe(edited);

    // The bookkeeping row is no parcel's: the list and the verdict lookups do not see it.
    expect([...other.latestVerdicts('parcels', ['P1', 'P2', 'P3']).keys()].sort()).toEqual(['P1', 'P2', 'P3']);
    viewer.close();
    other.close();
  }, 120_000);
});
