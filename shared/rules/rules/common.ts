/**
 * What every rule module sees: the parcel's facts (three-valued: true / false / unknown), the
 * spatial questions "which features of kind K does it overlap" and "which lie within D", and the
 * phrases findings are worded from (coded texts, rules/messages.ts). A rule returns drafts; the
 * engine turns them into findings (ids, figures, Chinese message, basis, geometry, sorting).
 *
 * Unknown facts are never read as "no": a rule whose outcome hinges on an unknown value returns a
 * `condition` draft starting with 需补充 (rules.md §1.2).
 */
import type { Feature, Geometry, LineString, MultiPolygon, Polygon } from 'geojson';
import type { ReferenceLayerKind } from '../../model/layers';
import type { Severity } from '../../model/check';
import { text, textKey, textList, type CodedText } from '../../model/text';
import type { UseClass } from '../../landuse/codes';
import { describeUseText } from '../../landuse/codes';
import type { Profile, ProfileParameters, RuleId } from '../profile';

// ---------------------------------------------------------------------------------------------
// Reference features and spatial answers

export interface IndexedFeature {
  table: string;
  kind: ReferenceLayerKind;
  /** Stable feature id (feature.id, else properties.id, else 1-based feature number). */
  id: string;
  feature: Feature<Geometry>;
  props: Record<string, unknown>;
}

export interface OverlapHit {
  feature: IndexedFeature;
  /** Geodesic overlap, m², rounded to 0.1 (the reported figure; the threshold compares this). */
  overlapM2: number;
  /** overlapM2 as % of the parcel's geodesic area, rounded to 0.01. */
  overlapPct: number;
  geometry: Polygon | MultiPolygon | null;
}

export interface DistanceHit {
  feature: IndexedFeature;
  /** Minimum geodesic distance, m, rounded to 0.01 (the reported figure; "within D" compares this). */
  distanceM: number;
  /** Shortest connecting line (lon/lat); both ends equal when touching/overlapping. */
  line: LineString;
  /** Overlap figure when the parcel also overlaps this (polygon) feature beyond the threshold. */
  overlap?: OverlapHit;
}

// ---------------------------------------------------------------------------------------------
// Three-valued facts

/** A fact that may be unknown; `missing` says what to supply (coded texts, rules/messages.ts) when it is. */
export interface Fact {
  value: boolean | undefined;
  missing: CodedText[];
}

export const known = (value: boolean): Fact => ({ value, missing: [] });
export const unknown = (missing: CodedText): Fact => ({ value: undefined, missing: [missing] });
export const fact = (value: boolean | undefined, missing: CodedText): Fact => (value === undefined ? unknown(missing) : known(value));

export function not(f: Fact): Fact {
  return f.value === undefined ? f : known(!f.value);
}

/** Kleene AND: false wins; unknown carries the union of what is missing. */
export function all(...facts: Fact[]): Fact {
  if (facts.some((f) => f.value === false)) return known(false);
  if (facts.every((f) => f.value === true)) return known(true);
  return { value: undefined, missing: unique(facts.flatMap((f) => (f.value === undefined ? f.missing : []))) };
}

/** Kleene OR: true wins. */
export function any(...facts: Fact[]): Fact {
  if (facts.some((f) => f.value === true)) return known(true);
  if (facts.length > 0 && facts.every((f) => f.value === false)) return known(false);
  if (facts.length === 0) return known(false);
  return { value: undefined, missing: unique(facts.flatMap((f) => (f.value === undefined ? f.missing : []))) };
}

function unique(items: CodedText[]): CodedText[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = textKey(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Parcel facts

export interface ParcelFacts {
  id: string;
  name?: string;
  props: Record<string, unknown>;
  geometry: Polygon | MultiPolygon;
  /** Geodesic area, m² (unrounded). */
  areaM2: number;
  planned?: UseClass;
  current?: UseClass;
  action?: string;
  soilSurvey?: string;
  riskAssessment?: string;
  toxicHistory?: boolean;
  projectType?: string[];
}

export interface RuleContext {
  parcel: ParcelFacts;
  profile: Profile;
  params: ProfileParameters;
  /** Features of `kind` the parcel overlaps (overlap > minOverlapM2), in feature-id order. */
  overlaps(kind: ReferenceLayerKind): OverlapHit[];
  /** Features of `kind` within `distanceM` (≤, inclusive; overlapping ones at 0 m), in id order. */
  within(kind: ReferenceLayerKind, distanceM: number): DistanceHit[];
  /** True when the project has a layer of `kind` (even an empty one). */
  hasLayer(kind: ReferenceLayerKind): boolean;
  /**
   * Whether the project's DEM covers the whole parcel (the part outside ≤ minOverlapM2): false
   * when the project has no DEM or the parcel reaches beyond it.
   */
  withinDem(): boolean;
}

export interface Draft {
  severity: Severity;
  /** What the finding says, as a code with parameters (rules/messages.ts); the engine renders the Chinese `message`. */
  text: CodedText;
  overlap?: OverlapHit;
  distance?: DistanceHit;
  /** What the reviewer must supply (需补充), when the draft exists because of unknown facts. */
  missing?: CodedText[];
}

export interface RuleDefinition {
  id: RuleId;
  /** Short zh-CN title for lists and reports. */
  titleZh: string;
  /**
   * Reference layer kinds the rule reads. The engine holds the rule to it (reading another kind is
   * an error) and reports a kind the project lacks as not checked, so a missing layer is never a
   * silent pass.
   */
  reads: readonly ReferenceLayerKind[];
  /** Legal basis string from rules.md §3. */
  basis: string;
  /**
   * The farthest, in metres, this rule asks `within` to look under these parameters (absent: the
   * rule only asks what the parcel overlaps). The engine holds the rule to it, so a sweep that
   * reads reference features tile by tile (the features within this reach of the tile's parcels)
   * finds everything a check against the whole layers finds.
   */
  reachM?(params: ProfileParameters): number;
  evaluate(ctx: RuleContext): Draft[];
}

// Missing-value labels (what 需补充 names): the names the attribute form and table show, never the keys.
export const MISSING = {
  plannedUse: text('finding.missing.plannedUse'),
  currentUse: text('finding.missing.currentUse'),
  action: text('finding.missing.action'),
  soilSurvey: text('finding.missing.soilSurvey'),
  toxicHistory: text('finding.missing.toxicHistory'),
  projectType: text('finding.missing.projectType'),
} as const;

function useMissing(c: UseClass | undefined, label: CodedText): CodedText {
  if (!c) return label;
  return text('finding.missing.useUnrecognised', { label, raw: c.raw });
}

/** A use-class fact; unrecognised codes count as unknown. */
export function useFact(c: UseClass | undefined, pick: (c: UseClass) => boolean, which: 'planned' | 'current'): Fact {
  const label = which === 'planned' ? MISSING.plannedUse : MISSING.currentUse;
  if (!c || !c.recognised) return unknown(useMissing(c, label));
  return known(pick(c));
}

export const plannedIs = (ctx: RuleContext, pick: (c: UseClass) => boolean) => useFact(ctx.parcel.planned, pick, 'planned');
export const currentIs = (ctx: RuleContext, pick: (c: UseClass) => boolean) => useFact(ctx.parcel.current, pick, 'current');

export function actionIn(ctx: RuleContext, actions: readonly string[]): Fact {
  return fact(ctx.parcel.action === undefined ? undefined : actions.includes(ctx.parcel.action), MISSING.action);
}

export function projectHas(ctx: RuleContext, type: string): Fact {
  return fact(ctx.parcel.projectType === undefined ? undefined : ctx.parcel.projectType.includes(type), MISSING.projectType);
}

export function soilSurveyPassed(ctx: RuleContext): Fact {
  return fact(ctx.parcel.soilSurvey === undefined ? undefined : ctx.parcel.soilSurvey === 'passed', MISSING.soilSurvey);
}

/** What to supply when a reference feature's attribute is unknown: `finding.missing.<which>` naming the feature. */
export function missingAttribute(feature: IndexedFeature, which: string): CodedText {
  return text(`finding.missing.${which}`, { feature: featureLabel(feature) });
}

/** A boolean attribute of a reference feature as a fact (`key` is also the code of what to supply). */
export function featureBool(feature: IndexedFeature, key: 'listed' | 'heavy'): Fact {
  const value = feature.props[key];
  return fact(typeof value === 'boolean' ? value : undefined, missingAttribute(feature, key));
}

/**
 * "Listed and not delisted" (在名录中). `listed` unknown is unknown. `delisted` missing is read as
 * not delisted: removal (移出) is an explicit, published event, and a 名录 layer without the column
 * has no removals — reading it as unknown would flag every parcel near every 名录 polygon.
 */
export function onList(feature: IndexedFeature): Fact {
  if (feature.props.delisted === true) return known(false);
  return featureBool(feature, 'listed');
}

// ---------------------------------------------------------------------------------------------
// Decisions and wording

/** 需补充：<what is missing>。<what would follow> */
export function supplyText(missing: CodedText[], then: CodedText): CodedText {
  return text('finding.supply', { missing: textList(missing, 'semicolon'), then });
}

/**
 * Turns a fact into drafts: true → the rule's finding at `severity`; unknown → a `condition`
 * 需补充 finding that says what is missing and what would follow; false → nothing.
 */
export function decide(
  f: Fact,
  severity: Severity,
  message: CodedText,
  spatial: { overlap?: OverlapHit; distance?: DistanceHit } = {},
  ifUnknown?: CodedText,
): Draft[] {
  if (f.value === true) return [{ severity, text: message, ...spatial }];
  if (f.value === undefined) {
    const consequence = ifUnknown ?? text('finding.ifTrue', { then: message });
    return [{ severity: 'condition', text: supplyText(f.missing, consequence), missing: f.missing, ...spatial }];
  }
  return [];
}

export function featureLabel(feature: IndexedFeature): CodedText {
  const kind = text(`finding.kind.${feature.kind}`);
  const name = feature.props.name;
  return typeof name === 'string' && name.trim() !== '' && name.trim() !== feature.id
    ? text('finding.feature.named', { kind, name: name.trim(), id: feature.id })
    : text('finding.feature.plain', { kind, id: feature.id });
}

/** An area in m², 公顷 and 亩 (1 公顷 = 10 000 m²; 1 亩 = 10 000/15 m²). */
export function areaText(m2: number): CodedText {
  return text('finding.area', { m2: m2.toFixed(1), ha: (m2 / 10_000).toFixed(4), mu: (m2 / (10_000 / 15)).toFixed(2) });
}

export function overlapPhrase(hit: OverlapHit): CodedText {
  return text('finding.overlap', { feature: featureLabel(hit.feature), area: areaText(hit.overlapM2), pct: hit.overlapPct.toFixed(2) });
}

export function distancePhrase(hit: DistanceHit): CodedText {
  return hit.distanceM === 0
    ? text('finding.touches', { feature: featureLabel(hit.feature) })
    : text('finding.distance', { feature: featureLabel(hit.feature), distance: hit.distanceM.toFixed(2) });
}

export function plannedPhrase(ctx: RuleContext): CodedText {
  const c = ctx.parcel.planned;
  return c && c.recognised ? text('finding.plannedUse', { use: describeUseText(c) }) : text('finding.plannedUseBare');
}

export function currentPhrase(ctx: RuleContext): CodedText {
  const c = ctx.parcel.current;
  return c && c.recognised ? text('finding.currentUse', { use: describeUseText(c) }) : text('finding.currentUseBare');
}

/** 水污染防治法 第六十四条, which every water finding repeats. */
export const NO_OUTLET = text('finding.noOutlet');
