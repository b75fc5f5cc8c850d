/**
 * The rule catalogue of rules.md §3: every rule the engine knows, by id. Profiles switch them on;
 * adding a county needs a profile file, not code. The order here is the catalogue order of
 * `RULE_IDS` (a test checks they agree).
 */
import type { RuleId } from './profile';
import { RULE_IDS } from './profile';
import type { RuleDefinition } from './rules/common';
import { countyAirInspection, stationBuffer, stationCatering, urbanNoAirProjects } from './rules/air';
import { cleanHeatingBand, coalBanZone } from './rules/heat';
import { agriChemicalLimit, greenBuffer } from './rules/river';
import {
  adjacentSequencing,
  ambiguousCode,
  farmlandPollutingProject,
  heavyIndustrySensitive,
  keyUnitTransfer,
  listedSensitive,
  listedTransaction,
  suspectQuery,
  surveyRequired,
  toxicToFarmland,
  unremediatedConstruction,
} from './rules/soil';
import { quasi, zone1, zone2 } from './rules/water';

export type { RuleDefinition } from './rules/common';

export const RULES: readonly RuleDefinition[] = [
  listedSensitive,
  listedTransaction,
  unremediatedConstruction,
  surveyRequired,
  heavyIndustrySensitive,
  suspectQuery,
  adjacentSequencing,
  keyUnitTransfer,
  toxicToFarmland,
  farmlandPollutingProject,
  ambiguousCode,
  zone1,
  zone2,
  quasi,
  cleanHeatingBand,
  coalBanZone,
  stationCatering,
  stationBuffer,
  urbanNoAirProjects,
  countyAirInspection,
  agriChemicalLimit,
  greenBuffer,
];

const BY_ID = new Map<string, RuleDefinition>(RULES.map((rule) => [rule.id, rule]));

export function ruleById(id: RuleId): RuleDefinition {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`rule ${id} is in RULE_IDS but not in the catalogue`);
  return rule;
}

/** Catalogue ids without a definition or definitions without an id (empty when consistent). */
export function catalogueMismatches(): string[] {
  const ids = new Set<string>(RULE_IDS);
  return [...RULE_IDS.filter((id) => !BY_ID.has(id)), ...RULES.map((r) => r.id).filter((id) => !ids.has(id))];
}

/** Rule id of the finding emitted when geometry cannot be computed (an addition to §3). */
export const GEOMETRY_FAILED_RULE = 'geometry.unchecked';

/** Rule id of the notice for a reference kind the enabled rules read and the project lacks (an addition to §3). */
export const COVERAGE_LAYER_MISSING_RULE = 'coverage.layer-missing';
/** Rule id of the finding for a parcel outside the project's administrative area (an addition to §3). */
export const COVERAGE_ADMIN_RULE = 'coverage.admin-boundary';
