/**
 * The check engine: runs the enabled rules of a profile against parcel submissions and produces
 * the report of rules.md §5. Generic by design — what differs by county lives in the profile.
 *
 * Flow per parcel: geodesic area → classify planned/current use → for each enabled rule, answer
 * its spatial questions through the reference index (bbox candidates first, exact geometry after,
 * each answer cached per parcel and feature) → drafts → findings (ids, rounded figures, basis) →
 * sorted → verdict.
 *
 * Rounding (the reported figures, and the figures thresholds compare, so a message never shows a
 * number that contradicts its verdict): areaM2 and overlapM2 to 0.1 m², overlapPct to 0.01 %,
 * distanceM to 0.01 m. "Overlaps" = overlapM2 > minOverlapM2; "within D" = distanceM ≤ D.
 */
import type { Feature, Geometry, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import type { ReferenceLayerKind } from '../model/layers';
import { text, textList, type CodedText } from '../model/text';
import type { CheckReport, Finding, ParcelResult } from '../model/check';
import { SEVERITY_ORDER, verdictOf } from '../model/check';
import { classifyUseForProfile, type UseClass } from '../landuse/codes';
import { bboxOf, expandBBoxByMetres, geodesicAreaM2, planarGaussKrugerAreaM2 } from '../geo/geodesy';
import { minGeodesicDistance, type NearestPair } from '../geo/nearest';
import { chunkLines, isOverlap, overlapOf, subdividePolygon, uncoveredAreaM2, vertexCount, type OverlapResult } from '../geo/overlay';
import { StaticBBoxIndex, type BBox4 } from '../geo/spatial-index';
import type { Profile } from './profile';
import { COVERAGE_ADMIN_RULE, COVERAGE_LAYER_MISSING_RULE, GEOMETRY_FAILED_RULE, RULES } from './catalogue';
import type { DistanceHit, Draft, IndexedFeature, OverlapHit, ParcelFacts, RuleContext } from './rules/common';
import { areaText, featureLabel } from './rules/common';
import { findingTextZh } from './messages';
import { idOfFeature } from '../model/attributes';

// ---------------------------------------------------------------------------------------------
// Public API

/** A reference layer: EPSG:4490 lon/lat; feature.id (string) is the stable feature id; properties canonical. */
export interface ReferenceLayer {
  table: string;
  kind: ReferenceLayerKind;
  features: Feature<Geometry>[];
  /**
   * How many features the layer holds, when `features` are only those near the parcels to check
   * (a tiled sweep): whether the layer is empty decides findings such as "outside the project's
   * administrative area", and must not depend on the tile.
   */
  featureCount?: number;
  /**
   * The pieces of features already subdivided (`subdivisionOf`), by position in `features`: a
   * sweep that builds an index per tile of parcels cuts a huge zone polygon once, not per tile.
   */
  pieces?: (Piece[] | null | undefined)[];
}

/** A piece of a subdivided polygon. */
export type Piece = Polygon | MultiPolygon;

/**
 * What the index is built from: the reference layers and, optionally, the footprint of the
 * project's DEM (EPSG:4490), which says where "in no elevation band" means "above every level".
 * A bare layer list means a project without a DEM.
 */
export interface ReferenceData {
  layers: ReferenceLayer[];
  demCoverage?: Polygon | MultiPolygon | null;
}

export type ReferenceInput = ReferenceLayer[] | ReferenceData;

/** Opaque spatial index over the reference layers, built once per project state. */
export interface ReferenceIndex {
  readonly featureCount: number;
  readonly tables: readonly string[];
}

export interface CheckOptions {
  /** Timestamp written to the report (default: now). */
  checkedAt?: Date;
  /** Attach overlap polygons / shortest-distance lines to feature findings (for drawing). */
  includeGeometry?: boolean;
  /**
   * Position of `parcels[0]` in the whole submission, for the feature-number id fallback when a
   * batch is checked in chunks (worker threads): ids must not depend on how it was split.
   */
  indexOffset?: number;
}

/** A finding as the engine writes it: the §5 keys plus `code`/`params` and `missing` (what 需补充 asks for, zh). */
export interface EngineFinding extends Finding {
  missing?: string[];
}

export interface UseSummary {
  raw: string;
  code: string | null;
  scheme: string;
  /** True when the scheme was not declared and the default (2023) was assumed. */
  schemeAssumed: boolean;
  recognised: boolean;
  sensitive: boolean;
  ambiguous: boolean;
}

/** A parcel result with the engine's additions. */
export interface EngineParcelResult extends ParcelResult {
  /** Planar Gauss-Krüger area (坐标解析法), m², in `gkPlanarCrs` — labelled, never used for decisions. */
  gkPlanarAreaM2: number;
  gkPlanarCrs: string;
  /** How the land-use codes were read (scheme assumed or declared). */
  landUse: { planned?: UseSummary; current?: UseSummary };
  findings: EngineFinding[];
}

export function buildReferenceIndex(input: ReferenceInput): ReferenceIndex {
  return Array.isArray(input) ? new IndexImpl(input, null) : new IndexImpl(input.layers, input.demCoverage ?? null);
}

/**
 * How far from a parcel the rules the profile enables look, per reference kind, in metres (0: only
 * what the parcel overlaps). Every feature of that kind a check of the parcel can report lies
 * within this distance of the parcel's bounding box: what a sweep must read around a tile.
 */
export function referenceReachM(profile: Profile): Map<ReferenceLayerKind, number> {
  const enabled = new Set<string>(profile.rules);
  const reach = new Map<ReferenceLayerKind, number>();
  for (const rule of RULES) {
    if (!enabled.has(rule.id)) continue;
    const metres = rule.reachM?.(profile.parameters) ?? 0;
    for (const kind of rule.reads) reach.set(kind, Math.max(reach.get(kind) ?? 0, metres));
  }
  return reach;
}

export function checkParcels(
  index: ReferenceIndex,
  parcels: Feature<Polygon | MultiPolygon>[],
  profile: Profile,
  options: CheckOptions = {},
): CheckReport {
  if (!(index instanceof IndexImpl)) throw new TypeError('checkParcels: index must come from buildReferenceIndex');
  const checkedAt = (options.checkedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const offset = options.indexOffset ?? 0;
  const results = parcels.map((parcel, i) => checkOne(index, parcel, offset + i, profile, options.includeGeometry === true));
  return { profile: profile.id, profileVersion: profile.version, checkedAt, parcels: results };
}

// ---------------------------------------------------------------------------------------------
// Index

interface GeoFeature extends IndexedFeature {
  geometry: Geometry;
  bbox: BBox4;
  /** The feature's geometry when polygonal (overlap tests), else null. */
  polygonal: Polygon | MultiPolygon | null;
  /** Number of parts the feature was split into in the index (1 unless huge). */
  partCount: number;
}

/**
 * What the R-tree indexes: a feature, or a piece of a huge one. Polygons with ≥
 * SUBDIVIDE_MIN_VERTICES vertices are split into pieces of ≤ PIECE_MAX_VERTICES (quadrant
 * clipping, shared/geo/overlay.ts); lines into runs of ≤ LINE_CHUNK_SEGMENTS segments — the
 * R-tree over these runs is the segment index of the distance search, so a parcel near a 400 km
 * river only measures against the few runs next to it. Figures are always reported per original
 * feature: overlap = sum over its pieces, distance = minimum over its pieces.
 */
interface Part {
  feature: GeoFeature;
  geometry: Geometry;
  bbox: BBox4;
  polygonal: Polygon | MultiPolygon | null;
}

export const SUBDIVIDE_MIN_VERTICES = 1000;
export const PIECE_MAX_VERTICES = 256;
export const LINE_CHUNK_SEGMENTS = 32;

/** The pieces the index cuts a huge polygon into; null for a geometry it indexes whole. */
export function subdivisionOf(geometry: Geometry | null): Piece[] | null {
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) return null;
  return vertexCount(geometry) >= SUBDIVIDE_MIN_VERTICES ? subdividePolygon(geometry, PIECE_MAX_VERTICES) : null;
}

/** `cut`: the feature's pieces when the caller cut them already (ReferenceLayer.pieces). */
function partsOfFeature(f: GeoFeature, cut?: Piece[] | null): Part[] {
  const g = f.geometry;
  const whole: Part = { feature: f, geometry: g, bbox: f.bbox, polygonal: f.polygonal };
  const pieces = cut ?? subdivisionOf(f.polygonal);
  if (pieces) return pieces.map((piece) => ({ feature: f, geometry: piece, bbox: bboxOf(piece), polygonal: piece }));
  if (g.type === 'LineString' || g.type === 'MultiLineString') {
    const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
    if (lines.reduce((n, l) => n + l.length, 0) > LINE_CHUNK_SEGMENTS + 1) {
      return chunkLines(lines, LINE_CHUNK_SEGMENTS).map((coordinates) => {
        const line: LineString = { type: 'LineString', coordinates };
        return { feature: f, geometry: line, bbox: bboxOf(line), polygonal: null };
      });
    }
  }
  return [whole];
}

/** Index statistics (tests and the benchmark check that the index is really used). */
export interface IndexStats {
  features: number;
  parts: number;
  subdividedFeatures: number;
  /** Exact geometry tests run (overlap clips + distance searches), cumulative. */
  exactTests: number;
  /** R-tree candidate parts returned, cumulative. */
  candidateParts: number;
}

class IndexImpl implements ReferenceIndex {
  readonly featureCount: number;
  readonly tables: readonly string[];
  readonly stats: IndexStats;
  /** Kinds the project has a layer of, features or not. */
  readonly kinds: ReadonlySet<ReferenceLayerKind>;
  /** Kinds with a layer the caller says holds features beyond those given (`featureCount`). */
  private readonly nonEmptyKinds: ReadonlySet<ReferenceLayerKind>;
  readonly demCoverage: Polygon | MultiPolygon | null;
  private readonly byKind = new Map<ReferenceLayerKind, { parts: Part[]; tree: StaticBBoxIndex }>();

  constructor(layers: ReferenceLayer[], demCoverage: Polygon | MultiPolygon | null) {
    this.kinds = new Set(layers.map((l) => l.kind));
    this.nonEmptyKinds = new Set(layers.filter((l) => (l.featureCount ?? 0) > 0).map((l) => l.kind));
    this.demCoverage = demCoverage;
    const grouped = new Map<ReferenceLayerKind, GeoFeature[]>();
    const cut = new Map<GeoFeature, Piece[]>();
    let count = 0;
    for (const layer of layers) {
      layer.features.forEach((feature, i) => {
        if (!feature || !feature.geometry) return;
        const props = (feature.properties ?? {}) as Record<string, unknown>;
        const geometry = feature.geometry;
        const bbox = bboxOf(geometry);
        if (!Number.isFinite(bbox[0])) return;
        const polygonal = geometry.type === 'Polygon' || geometry.type === 'MultiPolygon' ? geometry : null;
        const list = grouped.get(layer.kind) ?? [];
        list.push({ table: layer.table, kind: layer.kind, id: idOfFeature(feature, i + 1), feature, props, geometry, bbox, polygonal, partCount: 1 });
        if (layer.pieces?.[i]) cut.set(list[list.length - 1], layer.pieces[i]!);
        grouped.set(layer.kind, list);
        count++;
      });
    }
    let partTotal = 0;
    let subdivided = 0;
    for (const [kind, features] of grouped) {
      // Id order makes every downstream list deterministic, whatever order the layers came in.
      features.sort((a, b) => compareText(a.id, b.id) || compareText(a.table, b.table));
      const parts: Part[] = [];
      for (const f of features) {
        const own = partsOfFeature(f, cut.get(f));
        f.partCount = own.length;
        if (own.length > 1) subdivided++;
        parts.push(...own);
      }
      partTotal += parts.length;
      this.byKind.set(kind, { parts, tree: new StaticBBoxIndex(parts.map((p) => p.bbox)) });
    }
    this.featureCount = count;
    this.tables = [...new Set(layers.map((l) => l.table))];
    this.stats = { features: count, parts: partTotal, subdividedFeatures: subdivided, exactTests: 0, candidateParts: 0 };
  }

  /** True when some layer of `kind` has at least one feature (in the project, not only in this index). */
  hasFeatures(kind: ReferenceLayerKind): boolean {
    return this.byKind.has(kind) || this.nonEmptyKinds.has(kind);
  }

  /** Candidate parts whose box meets `box`, grouped by feature, features in id order. */
  candidates(kind: ReferenceLayerKind, box: BBox4): Map<GeoFeature, Part[]> {
    const out = new Map<GeoFeature, Part[]>();
    const entry = this.byKind.get(kind);
    if (!entry) return out;
    const found = entry.tree.search(box);
    this.stats.candidateParts += found.length;
    for (const i of found) {
      const part = entry.parts[i];
      const list = out.get(part.feature);
      if (list) list.push(part);
      else out.set(part.feature, [part]);
    }
    return out;
  }
}

/** Index statistics of a ReferenceIndex (counts of features, parts and exact tests so far). */
export function indexStats(index: ReferenceIndex): IndexStats {
  if (!(index instanceof IndexImpl)) throw new TypeError('indexStats: index must come from buildReferenceIndex');
  return { ...index.stats };
}


// ---------------------------------------------------------------------------------------------
// One parcel

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

function checkOne(index: IndexImpl, parcel: Feature<Polygon | MultiPolygon>, i: number, profile: Profile, includeGeometry: boolean): EngineParcelResult {
  const props = (parcel.properties ?? {}) as Record<string, unknown>;
  const id = idOfFeature(parcel, i + 1);
  const name = typeof props.name === 'string' && props.name.trim() !== '' ? props.name.trim() : undefined;
  const geometry = parcel.geometry;
  const params = profile.parameters;
  const classify = (value: unknown) => classifyUseForProfile(value, { declaredScheme: stringOrUndefined(props.useScheme), sensitiveUsePrefixes: params.sensitiveUsePrefixes });
  const planned = classify(props.plannedUse);
  const current = classify(props.currentUse);
  const landUse = { ...(planned ? { planned: summary(planned) } : {}), ...(current ? { current: summary(current) } : {}) };

  const polygonal = !!geometry && (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon');
  const areaM2 = polygonal ? geodesicAreaM2(geometry) : 0;
  if (!polygonal || areaM2 <= 0) {
    const findings: EngineFinding[] = [withText({ rule: GEOMETRY_FAILED_RULE, severity: 'condition' }, text('finding.geometryInvalid'))];
    return { id, ...(name ? { name } : {}), verdict: verdictOf(findings), areaM2: 0, gkPlanarAreaM2: 0, gkPlanarCrs: '', landUse, findings };
  }

  const planar = planarGaussKrugerAreaM2(geometry);
  const parcelBox = bboxOf(geometry);
  const facts: ParcelFacts = {
    id,
    ...(name ? { name } : {}),
    props,
    geometry,
    areaM2,
    ...(planned ? { planned } : {}),
    ...(current ? { current } : {}),
    ...(typeof props.action === 'string' ? { action: props.action } : {}),
    ...(typeof props.soilSurvey === 'string' ? { soilSurvey: props.soilSurvey } : {}),
    ...(typeof props.riskAssessment === 'string' ? { riskAssessment: props.riskAssessment } : {}),
    ...(typeof props.toxicHistory === 'boolean' ? { toxicHistory: props.toxicHistory } : {}),
    ...(Array.isArray(props.projectType) ? { projectType: props.projectType.map(String) } : {}),
  };

  // Per-parcel caches: several rules ask about the same features (and parts).
  const overlapCache = new Map<GeoFeature, OverlapResult>();
  const partDistanceCache = new Map<Part, NearestPair | null>();
  const failedFeatures = new Set<GeoFeature>();

  const overlapResult = (f: GeoFeature, parts: Part[]): OverlapResult => {
    let result = overlapCache.get(f);
    if (!result) {
      if (!f.polygonal) result = { overlapAreaM2: 0, geometry: null, failed: false };
      else if (f.partCount === 1) {
        index.stats.exactTests++;
        result = overlapOf(geometry, f.polygonal);
      } else {
        // A subdivided feature: the parcel's bbox met `parts`; the other pieces cannot overlap it.
        let area = 0;
        const pieces: Position[][][] = [];
        let failed = false;
        let error: string | undefined;
        for (const part of parts) {
          if (!part.polygonal) continue;
          index.stats.exactTests++;
          const r = overlapOf(geometry, part.polygonal);
          if (r.failed) {
            failed = true;
            error = r.error;
            break;
          }
          area += r.overlapAreaM2;
          if (r.geometry) pieces.push(...(r.geometry.type === 'Polygon' ? [r.geometry.coordinates] : r.geometry.coordinates));
        }
        result = failed
          ? { overlapAreaM2: 0, geometry: null, failed: true, ...(error ? { error } : {}) }
          : { overlapAreaM2: area, geometry: pieces.length === 0 ? null : pieces.length === 1 ? { type: 'Polygon', coordinates: pieces[0] } : { type: 'MultiPolygon', coordinates: pieces }, failed: false };
      }
      if (result.failed) failedFeatures.add(f);
      overlapCache.set(f, result);
    }
    return result;
  };
  const overlapHit = (f: GeoFeature, parts: Part[]): OverlapHit | null => {
    const result = overlapResult(f, parts);
    const overlapM2 = round1(result.overlapAreaM2);
    if (result.failed || !isOverlap(overlapM2, params.minOverlapM2)) return null;
    return { feature: f, overlapM2, overlapPct: round2((result.overlapAreaM2 / areaM2) * 100), geometry: result.geometry };
  };
  // Exact (polished) distance only when it can matter for "within distanceM"; a pair known only
  // to be beyond a smaller D is recomputed when a larger D is asked.
  const partDistance = (part: Part, distanceM: number): NearestPair | null => {
    const cached = partDistanceCache.get(part);
    if (cached !== undefined && (cached === null || !cached.approximate || cached.distanceM > distanceM * 1.0001 + 1)) return cached;
    index.stats.exactTests++;
    const pair = safeDistance(geometry, part.geometry, distanceM);
    partDistanceCache.set(part, pair);
    return pair;
  };

  let withinDem: boolean | undefined;
  const ctx: RuleContext = {
    parcel: facts,
    profile,
    params,
    overlaps(kind) {
      const hits: OverlapHit[] = [];
      for (const candidate of index.candidates(kind, parcelBox)) {
        const f = candidate[0];
        if (!f.polygonal) continue;
        const hit = overlapHit(f, candidate[1]);
        if (hit) hits.push(hit);
      }
      return hits;
    },
    within(kind, distanceM) {
      const hits: DistanceHit[] = [];
      const searchBox = expandBBoxByMetres(parcelBox, distanceM);
      for (const candidate of index.candidates(kind, searchBox)) {
        const f = candidate[0], parts = candidate[1];
        // Distance to a feature = minimum over its parts. Parts outside the search box are farther
        // than distanceM, so when the minimum over the parts found is ≤ distanceM it is the true one.
        let pair: NearestPair | null = null;
        let failed = false;
        for (const part of parts) {
          const d = partDistance(part, distanceM);
          if (!d) {
            failed = true;
            break;
          }
          if (!pair || d.distanceM < pair.distanceM) pair = d;
          if (pair.distanceM === 0) break;
        }
        if (failed || !pair) {
          failedFeatures.add(f);
          continue;
        }
        const rounded = round2(pair.distanceM);
        if (rounded > distanceM) continue;
        const overlap = f.polygonal ? overlapHit(f, index.candidates(kind, parcelBox).get(f) ?? []) : null;
        const line: LineString = { type: 'LineString', coordinates: [pair.from, pair.to] };
        hits.push({ feature: f, distanceM: rounded, line, ...(overlap ? { overlap } : {}) });
      }
      return hits;
    },
    hasLayer(kind) {
      return index.kinds.has(kind);
    },
    withinDem() {
      if (withinDem === undefined) {
        const outside = index.demCoverage ? uncoveredAreaM2(geometry, [index.demCoverage]) : null;
        withinDem = outside !== null && !isOverlap(round1(outside), params.minOverlapM2);
      }
      return withinDem;
    },
  };

  const findings: EngineFinding[] = [];
  const enabled = new Set<string>(profile.rules);
  for (const rule of RULES) {
    if (!enabled.has(rule.id)) continue;
    // A rule reads only the kinds it declares: the missing-layer notices below rely on it.
    const declared = (kind: ReferenceLayerKind) => {
      if (!rule.reads.includes(kind)) throw new Error(`规则 ${rule.id} 读取了未声明的图层类型 ${kind}`);
    };
    // ... and looks no farther than it declares: a tiled sweep reads only what lies within reach.
    const inReach = (distanceM: number) => {
      const reach = rule.reachM?.(params) ?? 0;
      if (!(distanceM <= reach)) throw new Error(`规则 ${rule.id} 查找 ${distanceM} 米内的要素，超出其声明的 ${reach} 米`);
    };
    const ruleCtx: RuleContext = {
      ...ctx,
      overlaps: (kind) => (declared(kind), ctx.overlaps(kind)),
      within: (kind, distanceM) => (declared(kind), inReach(distanceM), ctx.within(kind, distanceM)),
      hasLayer: (kind) => (declared(kind), ctx.hasLayer(kind)),
    };
    let drafts: Draft[];
    try {
      drafts = rule.evaluate(ruleCtx);
    } catch (error) {
      // One broken rule or feature must not sink the whole check, nor pass silently.
      drafts = [{ severity: 'condition', text: text('finding.ruleError', { error: error instanceof Error ? error.message : String(error) }) }];
    }
    const basis = citeBasis(rule.basis, profile.localDocuments);
    for (const draft of drafts) findings.push(toFinding(rule.id, basis, draft, includeGeometry));
  }
  for (const f of failedFeatures) {
    findings.push(withText({ rule: GEOMETRY_FAILED_RULE, severity: 'condition', layerKind: f.kind, featureId: f.id }, text('finding.geometryFailed', { feature: featureLabel(f) }), { basis: '—', layerTable: f.table }));
  }
  const outsideAdmin = adminBoundaryFinding(index, geometry, areaM2, profile);
  if (outsideAdmin) findings.push(outsideAdmin);
  findings.push(...missingLayerNotices(index, profile));
  findings.sort(compareFindings);
  return {
    id,
    ...(name ? { name } : {}),
    verdict: verdictOf(findings),
    areaM2: round1(areaM2),
    gkPlanarAreaM2: round1(planar.planarAreaM2),
    gkPlanarCrs: planar.crs,
    landUse,
    findings,
  };
}

/**
 * A parcel reaching beyond the project's administrative area (when the project has one): the
 * profile is a county's, and another county's rules may differ. Once per parcel, however many
 * admin features there are.
 */
function adminBoundaryFinding(index: IndexImpl, geometry: Polygon | MultiPolygon, areaM2: number, profile: Profile): EngineFinding | null {
  if (!index.hasFeatures('admin-boundary')) return null;
  const params = profile.parameters;
  const covers = [...index.candidates('admin-boundary', bboxOf(geometry)).values()].flatMap((parts) => parts.flatMap((p) => (p.polygonal ? [p.polygonal] : [])));
  const outside = uncoveredAreaM2(geometry, covers);
  const base = { rule: COVERAGE_ADMIN_RULE, severity: 'condition' as const };
  if (outside === null) return withText(base, text('finding.admin.failed'), { basis: '—' });
  const outsideM2 = round1(outside);
  if (!isOverlap(outsideM2, params.minOverlapM2)) return null;
  const advice = text('finding.admin.advice', { profile: profile.name });
  const wholly = !isOverlap(round1(areaM2 - outside), params.minOverlapM2);
  const said = wholly
    ? text('finding.admin.outside', { advice })
    : text('finding.admin.partly', { area: areaText(outsideM2), pct: round2((outside / areaM2) * 100).toFixed(2), advice });
  return withText(base, said, { basis: '—' });
}

/**
 * One notice per reference kind that the profile's enabled rules read and the project has no layer
 * of: those rules ran against nothing, which must not read as "checked, nothing found".
 */
function missingLayerNotices(index: IndexImpl, profile: Profile): EngineFinding[] {
  const enabled = new Set<string>(profile.rules);
  const titlesByKind = new Map<ReferenceLayerKind, CodedText[]>();
  for (const rule of RULES) {
    if (!enabled.has(rule.id)) continue;
    for (const kind of rule.reads) {
      if (index.kinds.has(kind)) continue;
      const titles = titlesByKind.get(kind) ?? [];
      titles.push(text(`finding.rule.${rule.id}`));
      titlesByKind.set(kind, titles);
    }
  }
  return [...titlesByKind].map(([kind, titles]) => {
    const layer = text('finding.missing.layer', { kind: text(`finding.kind.${kind}`) });
    return withText({ rule: COVERAGE_LAYER_MISSING_RULE, severity: 'notice' }, text('finding.layerMissing', { layer, rules: textList(titles, 'semicolon') }), {
      basis: '—',
      missing: [findingTextZh(layer)],
    });
  });
}

function safeDistance(a: Geometry, b: Geometry, decideBeyondM: number): NearestPair | null {
  try {
    const pair = minGeodesicDistance(a, b, { decideBeyondM });
    return pair && Number.isFinite(pair.distanceM) ? pair : null;
  } catch {
    return null;
  }
}

/** A county government document (…政办发〔yyyy〕n号 …), as opposed to a statute (…法 第…条). */
const COUNTY_DOCUMENT = /^\S+政办发〔\d{4}〕\d+号/;

/**
 * The basis a finding cites under a county profile: the statutes and the county's own documents.
 * Another county's document has no force there, so it is cited only when the rule has neither
 * (the rule was adopted from that county's practice, e.g. soil.heavy-industry-sensitive in 夏县).
 * Without local documents (山西省通用) the whole basis of rules.md §3 is cited.
 */
export function citeBasis(basis: string, localDocuments: readonly string[] | undefined): string {
  if (!localDocuments || localDocuments.length === 0) return basis;
  const citations = basis.split('；');
  const kept = citations.filter((c) => !COUNTY_DOCUMENT.test(c) || localDocuments.some((doc) => c.startsWith(doc)));
  return kept.length > 0 ? kept.join('；') : basis;
}

/**
 * A finding of the engine's own (no draft), keys in the §5 order: the given leading keys, then the
 * Chinese message, then `rest` (basis and additions).
 */
function withText(head: Pick<EngineFinding, 'rule' | 'severity' | 'layerKind' | 'featureId'>, said: CodedText, rest: Partial<EngineFinding> = {}): EngineFinding {
  return { ...head, message: findingTextZh(said), basis: '—', ...coded(said), ...rest } as EngineFinding;
}

/** The code and parameters of what a finding says, beside its Chinese message. */
function coded(said: CodedText): Pick<EngineFinding, 'code' | 'params'> {
  return said.params ? { code: said.code, params: said.params } : { code: said.code };
}

function toFinding(rule: string, basis: string, draft: Draft, includeGeometry: boolean): EngineFinding {
  const hit = draft.overlap ?? draft.distance;
  const feature = hit?.feature as GeoFeature | undefined;
  // Built key by key so the JSON key order is the §5 order: rule, severity, layerKind, featureId,
  // figures, message, basis, then additions.
  const finding: EngineFinding = { rule, severity: draft.severity } as EngineFinding;
  if (feature) {
    finding.layerKind = feature.kind;
    finding.featureId = feature.id;
  }
  if (draft.overlap) {
    finding.overlapM2 = draft.overlap.overlapM2;
    finding.overlapPct = draft.overlap.overlapPct;
  } else if (draft.distance) {
    finding.distanceM = draft.distance.distanceM;
  }
  finding.message = findingTextZh(draft.text);
  finding.basis = basis;
  Object.assign(finding, coded(draft.text));
  if (feature) finding.layerTable = feature.table;
  if (draft.missing && draft.missing.length > 0) finding.missing = draft.missing.map(findingTextZh);
  if (includeGeometry) {
    const geometry = draft.overlap ? draft.overlap.geometry : draft.distance ? draft.distance.line : null;
    if (geometry) finding.geometry = geometry;
  }
  return finding;
}

/** Severity (prohibit, condition, notice), then rule id, then feature id, then table and text. */
function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    compareText(a.rule, b.rule) ||
    compareText(a.featureId ?? '', b.featureId ?? '') ||
    compareText(a.layerTable ?? '', b.layerTable ?? '') ||
    compareText(a.message, b.message)
  );
}

/** Locale-independent, numeric-aware comparison (WR-2 before WR-10), so output is stable everywhere. */
function compareText(a: string, b: string): number {
  const chunk = /(\d+)|(\D+)/g;
  const pa = a.match(chunk) ?? [];
  const pb = b.match(chunk) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x) ? Number(x) : NaN;
    const ny = /^\d/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny) && nx !== ny) return nx - ny;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

function summary(c: UseClass): UseSummary {
  return { raw: c.raw, code: c.code, scheme: c.scheme, schemeAssumed: c.schemeAssumed, recognised: c.recognised, sensitive: c.sensitive, ambiguous: c.ambiguous };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
