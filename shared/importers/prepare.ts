/**
 * The format-independent half of an import (pure): check every feature against the layer kind,
 * transform coordinates to EPSG:4490, normalise attributes to canonical keys and give each feature
 * its stable id. Every importer ends here, so the checks and messages are the same whatever the
 * file format. Feature by feature (`FeaturePreparer`), so a streamed import never holds the file.
 */
import type { Feature, Geometry, Position } from 'geojson';
import { PROJECT_CRS, gaussKrugerZoneOf, isGeographic, normalizeCrs, transformer } from '../crs';
import { geodesicAreaM2 } from '../geo/geodesy';
import { validateGeometry } from '../geo/validate';
import { featureIdOf, normalizeProperties, resolveFieldMap } from '../model/attributes';
import { UserInputError } from '../model/errors';
import { importNoteZh } from './messages';
import { LAYER_KIND_GEOMETRY, LAYER_KIND_LABEL_ZH, type LayerKind } from '../model/layers';
import { text, textList, type CodedText, type TextParam } from '../model/text';

export interface PrepareOptions {
  /** Used in messages only (base name of the file). */
  fileName: string;
  kind: LayerKind;
  /** CRS of the coordinates in `features` (already normalised or not). */
  sourceCrs: string;
  /** Explicit source field → canonical key mapping. */
  fieldMap?: Record<string, string>;
  /** The file's field names, for messages (else those of the first feature without an id). */
  fields?: string[];
  /**
   * false: the geodesic areas are not measured here; the caller measures the kept features'
   * geometries in order and gives the sum to `areaTotals` with `planar` (the writing thread of a
   * two-thread import does, from the stored blobs).
   */
  geodesicArea?: boolean;
}

export interface AreaTotals {
  /** Sum of the geodesic areas (CGCS2000 ellipsoid) of the polygon features, m²; 0 for points/lines. */
  geodesicM2: number;
  /** For Gauss-Krüger sources: sum of the planar areas in the source zone (坐标解析法), m². */
  planarM2?: number;
  /** The zone's CRS code for `planarM2`. */
  planarCrs?: string;
}

export interface PreparedFeatures {
  features: Feature[];
  /** Notes about fixes applied (closed rings, dropped Z values, repairs per feature id, …) and suspicious data, coded (messages.ts). */
  warnings: CodedText[];
  areas: AreaTotals;
}

/**
 * The import's area totals from the sum of the kept features' geodesic areas and, for a
 * Gauss-Krüger source, the sum of their planar areas in its zone (FeaturePreparer.planar).
 */
export function areaTotals(geodesicM2: number, planar: { m2: number; crs: string } | null): AreaTotals {
  const areas: AreaTotals = { geodesicM2 };
  if (planar && geodesicM2 > 0) {
    areas.planarM2 = planar.m2;
    areas.planarCrs = planar.crs;
  }
  return areas;
}

/** Planar area of polygon rings in source coordinates (first ring shell, others holes). */
function planarArea(geometry: Geometry): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  let total = 0;
  for (const rings of polygons) {
    rings.forEach((ring, i) => {
      let twice = 0;
      for (let k = 0, n = ring.length; k < n; k++) {
        const a = ring[k];
        const b = ring[(k + 1) % n];
        twice += a[0] * b[1] - b[0] * a[1];
      }
      total += (i === 0 ? 1 : -1) * Math.abs(twice / 2);
    });
  }
  return total;
}

/** Rough lon/lat box of China (incl. islands), to flag data in the wrong CRS. */
const CHINA_BOX = { minLon: 73, maxLon: 136, minLat: 3, maxLat: 54 };

const GEOMETRY_WORD_ZH: Record<string, string> = {
  Point: '点',
  MultiPoint: '多点',
  LineString: '线',
  MultiLineString: '多线',
  Polygon: '面',
  MultiPolygon: '多面',
  GeometryCollection: '几何集合',
};

const EXPECTED_ZH = { polygon: '面（Polygon/MultiPolygon）', point: '点（Point）', 'line-or-polygon': '线或面' } as const;

function fits(kind: LayerKind, type: Geometry['type']): boolean {
  const expected = LAYER_KIND_GEOMETRY[kind];
  if (expected === 'point') return type === 'Point' || type === 'MultiPoint';
  if (expected === 'polygon') return type === 'Polygon' || type === 'MultiPolygon';
  return type === 'LineString' || type === 'MultiLineString' || type === 'Polygon' || type === 'MultiPolygon';
}

/**
 * Canonical attributes and the stable id of a raw feature, as the import writes them (`n` is the
 * 1-based feature number, the id when the file has none). Also used by the import's first pass,
 * which settles the table's columns before any feature is written.
 */
export function canonicalProperties(kind: LayerKind, feature: { properties?: Record<string, unknown> | null; id?: string | number }, n: number, fieldMap?: Record<string, string>): Record<string, unknown> {
  return identify(kind, feature, n, fieldMap).properties;
}

function identify(kind: LayerKind, feature: { properties?: Record<string, unknown> | null; id?: string | number }, n: number, fieldMap?: Record<string, string>): { properties: Record<string, unknown>; numbered: boolean } {
  const properties = normalizeProperties(kind, (feature.properties ?? {}) as Record<string, unknown>, { fieldMap });
  if (properties.id === undefined && feature.id !== undefined && feature.id !== null && String(feature.id).trim() !== '') properties.id = String(feature.id).trim();
  const numbered = properties.id === undefined || properties.id === null || String(properties.id).trim() === '';
  properties.id = featureIdOf(properties, n);
  return { properties, numbered };
}

/** The file's fields as a note names them: the first 20, then how many there are. */
function fieldList(fields: string[]): CodedText {
  if (fields.length === 0) return text('importNote.fields.none');
  const shown = textList(fields.slice(0, 20), 'enum');
  return fields.length > 20 ? text('importNote.fields.many', { fields: shown, count: fields.length }) : text('importNote.fields.list', { fields: shown });
}

/** 1…N, or 1 alone. */
const numberRange = (count: number) => (count === 1 ? '1' : `1…${count}`);

/**
 * The note for a parcel layer none of whose features has an id: each then takes its feature
 * number, and findings, reports and decisions would cite 1…N instead of the parcel's own number.
 * `imported` words it after the import (already numbered) rather than before it (preview).
 */
export function unrecognisedIdWarning(fields: string[], count: number, imported: boolean): CodedText {
  return text(imported ? 'importNote.noIdField.imported' : 'importNote.noIdField.preview', { fields: fieldList(fields), count, range: numberRange(count) });
}

/**
 * Prepares features one at a time (so a streamed import holds one batch, not the file): `add`
 * returns the feature in EPSG:4490 with canonical attributes and id, null when it is skipped
 * (zero-length lines), and throws the zh UserInputError for the first unusable one; `finish`
 * checks what needs all of them (no feature at all, duplicate parcel ids) and gives the notes
 * and area totals.
 */
export class FeaturePreparer {
  private readonly sourceCrs: string;
  private readonly geographicSource: boolean;
  private readonly toProject: ReturnType<typeof transformer>;
  private readonly zone: ReturnType<typeof gaussKrugerZoneOf>;
  private readonly fail: (code: string, zh: string, en: string) => UserInputError;
  private n = 0;
  private kept = 0;
  private closedRings = 0;
  private droppedZ = false;
  private outsideChina = 0;
  private geodesicTotal = 0;
  private planarTotal = 0;
  private readonly repaired: CodedText[] = [];
  private repairedCount = 0;
  private readonly skipped: CodedText[] = [];
  /** id → its position(s) among the kept features (a number until it repeats). */
  private readonly ids = new Map<string, number | number[]>();
  /** Kept features whose id is their feature number (the file gave none); the first few numbers. */
  private numberedCount = 0;
  private readonly numbered: number[] = [];
  private fieldsSeen: string[] | null = null;

  constructor(private readonly options: PrepareOptions) {
    this.sourceCrs = normalizeCrs(options.sourceCrs);
    this.geographicSource = isGeographic(this.sourceCrs);
    this.toProject = transformer(this.sourceCrs, PROJECT_CRS);
    this.zone = gaussKrugerZoneOf(this.sourceCrs);
    const fileName = options.fileName;
    this.fail = (code, zh, en) => new UserInputError(code, `文件“${fileName}”${zh}`, `"${fileName}": ${en}`);
  }

  /**
   * An easting's zone prefix must agree with the declared Gauss-Krüger zone: coordinates of zone
   * 38 read as zone 37 land some 300 km per zone away without any other sign of trouble.
   */
  private checkZonePrefix(easting: number, northing: number, n: number, zone: NonNullable<ReturnType<typeof gaussKrugerZoneOf>>) {
    const prefix = Math.floor(easting / 1_000_000);
    const plausible = zone.width === 3 ? prefix >= 25 && prefix <= 45 : prefix >= 13 && prefix <= 23;
    if (!plausible || (zone.prefixed && prefix === zone.zone)) return;
    const declared = `${zone.width}° 带第 ${zone.zone} 带（${this.sourceCrs}${zone.prefixed ? '，坐标带带号前缀' : '，坐标不带带号前缀'}）`;
    const suggestion = zone.width === 3 ? `EPSG:${4488 + prefix}` : `EPSG:${4478 + prefix}`;
    throw this.fail(
      'import.zone-mismatch',
      `声明的坐标系为 ${declared}，但第 ${n} 个要素的坐标 (${easting}, ${northing}) 带有第 ${prefix} 带的带号前缀 ${prefix}。两者矛盾，按声明导入会把位置偏移数百公里，未导入。请核对坐标系说明（.prj 等），如坐标无误请用 --crs ${suggestion}（第 ${prefix} 带）导入。`,
      `declared ${this.sourceCrs} (zone ${zone.zone}, ${zone.width}°) but feature ${n} easting ${easting} carries zone prefix ${prefix}; refused (use --crs ${suggestion} if the coordinates are right).`,
    );
  }

  /** For a Gauss-Krüger source, the sum of the kept features' planar areas in its zone. */
  get planar(): { m2: number; crs: string } | null {
    return this.zone ? { m2: this.planarTotal, crs: this.sourceCrs } : null;
  }

  /** Features given to `add` so far. */
  get count(): number {
    return this.n;
  }

  add(feature: Feature): Feature | null {
    const { kind } = this.options;
    const { fail, sourceCrs, geographicSource, toProject, zone } = this;
    const n = ++this.n;
    const geometry = feature.geometry;
    if (!geometry) {
      throw fail('import.null-geometry', `第 ${n} 个要素没有几何图形（geometry 为空），未导入。`, `feature ${n} has a null geometry.`);
    }
    if (geometry.type === 'GeometryCollection') {
      throw fail('import.geometry-collection', `第 ${n} 个要素是几何集合（GeometryCollection），请拆分为单一类型后再导入。`, `feature ${n} is a GeometryCollection.`);
    }
    if (!fits(kind, geometry.type)) {
      throw fail(
        'import.geometry-type',
        `第 ${n} 个要素是${GEOMETRY_WORD_ZH[geometry.type]}（${geometry.type}），而“${LAYER_KIND_LABEL_ZH[kind]}”（${kind}）图层需要${EXPECTED_ZH[LAYER_KIND_GEOMETRY[kind]]}。`,
        `feature ${n} is a ${geometry.type}; kind ${kind} needs ${LAYER_KIND_GEOMETRY[kind]} geometries.`,
      );
    }

    const position = (p: unknown): Position => {
      if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
        throw fail('import.bad-coordinate', `第 ${n} 个要素含有无效坐标 ${JSON.stringify(p)?.slice(0, 60)}（应为两个有限数值）。`, `feature ${n} has an invalid position ${JSON.stringify(p)?.slice(0, 60)}.`);
      }
      if (p.length > 2) this.droppedZ = true;
      if (geographicSource && (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90)) {
        throw fail(
          'import.out-of-range',
          `第 ${n} 个要素的坐标 (${p[0]}, ${p[1]}) 超出经纬度范围，可能是投影坐标（米）。请用 --crs 指定坐标系，例如 EPSG:4525（CGCS2000 3° 带 37 带，带号前缀）或 EPSG:4546。`,
          `feature ${n}: (${p[0]}, ${p[1]}) is outside lon/lat range; projected coordinates? Pass --crs.`,
        );
      }
      if (zone) this.checkZonePrefix(p[0], p[1], n, zone);
      // a transformer reads x and y only and returns a new position, which is kept as it is
      const projected = toProject(p as [number, number]);
      const lon = projected[0], lat = projected[1];
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
        throw fail('import.out-of-range', `第 ${n} 个要素的坐标 (${p[0]}, ${p[1]}) 按 ${sourceCrs} 换算后超出经纬度范围，请检查坐标系（--crs）。`, `feature ${n}: (${p[0]}, ${p[1]}) in ${sourceCrs} maps outside lon/lat range.`);
      }
      if (lon < CHINA_BOX.minLon || lon > CHINA_BOX.maxLon || lat < CHINA_BOX.minLat || lat > CHINA_BOX.maxLat) this.outsideChina++;
      return projected;
    };
    const line = (coords: unknown, minPoints: number): Position[] => {
      if (!Array.isArray(coords)) throw fail('import.bad-coordinate', `第 ${n} 个要素的坐标结构无效。`, `feature ${n} has malformed coordinates.`);
      const points = coords.map(position);
      if (points.length < minPoints) {
        throw fail('import.too-few-points', `第 ${n} 个要素的线至少需要 ${minPoints} 个点，只有 ${points.length} 个。`, `feature ${n}: a line needs ${minPoints} points.`);
      }
      return points;
    };
    const ring = (coords: unknown): Position[] => {
      if (!Array.isArray(coords)) throw fail('import.bad-coordinate', `第 ${n} 个要素的坐标结构无效。`, `feature ${n} has malformed coordinates.`);
      const points = coords.map(position);
      const first = points[0];
      const last = points[points.length - 1];
      if (points.length > 0 && (first[0] !== last[0] || first[1] !== last[1])) {
        points.push([first[0], first[1]]);
        this.closedRings++;
      }
      if (points.length < 4) {
        throw fail('import.degenerate-ring', `第 ${n} 个要素的面边界（环）少于 3 个不同的点，不是有效的面。`, `feature ${n} has a ring with fewer than 3 distinct points.`);
      }
      return points;
    };
    const polygon = (coords: unknown): Position[][] => {
      if (!Array.isArray(coords) || coords.length === 0) throw fail('import.bad-coordinate', `第 ${n} 个要素的面没有边界环。`, `feature ${n} has a polygon without rings.`);
      return coords.map(ring);
    };
    const list = (coords: unknown): unknown[] => {
      if (!Array.isArray(coords) || coords.length === 0) throw fail('import.bad-coordinate', `第 ${n} 个要素的几何图形是空的。`, `feature ${n} has an empty geometry.`);
      return coords;
    };

    let out: Geometry;
    const c = (geometry as { coordinates: unknown }).coordinates;
    switch (geometry.type) {
      case 'Point':
        out = { type: 'Point', coordinates: position(c) };
        break;
      case 'MultiPoint':
        out = { type: 'MultiPoint', coordinates: list(c).map(position) };
        break;
      case 'LineString':
        out = { type: 'LineString', coordinates: line(c, 2) };
        break;
      case 'MultiLineString':
        out = { type: 'MultiLineString', coordinates: list(c).map((l) => line(l, 2)) };
        break;
      case 'Polygon':
        out = { type: 'Polygon', coordinates: polygon(c) };
        break;
      case 'MultiPolygon':
        out = { type: 'MultiPolygon', coordinates: list(c).map(polygon) };
        break;
    }

    const { properties, numbered } = identify(kind, feature as { properties?: Record<string, unknown> | null; id?: string | number }, n, this.options.fieldMap);
    const id = String(properties.id);

    const checked = validateGeometry(out!);
    if (!checked.geometry && checked.skip) {
      this.skipped.push(text('importNote.featureSkipped', { id, n, reason: checked.skipReason ?? checked.errorZh ?? '' }));
      return null;
    }
    if (!checked.geometry) {
      throw fail('import.invalid-geometry', `第 ${n} 个要素（编号“${id}”）：${checked.errorZh}。未导入任何要素。`, `feature ${n} (id "${id}"): ${checked.errorEn}.`);
    }
    if (checked.repairs.length > 0) {
      // only the first 20 are listed; the rest are counted (a huge file can have many)
      this.repairedCount++;
      if (this.repaired.length < 20) this.repaired.push(text('importNote.featureRepaired', { id, n, repairs: textList(checked.repairs, 'semicolon') }));
    }
    if (numbered) {
      if (this.numberedCount++ < 10) this.numbered.push(n);
      this.fieldsSeen ??= Object.keys(feature.properties ?? {});
    }
    if (this.options.geodesicArea !== false) this.geodesicTotal += geodesicAreaM2(checked.geometry);
    if (this.zone) this.planarTotal += planarArea(geometry);
    const position1 = ++this.kept;
    const seen = this.ids.get(id);
    if (seen === undefined) this.ids.set(id, position1);
    else if (typeof seen === 'number') this.ids.set(id, [seen, position1]);
    else seen.push(position1);
    return { type: 'Feature', id, properties, geometry: checked.geometry };
  }

  /** Parcels only: elsewhere a numbered feature is normal (a farmland patch needs no number of its own). */
  private numberedWarning(): CodedText {
    const fields = this.options.fields ?? this.fieldsSeen ?? [];
    const idFields = Object.entries(resolveFieldMap('parcel', fields, this.options.fieldMap))
      .filter(([, key]) => key === 'id')
      .map(([field]) => field);
    if (this.numberedCount === this.kept && idFields.length === 0) return unrecognisedIdWarning(fields, this.kept, true);
    const numbers = textList(this.numbered, 'enum');
    const which = this.numberedCount > this.numbered.length ? text('importNote.featureNumbersMore', { numbers, count: this.numberedCount }) : text('importNote.featureNumbers', { numbers });
    // field names are data: several claimed by id are shown as the file has them, one after the other
    const field = idFields.length > 0 ? text('importNote.idField.named', { fields: idFields.join('”“') }) : text('importNote.idField.plain');
    return this.numberedCount === this.kept
      ? text('importNote.idsEmpty.all', { count: this.kept, field, range: numberRange(this.n) })
      : text('importNote.idsEmpty.some', { count: this.numberedCount, field, which });
  }

  finish(): { warnings: CodedText[]; areas: AreaTotals } {
    const { kind } = this.options;
    const { fail, skipped, repaired } = this;
    const warnings: CodedText[] = [];
    if (this.n === 0) {
      throw fail('import.empty', '不包含任何要素，未导入。', 'contains no features.');
    }
    if (this.kept === 0) {
      throw fail('import.empty', `没有可导入的有效要素（${skipped.slice(0, 3).map(importNoteZh).join('；')}）。`, 'no valid features.');
    }

    // Ids: parcels must be unique (rules.md §1.2); elsewhere duplicates are suspicious but legal.
    const duplicates = [...this.ids.entries()].filter((e): e is [string, number[]] => typeof e[1] !== 'number');
    if (duplicates.length > 0) {
      const ids = textList(
        duplicates.slice(0, 5).map(([id, numbers]) => text('importNote.duplicateId', { id, numbers: textList(numbers, 'enum') })),
        'semicolon',
      );
      if (kind === 'parcel') {
        throw fail('import.duplicate-id', `中地块编号重复：${importNoteZh(ids)}${duplicates.length > 5 ? ' 等' : ''}。每个报件地块的编号必须唯一。`, `duplicate parcel ids: ${duplicates.map(([id]) => id).join(', ')}.`);
      }
      warnings.push(text('importNote.duplicateIds', { ids }));
    }

    const etc = (more: boolean): TextParam => (more ? text('importNote.etc') : '');
    if (kind === 'parcel' && this.numberedCount > 0) warnings.push(this.numberedWarning());
    if (skipped.length > 0) warnings.push(text('importNote.skipped', { count: skipped.length, features: textList(skipped.slice(0, 10), 'semicolon'), etc: etc(skipped.length > 10) }));
    if (this.closedRings > 0) warnings.push(text('importNote.unclosedRings', { count: this.closedRings }));
    if (this.repairedCount > 0) {
      const more = this.repairedCount > 20 ? text('importNote.repairedMore', { count: this.repairedCount - 20 }) : '';
      warnings.push(text('importNote.repaired', { count: this.repairedCount, features: textList(repaired, 'sentence'), more }));
    }
    if (this.droppedZ) warnings.push(text('importNote.droppedZ'));
    if (this.outsideChina > 0) warnings.push(text('importNote.outsideChina', { count: this.outsideChina, crs: this.sourceCrs }));
    return { warnings, areas: areaTotals(this.geodesicTotal, this.planar) };
  }
}

/** Prepares a whole array (whole-file formats, parcels read for a check). */
export function prepareFeatures(input: Feature[], options: PrepareOptions): PreparedFeatures {
  const preparer = new FeaturePreparer(options);
  if (input.length === 0) preparer.finish(); // throws import.empty
  const features: Feature[] = [];
  for (const feature of input) {
    const prepared = preparer.add(feature);
    if (prepared) features.push(prepared);
  }
  return { features, ...preparer.finish() };
}
