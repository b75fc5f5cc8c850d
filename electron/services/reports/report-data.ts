/**
 * Everything a 审查意见书 needs about one parcel, gathered from the project: parcel attributes,
 * its latest recorded check (findings, overlap geometry — recomputed from the layers when the
 * check did not keep it), the submission, the signed decision and its revisions, the conflicting
 * reference features in view, the reference-layer vintages and the boundary points in the
 * parcel's Gauss-Krüger zone.
 */
import type { Feature, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { transformer, gaussKrugerCrsForLon } from '../../../shared/crs';
import { bboxOf, geodesicAreaM2 } from '../../../shared/geo/geodesy';
import { minGeodesicDistance } from '../../../shared/geo/nearest';
import { overlapOf } from '../../../shared/geo/overlay';
import type { Finding, Verdict } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { REFERENCE_LAYER_KINDS, type LayerInfo, type LayerKind } from '../../../shared/model/layers';
import { conditionsFromFindings, submissionVerdict, type Decision, type Submission } from '../../../shared/review/model';
import { resolveProfile } from '../profiles';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';
import { ReviewStore } from '../review/review-store';
import { StoredDem } from '../terrain/dem-store';
import { gatherParcelMap, type ParcelMapData } from './report-map-data';

export interface BoundaryPoint {
  name: string;
  ring: number;
  /** Northing, m (GK). */
  x: number;
  /** Easting with the zone prefix, m (GK). */
  y: number;
  /** Planar distance to the next point of the ring, m (absent on the closing row). */
  edgeM?: number;
}

export interface ReportData {
  authority: string;
  projectTitle: string;
  projectPath: string;
  generatedAt: string;
  parcel: { table: string; id: string; name: string | null; properties: Record<string, unknown>; geometry: Polygon | MultiPolygon; areaM2: number };
  check: { checkId: number; checkedAt: string; profile: string; profileName: string; profileVersion: string | null; verdict: Verdict; findings: Finding[] } | null;
  /** 文书编号 of a signed opinion (issued when the PDF is made); null for a draft. */
  documentNumber: string | null;
  /** What the number is issued for: the signed decision, or the submission signed as a whole. */
  documentSubject: string | null;
  /** One map per parcel: this parcel, or every parcel of a multi-parcel submission. */
  maps: ParcelMapData[];
  submission: Submission | null;
  decision: Decision | null;
  history: Decision[];
  /**
   * Every parcel of a multi-parcel submission (this one included, in submission order); empty for
   * a parcel that stands alone. The opinion covers the submission, so each gets its findings table.
   */
  submissionParcels: SubmissionParcelData[];
  /** Strictest verdict of the submission's parcels; null while any is unchecked. */
  submissionVerdict: Verdict | null;
  /** Conditions to print: the decision's, or pre-filled from the check's condition findings. */
  conditions: string[];
  /** Conflicting reference features (those findings name), full geometry, by layer. */
  conflicts: { layer: LayerInfo; features: Feature[] }[];
  referenceLayers: LayerInfo[];
  gk: { crs: string; zone: number; centralMeridian: number };
  boundaryPoints: BoundaryPoint[];
}

export interface SubmissionParcelData {
  id: string;
  name: string | null;
  areaM2: number;
  verdict: Verdict | null;
  findings: Finding[];
  decision: Decision | null;
}

export function gkZoneOf(geometry: Geometry) {
  const box = bboxOf(geometry);
  const lon = (box[0] + box[2]) / 2;
  const zone = Math.round(lon / 3);
  return { crs: gaussKrugerCrsForLon(lon), zone, centralMeridian: zone * 3 };
}

/** 界址点: every ring of every part, numbered J1… continuously, each ring closed on its first point. */
export function boundaryPoints(geometry: Polygon | MultiPolygon): { points: BoundaryPoint[]; gk: ReturnType<typeof gkZoneOf> } {
  const gk = gkZoneOf(geometry);
  const forward = transformer('EPSG:4490', gk.crs);
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const points: BoundaryPoint[] = [];
  let n = 0;
  let ringNo = 0;
  for (const rings of polygons) {
    for (const ring of rings) {
      ringNo++;
      const open: Position[] = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring;
      const projected = open.map((p) => forward([p[0], p[1]]));
      const names = projected.map(() => `J${++n}`);
      projected.forEach(([e, north], i) => {
        const [e2, n2] = projected[(i + 1) % projected.length];
        points.push({ name: names[i], ring: ringNo, x: north, y: gk.zone * 1_000_000 + e, edgeM: Math.hypot(e2 - e, n2 - north) });
      });
      const [e0, n0] = projected[0];
      points.push({ name: names[0], ring: ringNo, x: n0, y: gk.zone * 1_000_000 + e0 });
    }
  }
  return { points, gk };
}

/**
 * The reference features the findings name (full geometry, by layer); fills in the overlap
 * polygons and distance lines of findings whose check did not keep geometry (CLI checks).
 */
function conflictsOf(store: ProjectStore, layers: readonly LayerInfo[], geometry: Polygon | MultiPolygon, findings: Finding[]): ReportData['conflicts'] {
  const conflicts: ReportData['conflicts'] = [];
  const byTable = new Map<string, Set<string>>();
  for (const f of findings) {
    if (!f.layerTable || f.featureId === undefined) continue;
    if (!byTable.has(f.layerTable)) byTable.set(f.layerTable, new Set());
    byTable.get(f.layerTable)!.add(f.featureId);
  }
  for (const [layerTable, ids] of byTable) {
    const layer = layers.find((l) => l.table === layerTable);
    if (!layer) continue; // the layer was removed since the check; the finding still prints
    const features = store.requestFeatures(layerTable, { ids: [...ids] }).map(toGeoJsonFeature);
    conflicts.push({ layer, features });
  }
  for (const f of findings) {
    if (f.geometry || !f.layerTable) continue;
    const ref = conflicts.find((c) => c.layer.table === f.layerTable)?.features.find((x) => String(x.id) === f.featureId);
    const g = ref?.geometry;
    if (g && f.distanceM !== undefined && f.distanceM > 0) {
      const pair = minGeodesicDistance(geometry, g);
      if (pair) f.geometry = { type: 'LineString', coordinates: [pair.from, pair.to] };
      continue;
    }
    if (!f.overlapM2) continue;
    if (g && (g.type === 'Polygon' || g.type === 'MultiPolygon')) {
      const overlap = overlapOf(geometry, g);
      if (overlap.geometry) f.geometry = overlap.geometry;
    }
  }
  return conflicts;
}

/** A profile's display name (profiles built in or stored in the project); its id when it is gone. */
function profileNameOf(store: ProjectStore, id: string): string {
  try {
    return resolveProfile(id, store).name;
  } catch {
    return id;
  }
}

export function gatherReportData(store: ProjectStore, options: { parcelId: string; table?: string; authority?: string }): ReportData {
  const review = new ReviewStore(store);
  const { table, feature } = review.findParcel(options.parcelId, options.table);
  const geometry = feature.geometry as Polygon | MultiPolygon;
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
    throw new UserInputError('report.parcel-geometry', `地块“${options.parcelId}”没有面几何，无法出具意见书。`, `Parcel "${options.parcelId}" has no polygon geometry.`);
  }
  const latest = review.latestCheck(table, options.parcelId);
  let check: ReportData['check'] = null;
  if (latest) {
    const { report, parcel } = review.checkResult(latest.checkId, options.parcelId);
    check = { checkId: latest.checkId, checkedAt: report.checkedAt, profile: report.profile, profileName: profileNameOf(store, report.profile), profileVersion: report.profileVersion ?? null, verdict: parcel.verdict, findings: parcel.findings.map((f) => ({ ...f })) };
  }
  const layers = store.listLayers();
  const conflicts = check ? conflictsOf(store, layers, geometry, check.findings) : [];
  const submission = review.submissionOf(table, options.parcelId);
  const submissionParcels: SubmissionParcelData[] = [];
  const otherMaps: { id: string; name: string | null; geometry: Polygon | MultiPolygon; findings: Finding[] }[] = [];
  if (submission && submission.parcelIds.length > 1) {
    for (const id of submission.parcelIds) {
      const f = id === options.parcelId ? feature : review.findParcel(id, table).feature;
      const g = f.geometry as Polygon | MultiPolygon | null;
      const own = id === options.parcelId ? latest : review.latestCheck(table, id);
      const name = (f.properties ?? {}).name;
      if (id !== options.parcelId && g && (g.type === 'Polygon' || g.type === 'MultiPolygon')) {
        const findings = (own?.findings ?? []).map((x) => ({ ...x }));
        conflictsOf(store, layers, g, findings);
        otherMaps.push({ id, name: typeof name === 'string' ? name : null, geometry: g, findings });
      }
      submissionParcels.push({
        id,
        name: typeof name === 'string' ? name : null,
        areaM2: g && (g.type === 'Polygon' || g.type === 'MultiPolygon') ? geodesicAreaM2(g) : 0,
        verdict: own?.verdict ?? null,
        findings: id === options.parcelId ? (check?.findings ?? []) : (own?.findings ?? []),
        decision: review.latestDecision(table, id),
      });
    }
  }
  const history = review.listDecisions(table, options.parcelId);
  const decision = history.length ? history[history.length - 1] : null;
  const info = store.info();
  const { points, gk } = boundaryPoints(geometry);
  const props = (feature.properties ?? {}) as Record<string, unknown>;
  const parcelName = typeof props.name === 'string' ? props.name : null;
  const dem = StoredDem.open(store.db);
  let maps: ParcelMapData[];
  try {
    const own = { id: options.parcelId, name: parcelName, geometry, findings: check?.findings ?? [] };
    const ordered = submissionParcels.length > 0 ? submissionParcels.map((x) => (x.id === options.parcelId ? own : otherMaps.find((m) => m.id === x.id))).filter((x) => x !== undefined) : [own];
    maps = ordered.map((x) => gatherParcelMap(store, layers, { ...x, gk: gkZoneOf(x.geometry) }, dem));
  } finally {
    dem?.close();
  }
  // a submission signed as a whole is one document: its parcels' decisions share the signing time
  const documentSubject = decision ? (submissionParcels.length > 0 && submission ? `submission:${submission.key}:${decision.signedAt}` : `decision:${decision.id}`) : null;
  return {
    authority: options.authority?.trim() || store.getMeta('authority') || info.title,
    projectTitle: info.title,
    projectPath: store.path,
    generatedAt: new Date().toISOString(),
    parcel: { table, id: options.parcelId, name: parcelName, properties: props, geometry, areaM2: geodesicAreaM2(geometry) },
    check,
    documentNumber: documentSubject ? (store.documentNumbers.find(documentSubject)?.number ?? null) : null,
    documentSubject,
    maps,
    submission,
    decision,
    history,
    submissionParcels,
    submissionVerdict: submissionVerdict(submissionParcels.map((x) => x.verdict)),
    conditions: decision
      ? decision.conditions
      : submissionParcels.length > 0
        ? conditionsFromFindings(submissionParcels.flatMap((x) => x.findings))
        : check
          ? conditionsFromFindings(check.findings)
          : [],
    conflicts,
    referenceLayers: layers.filter((l) => (REFERENCE_LAYER_KINDS as readonly string[]).includes(l.kind as LayerKind)),
    gk,
    boundaryPoints: points,
  };
}
