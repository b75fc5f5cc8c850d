/**
 * Writes the benchmark county (bench/county.ts: ≥ 20 000 reference features incl. zone polygons
 * with ≥ 5 000 vertices) and N generated parcels into a LandGate project, so the sweep can be run
 * as a user runs it: `landgate check <project> --all --profile <id>`.
 *
 *   node bin/run-ts.js bench/make-county-project.ts <out.gpkg> [parcels=100000]
 */
import { existsSync } from 'node:fs';
import { ProjectStore } from '../electron/services/project-store';
import { generateCounty } from './county';

const [out, countArg] = process.argv.slice(2);
if (!out || existsSync(out)) {
  console.error('usage: node bin/run-ts.js bench/make-county-project.ts <new-project.gpkg> [parcels]');
  process.exit(2);
}
const parcelCount = Number(countArg ?? 100_000);
const county = generateCounty(parcelCount);
const store = ProjectStore.create(out, { title: `基准测试县（合成数据，${parcelCount} 个地块）`, synthetic: true });
try {
  for (const layer of county.layers) {
    store.writeLayer({ table: layer.table, kind: layer.kind, sourceFile: null, originalCrs: 'EPSG:4490', features: layer.features });
  }
  store.writeLayer({ table: 'parcels', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: county.parcels });
} finally {
  store.close();
}
console.log(`${out}: ${county.referenceFeatures} reference features (${county.hugeFeatures} with ≥ 5 000 vertices), ${parcelCount} parcels`);
