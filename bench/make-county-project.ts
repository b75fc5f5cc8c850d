/**
 * Writes the benchmark county (bench/county.ts: ≥ 20 000 reference features incl. zone polygons
 * with ≥ 5 000 vertices) and N generated parcels into a LandGate project, so the sweep can be run
 * as a user runs it: `landgate check <project> --all --profile <id>`.
 *
 *   node bin/run-ts.js bench/make-county-project.ts <out.gpkg> [parcels=100000]
 */
import { existsSync } from 'node:fs';
import { writeCountyProject } from './county-project';

const [out, countArg] = process.argv.slice(2);
if (!out || existsSync(out)) {
  console.error('usage: node bin/run-ts.js bench/make-county-project.ts <new-project.gpkg> [parcels]');
  process.exit(2);
}
const parcelCount = Number(countArg ?? 100_000);
const { referenceFeatures, hugeFeatures } = writeCountyProject(out, parcelCount);
console.log(`${out}: ${referenceFeatures} reference features (${hugeFeatures} with ≥ 5 000 vertices), ${parcelCount} parcels`);
