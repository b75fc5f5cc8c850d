/**
 * A parcel drawn or vertex-edited on the map, written to the project. The geometry goes
 * through the same hygiene as an import (shared/geo/validate.ts): what is safe is repaired and
 * reported, what is not (a bow-tie, fewer than 3 distinct vertices, coordinates that are not
 * plausible CGCS2000 lon/lat) is refused with the project left as it was. A parcel whose latest
 * signed decision still stands cannot be reshaped: that decision rests on its boundary.
 */
import { createHash } from 'node:crypto';
import type { Feature, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { ParcelSummary, SaveParcelRequest, SaveParcelResponse } from '../../shared/api/contract';
import { bboxOf, geodesicAreaM2 } from '../../shared/geo/geodesy';
import { validateGeometry } from '../../shared/geo/validate';
import { importNoteZh } from '../../shared/importers/messages';
import { normalizeProperties } from '../../shared/model/attributes';
import { UserInputError } from '../../shared/model/errors';
import type { CodedText } from '../../shared/model/text';
import { STATUS_LABEL_ZH, type Decision } from '../../shared/review/model';
import { toGeoJsonFeature, type ProjectStore } from './project-store';
import { ReviewStore } from './review/review-store';

/** The layer a new parcel lands in when the request names none. */
export const DRAWN_PARCEL_TABLE = 'drawn_parcels';
export const DRAWN_PARCEL_TITLE = '绘制地块';

/** Keys the drawing form fills; every drawn layer gets a column for each, even when left empty. */
const FORM_KEYS = ['id', 'name', 'currentUse', 'plannedUse', 'action'] as const;

/** Lon/lat box of China incl. islands (as the importers use it): a drawn vertex outside is a bug or a wrong CRS. */
const CHINA_BOX = { minLon: 73, maxLon: 136, minLat: 3, maxLat: 54 };

const refuse = (code: string, zh: string, en: string) => new UserInputError(code, zh, en);

function geometryHash(geometry: Geometry | null): string | null {
  return geometry ? createHash('sha256').update(JSON.stringify(geometry), 'utf8').digest('hex') : null;
}

/** Structure and range of the requested coordinates; returns 2D copies (a Z value from the map is dropped). */
function plausibleGeometry(input: unknown, where: string): Polygon | MultiPolygon {
  const g = input as { type?: unknown; coordinates?: unknown } | null;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates)) {
    throw refuse('parcel-edit.geometry-type', `${where}的几何图形必须是面（Polygon 或 MultiPolygon）。`, `${where}: the geometry must be a Polygon or MultiPolygon.`);
  }
  const position = (p: unknown): Position => {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw refuse('parcel-edit.bad-coordinate', `${where}含有无效坐标 ${JSON.stringify(p)?.slice(0, 60)}（应为经度、纬度两个数值）。`, `${where}: invalid position ${JSON.stringify(p)?.slice(0, 60)}.`);
    }
    const [lon, lat] = p as number[];
    if (lon < CHINA_BOX.minLon || lon > CHINA_BOX.maxLon || lat < CHINA_BOX.minLat || lat > CHINA_BOX.maxLat) {
      throw refuse(
        'parcel-edit.out-of-range',
        `${where}的坐标 (${lon}, ${lat}) 不是中国范围内的 CGCS2000 经纬度（EPSG:4490，经度 73–136°，纬度 3–54°），未保存。`,
        `${where}: (${lon}, ${lat}) is not a plausible EPSG:4490 lon/lat in China.`,
      );
    }
    return [lon, lat];
  };
  const list = (value: unknown): unknown[] => {
    if (!Array.isArray(value) || value.length === 0) throw refuse('parcel-edit.empty', `${where}的几何图形是空的。`, `${where}: empty geometry.`);
    return value;
  };
  const polygon = (rings: unknown) => list(rings).map((ring) => list(ring).map(position));
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: polygon(g.coordinates) }
    : { type: 'MultiPolygon', coordinates: list(g.coordinates).map(polygon) };
}

function summaryOf(table: string, feature: Feature): ParcelSummary {
  const props = feature.properties ?? {};
  return {
    table,
    id: String(feature.id ?? props.id),
    name: props.name as string | undefined,
    currentUse: props.currentUse as string | undefined,
    plannedUse: props.plannedUse as string | undefined,
    action: props.action as string | undefined,
    bbox: bboxOf(feature.geometry!),
  };
}

/**
 * The parcel's latest signed decision when it still stands (anything but 退回补正): a decision
 * rests on the parcel as it was reviewed, so neither its boundary nor its attributes may change
 * under it. null when the parcel may be edited.
 */
export function standingDecision(store: ProjectStore, table: string, parcelId: string): Decision | null {
  const decision = new ReviewStore(store).latestDecision(table, parcelId);
  return decision && decision.decision !== 'returned' ? decision : null;
}

export function saveParcel(store: ProjectStore, request: SaveParcelRequest): SaveParcelResponse {
  const editing = request.parcelId !== undefined && request.parcelId !== null && String(request.parcelId) !== '';
  const where = editing ? `地块“${request.parcelId}”的新边界` : '绘制的地块';
  const geometry = plausibleGeometry(request.geometry, where);
  const checked = validateGeometry(geometry);
  if (!checked.geometry) {
    throw refuse('parcel-edit.invalid-geometry', `${where}无效：${checked.errorZh}。未保存，项目未改动。`, `${where}: ${checked.errorEn}; nothing saved.`);
  }
  const repaired = checked.geometry as Polygon | MultiPolygon;
  const newArea = geodesicAreaM2(repaired);
  const repairs = checked.repairs;
  return editing ? reshape(store, request, repaired, newArea, repairs) : create(store, request, repaired, newArea, repairs);
}

function reshape(store: ProjectStore, request: SaveParcelRequest, geometry: Polygon | MultiPolygon, newArea: number, repairs: CodedText[]): SaveParcelResponse {
  const parcelId = String(request.parcelId);
  const table = request.table;
  if (!table) throw refuse('parcel-edit.table-missing', `修改地块“${parcelId}”的边界时须指明它所在的图层。`, `Reshaping parcel "${parcelId}" needs its layer.`);
  const layer = store.getLayer(table);
  if (layer.kind !== 'parcel') {
    throw refuse('parcel-edit.not-parcel-layer', `图层“${table}”不是报件地块图层（类型为 ${layer.kind}），不能在此修改地块边界。`, `Layer "${table}" is not a parcel layer.`);
  }
  const decision = new ReviewStore(store).latestDecision(table, parcelId);
  const standing = standingDecision(store, table, parcelId);
  if (standing) {
    throw refuse(
      'parcel-edit.decided',
      `地块“${parcelId}”已签发审查决定“${STATUS_LABEL_ZH[standing.decision]}”（第 ${standing.revision} 版，${standing.signature.name}，${standing.signature.date}），该决定以现有边界为依据，不能修改边界。如需改界，应先将决定修订为“退回补正”。`,
      `Parcel "${parcelId}" has a signed decision (${standing.decision}, revision ${standing.revision}) based on its boundary; it cannot be reshaped unless returned for correction.`,
    );
  }
  return store.transaction(() => {
    const fid = store.findFeatureFid(table, parcelId);
    if (fid === null) throw refuse('parcel-edit.unknown-parcel', `图层“${table}”中没有编号为“${parcelId}”的地块。`, `No parcel "${parcelId}" in layer "${table}".`);
    const before = featureByFid(store, table, fid);
    store.replaceFeatureGeometry(table, fid, geometry);
    const after = featureByFid(store, table, fid)!;
    store.appendAudit({
      action: 'edit-parcel',
      detail: {
        table,
        parcelId,
        oldAreaM2: before?.geometry ? geodesicAreaM2(before.geometry) : null,
        newAreaM2: newArea,
        oldGeometrySha256: geometryHash(before?.geometry ?? null),
        newGeometrySha256: geometryHash(after.geometry),
        // the audit log keeps the Chinese it always recorded (the text of record)
        repairs: repairs.map(importNoteZh),
        decisionBefore: decision ? { id: decision.id, decision: decision.decision, revision: decision.revision } : null,
      },
    });
    return { parcel: summaryOf(table, after), areaM2: newArea, repairs };
  });
}

function create(store: ProjectStore, request: SaveParcelRequest, geometry: Polygon | MultiPolygon, newArea: number, repairs: CodedText[]): SaveParcelResponse {
  const table = request.table || DRAWN_PARCEL_TABLE;
  // The form's keys are canonical already; normalising still maps 出让 → supply and drops what is not understood.
  const raw = { ...(request.properties ?? {}) };
  const properties = normalizeProperties('parcel', raw);
  const id = typeof properties.id === 'string' ? properties.id : '';
  if (!id) throw refuse('parcel-edit.id-missing', '新地块须填写地块编号（必填）。未保存。', 'A new parcel needs an id; nothing saved.');
  if (request.properties?.action !== undefined && request.properties.action !== null && request.properties.action !== '' && properties.action === undefined) {
    throw refuse('parcel-edit.action', `拟办事项“${String(request.properties.action)}”无法识别（可用：供应、收回、收购/征收、改变用途、转让、开工建设、复垦）。未保存。`, `Unknown action "${String(request.properties.action)}".`);
  }
  for (const key of FORM_KEYS) if (!(key in properties)) properties[key] = null;
  delete properties.actionRaw;

  return store.transaction(() => {
    const exists = store.listLayers().some((l) => l.table === table);
    let fid: number;
    if (exists) {
      const layer = store.getLayer(table);
      if (layer.kind !== 'parcel') {
        throw refuse('parcel-edit.not-parcel-layer', `图层“${table}”不是报件地块图层（类型为 ${layer.kind}），不能把绘制的地块存入其中。`, `Layer "${table}" is not a parcel layer.`);
      }
      if (store.findFeatureFid(table, id) !== null) {
        throw refuse('parcel-edit.id-taken', `图层“${layer.title}”（${table}）中已有编号为“${id}”的地块，地块编号在图层中必须唯一。未保存。`, `Layer "${table}" already has a parcel "${id}".`);
      }
      fid = store.insertFeature(table, { type: 'Feature', id, properties, geometry });
    } else {
      if (request.table && request.table !== DRAWN_PARCEL_TABLE) {
        // Only the drawn-parcel layer is created on demand; any other name must be an existing parcel layer.
        store.getLayer(request.table);
      }
      store.writeLayer({ table, kind: 'parcel', title: DRAWN_PARCEL_TITLE, sourceFile: null, originalCrs: 'EPSG:4490', features: [{ type: 'Feature', id, properties, geometry }], auditAction: 'layer-create' });
      fid = store.findFeatureFid(table, id)!;
    }
    const saved = featureByFid(store, table, fid)!;
    store.appendAudit({
      action: 'draw-parcel',
      detail: { table, parcelId: id, fid, oldAreaM2: null, newAreaM2: newArea, oldGeometrySha256: null, newGeometrySha256: geometryHash(saved.geometry), repairs: repairs.map(importNoteZh), createdLayer: !exists },
    });
    return { parcel: summaryOf(table, saved), areaM2: newArea, repairs };
  });
}

function featureByFid(store: ProjectStore, table: string, fid: number): Feature | null {
  const [stored] = store.requestFeatures(table, { fids: [fid] });
  return stored ? toGeoJsonFeature(stored) : null;
}
