/**
 * Findings of the chosen parcels' latest checks as GeoJSON (UTF-8, lon/lat CGCS2000) or as an
 * ESRI Shapefile for colleagues on older tools: polygons (the overlap polygon, or the parcel
 * itself for findings without one), attributes in a dBASE file encoded in GBK with a `.cpg`
 * saying so (and the GBK language-driver id), a `.prj` for CGCS2000. The shapefile writer is
 * small and written here: no library writes GBK dBASE files.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { minGeodesicDistance } from '../../../shared/geo/geodesy';
import { overlapOf } from '../../../shared/geo/overlay';
import { SEVERITY_LABEL_ZH, VERDICT_LABEL_ZH } from '../../../shared/model/check';
import { muFromM2 } from '../../../shared/format/units';
import { LAYER_KIND_LABEL_ZH, type LayerKind } from '../../../shared/model/layers';
import { UserInputError } from '../../../shared/model/errors';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';
import { ReviewStore } from '../review/review-store';
import { signedRingArea } from '../../../shared/geo/rings';
import { writeFileAtomically } from './output';
import { recordParcelExport, type ResolvedParcel } from './review-package';

export interface FindingProperties {
  parcelId: string;
  parcelTable: string;
  checkId: number;
  checkedAt: string;
  profile: string;
  verdict: string;
  rule: string;
  severity: string;
  layer: string;
  featureId: string | null;
  overlapM2: number | null;
  overlapMu: number | null;
  overlapPct: number | null;
  distanceM: number | null;
  message: string;
  basis: string;
  /** What the geometry is: 重叠区域 / 最近距离 / 报件地块. */
  geometryRole: string;
}

export function findingsCollection(store: ProjectStore, review: ReviewStore, parcels: { table: string; id: string; feature: Feature }[]): FeatureCollection<Geometry, FindingProperties> {
  const features: Feature<Geometry, FindingProperties>[] = [];
  const layers = store.listLayers();
  // Features are read by id as findings name them, once each: an export of a few parcels must not decode whole layers.
  const cache = new Map<string, Feature | undefined>();
  const refFeature = (table: string, id: string) => {
    const key = `${table}\u0000${id}`;
    if (!cache.has(key)) {
      const stored = layers.some((l) => l.table === table) ? store.requestFeatures(table, { ids: [id], limit: 1 })[0] : undefined;
      cache.set(key, stored ? toGeoJsonFeature(stored) : undefined);
    }
    return cache.get(key);
  };
  for (const p of parcels) {
    const latest = review.latestCheck(p.table, p.id);
    if (!latest || !p.feature.geometry) continue;
    const parcelGeom = p.feature.geometry as Polygon | MultiPolygon;
    for (const f of latest.findings) {
      let geometry: Geometry = parcelGeom;
      let role = '报件地块';
      const ref = f.layerTable && f.featureId !== undefined ? refFeature(f.layerTable, f.featureId) : undefined;
      if (f.overlapM2 && f.geometry && f.geometry.type.endsWith('Polygon')) {
        geometry = f.geometry;
        role = '重叠区域';
      } else if (f.overlapM2 && ref?.geometry && ref.geometry.type.endsWith('Polygon')) {
        const overlap = overlapOf(parcelGeom, ref.geometry as Polygon | MultiPolygon);
        if (overlap.geometry) {
          geometry = overlap.geometry;
          role = '重叠区域';
        }
      } else if (f.distanceM !== undefined && f.distanceM > 0 && ref?.geometry) {
        const pair = minGeodesicDistance(parcelGeom, ref.geometry);
        if (pair) {
          geometry = { type: 'LineString', coordinates: [pair.from, pair.to] };
          role = '最近距离';
        }
      }
      const layer = layers.find((l) => l.table === f.layerTable);
      features.push({
        type: 'Feature',
        geometry,
        properties: {
          parcelId: p.id,
          parcelTable: p.table,
          checkId: latest.checkId,
          checkedAt: latest.checkedAt,
          profile: latest.profile,
          verdict: VERDICT_LABEL_ZH[latest.verdict],
          rule: f.rule,
          severity: SEVERITY_LABEL_ZH[f.severity],
          layer: layer?.title ?? (f.layerKind ? LAYER_KIND_LABEL_ZH[f.layerKind as LayerKind] : ''),
          featureId: f.featureId ?? null,
          overlapM2: f.overlapM2 ?? null,
          overlapMu: f.overlapM2 !== undefined ? Math.round(muFromM2(f.overlapM2) * 100) / 100 : null,
          overlapPct: f.overlapPct ?? null,
          distanceM: f.distanceM ?? null,
          message: f.message,
          basis: f.basis,
          geometryRole: role,
        },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

// ---------------------------------------------------------------------------------------------
// Shapefile (polygon) writer

const PRJ_CGCS2000 =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

interface DbfField {
  name: string;
  type: 'C' | 'N';
  length: number;
  decimals: number;
  value(p: FindingProperties): string | number | null;
}

const DBF_FIELDS: DbfField[] = [
  { name: 'PARCEL_ID', type: 'C', length: 40, decimals: 0, value: (p) => p.parcelId },
  { name: 'RULE', type: 'C', length: 40, decimals: 0, value: (p) => p.rule },
  { name: 'SEVERITY', type: 'C', length: 20, decimals: 0, value: (p) => p.severity },
  { name: 'LAYER', type: 'C', length: 80, decimals: 0, value: (p) => p.layer },
  { name: 'FEATURE', type: 'C', length: 40, decimals: 0, value: (p) => p.featureId },
  { name: 'GEOM_ROLE', type: 'C', length: 16, decimals: 0, value: (p) => p.geometryRole },
  { name: 'AREA_M2', type: 'N', length: 16, decimals: 1, value: (p) => p.overlapM2 },
  { name: 'AREA_MU', type: 'N', length: 14, decimals: 2, value: (p) => p.overlapMu },
  { name: 'PCT', type: 'N', length: 8, decimals: 2, value: (p) => p.overlapPct },
  { name: 'DIST_M', type: 'N', length: 14, decimals: 2, value: (p) => p.distanceM },
  { name: 'VERDICT', type: 'C', length: 20, decimals: 0, value: (p) => p.verdict },
  { name: 'PROFILE', type: 'C', length: 30, decimals: 0, value: (p) => p.profile },
  { name: 'CHECKED', type: 'C', length: 24, decimals: 0, value: (p) => p.checkedAt },
  { name: 'MESSAGE', type: 'C', length: 254, decimals: 0, value: (p) => p.message },
  { name: 'BASIS', type: 'C', length: 254, decimals: 0, value: (p) => p.basis },
];

/** GBK bytes of `text`, cut at `length` bytes without splitting a double-byte character. */
function gbkField(text: string, length: number): Buffer {
  const out: Buffer[] = [];
  let used = 0;
  for (const ch of text) {
    const b = iconv.encode(ch, 'gbk');
    if (used + b.length > length) break;
    out.push(b);
    used += b.length;
  }
  return Buffer.concat([...out, Buffer.alloc(length - used, 0x20)]);
}


/** Shapefile rings: outer rings clockwise, holes counter-clockwise, closed. */
function shpRings(geometry: Polygon | MultiPolygon): Position[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const rings: Position[][] = [];
  for (const poly of polygons) {
    poly.forEach((ring, i) => {
      const closed = ring.length && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1]) ? [...ring, ring[0]] : ring;
      const clockwise = signedRingArea(closed) < 0;
      rings.push((i === 0) === clockwise ? closed : [...closed].reverse());
    });
  }
  return rings;
}

export function writeFindingsShapefile(
  collection: FeatureCollection<Geometry, FindingProperties>,
  shpPath: string,
  parcelGeometry: (table: string, id: string) => Geometry | null | undefined,
): string[] {
  // Polygons only: a distance line becomes the parcel polygon (GEOM_ROLE 报件地块, DIST_M kept).
  const records: { rings: Position[][]; props: FindingProperties }[] = [];
  for (const f of collection.features) {
    if (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') records.push({ rings: shpRings(f.geometry), props: f.properties });
    else {
      const g = parcelGeometry(f.properties.parcelTable, f.properties.parcelId);
      if (g && (g.type === 'Polygon' || g.type === 'MultiPolygon')) records.push({ rings: shpRings(g), props: { ...f.properties, geometryRole: '报件地块' } });
    }
  }
  const bboxOfRings = (rings: Position[][]) => {
    const pts = rings.flat();
    return [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
  };
  const contents = records.map(({ rings }) => {
    const points = rings.flat();
    const buf = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
    buf.writeInt32LE(5, 0);
    bboxOfRings(rings).forEach((v, i) => buf.writeDoubleLE(v, 4 + i * 8));
    buf.writeInt32LE(rings.length, 36);
    buf.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((ring, i) => {
      buf.writeInt32LE(start, 44 + i * 4);
      start += ring.length;
    });
    points.forEach((p, i) => {
      buf.writeDoubleLE(p[0], 44 + 4 * rings.length + i * 16);
      buf.writeDoubleLE(p[1], 44 + 4 * rings.length + i * 16 + 8);
    });
    return buf;
  });
  const all = records.length ? bboxOfRings(records.flatMap((r) => r.rings)) : [0, 0, 0, 0];
  const header = (lengthBytes: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(lengthBytes / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(5, 32);
    all.forEach((v, i) => h.writeDoubleLE(v, 36 + i * 8));
    return h;
  };
  const shpParts: Buffer[] = [];
  const shxParts: Buffer[] = [];
  let offset = 100;
  contents.forEach((c, i) => {
    const rh = Buffer.alloc(8);
    rh.writeInt32BE(i + 1, 0);
    rh.writeInt32BE(c.length / 2, 4);
    shpParts.push(rh, c);
    const idx = Buffer.alloc(8);
    idx.writeInt32BE(offset / 2, 0);
    idx.writeInt32BE(c.length / 2, 4);
    shxParts.push(idx);
    offset += 8 + c.length;
  });
  const shp = Buffer.concat([header(offset), ...shpParts]);
  const shx = Buffer.concat([header(100 + 8 * contents.length), ...shxParts]);

  // dBASE III with GBK text; language driver 0x4D = GBK (code page 936).
  const recordLength = 1 + DBF_FIELDS.reduce((s, f) => s + f.length, 0);
  const headerLength = 32 + 32 * DBF_FIELDS.length + 1;
  const dh = Buffer.alloc(headerLength);
  const now = new Date();
  dh.writeUInt8(0x03, 0);
  dh.writeUInt8(now.getUTCFullYear() - 1900, 1);
  dh.writeUInt8(now.getUTCMonth() + 1, 2);
  dh.writeUInt8(now.getUTCDate(), 3);
  dh.writeUInt32LE(records.length, 4);
  dh.writeUInt16LE(headerLength, 8);
  dh.writeUInt16LE(recordLength, 10);
  dh.writeUInt8(0x4d, 29);
  DBF_FIELDS.forEach((f, i) => {
    const o = 32 + i * 32;
    dh.write(f.name, o, 'latin1');
    dh.write(f.type, o + 11, 'latin1');
    dh.writeUInt8(f.length, o + 16);
    dh.writeUInt8(f.decimals, o + 17);
  });
  dh.writeUInt8(0x0d, headerLength - 1);
  const rows = records.map(({ props }) => {
    const parts: Buffer[] = [Buffer.from(' ')];
    for (const f of DBF_FIELDS) {
      const v = f.value(props);
      if (f.type === 'C') parts.push(gbkField(v === null || v === undefined ? '' : String(v), f.length));
      else {
        const text = typeof v === 'number' && Number.isFinite(v) ? v.toFixed(f.decimals) : '';
        parts.push(Buffer.from(text.slice(0, f.length).padStart(f.length, ' '), 'latin1'));
      }
    }
    return Buffer.concat(parts);
  });
  const dbf = Buffer.concat([dh, ...rows, Buffer.from([0x1a])]);

  const stem = shpPath.slice(0, -extname(shpPath).length);
  const files: [string, Buffer | string][] = [
    [`${stem}.shp`, shp],
    [`${stem}.shx`, shx],
    [`${stem}.dbf`, dbf],
    [`${stem}.prj`, PRJ_CGCS2000],
    [`${stem}.cpg`, 'GBK'],
  ];
  const tmpOf = (p: string) => join(dirname(resolve(p)), `.${basename(p)}.${process.pid}.tmp`);
  try {
    for (const [path, data] of files) writeFileSync(tmpOf(path), data);
    for (const [path] of files) renameSync(tmpOf(path), path);
  } finally {
    for (const [path] of files) if (existsSync(tmpOf(path))) rmSync(tmpOf(path), { force: true });
  }
  return files.map(([p]) => p);
}

/**
 * Findings of `parcels` written to `out` (GeoJSON for .geojson/.json, the GBK Shapefile set for
 * .shp) and recorded in the audit as an export under `recordAs` (default: the file's name).
 * Used by `landgate package findings` and the UI (which zips the Shapefile set).
 */
export function writeFindingsFile(
  store: ProjectStore,
  parcels: ResolvedParcel[],
  out: string,
  options: { recordAs?: string; howToCheckZh?: string; howToCheckEn?: string } = {},
): { count: number; files: string[] } {
  const review = new ReviewStore(store);
  const collection = findingsCollection(store, review, parcels);
  if (collection.features.length === 0) {
    throw new UserInputError(
      'package.no-findings',
      `所选地块尚无审查发现（请先审查：${options.howToCheckZh ?? 'landgate check'}）。`,
      `The chosen parcels have no findings (run ${options.howToCheckEn ?? 'landgate check'} first).`,
    );
  }
  const shapefile = extname(out).toLowerCase() === '.shp';
  let files = [out];
  if (shapefile) files = writeFindingsShapefile(collection, out, (table, id) => parcels.find((p) => p.table === table && p.id === id)?.feature.geometry);
  else writeFileAtomically(out, `${JSON.stringify({ ...collection, name: 'landgate_findings' }, null, 1)}\n`);
  recordParcelExport(review, { format: shapefile ? 'findings-shapefile' : 'findings-geojson', file: options.recordAs ?? basename(out) }, parcels);
  return { count: collection.features.length, files };
}
