/**
 * The benchmark county as a LandGate project (bench/county.ts: 20 041 reference features incl.
 * zone polygons with ≥ 5 000 vertices, and N generated parcels), cached under .cache/ so a
 * benchmark or an e2e test pays the ~15 s generation once per machine and generator version.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectStore } from '../electron/services/project-store';
import { generateCounty } from './county';

const repoRoot = join(import.meta.dirname, '..');

/** Writes the county with `parcelCount` parcels into a new project at `path`. */
export function writeCountyProject(path: string, parcelCount: number): { referenceFeatures: number; hugeFeatures: number } {
  const county = generateCounty(parcelCount);
  const store = ProjectStore.create(path, { title: `基准测试县（合成数据，${parcelCount} 个地块）`, synthetic: true });
  try {
    for (const layer of county.layers) {
      store.writeLayer({ table: layer.table, kind: layer.kind, sourceFile: null, originalCrs: 'EPSG:4490', features: layer.features });
    }
    store.writeLayer({ table: 'parcels', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: county.parcels });
  } finally {
    store.close();
  }
  return { referenceFeatures: county.referenceFeatures, hugeFeatures: county.hugeFeatures };
}

/**
 * The cached county project (read it, or copy it before writing: it is shared between runs). Its
 * name carries a hash of the generator and the store schema code, so a change to either
 * regenerates it.
 */
export function cachedCountyProject(parcelCount = 100_000): string {
  const sources = ['bench/county.ts', 'bench/county-project.ts', 'electron/services/store/schema.ts', 'electron/services/store/migrations.ts', 'electron/services/store/layers.ts'];
  const hash = createHash('sha256');
  for (const file of sources) hash.update(readFileSync(join(repoRoot, file)));
  const dir = join(repoRoot, '.cache');
  const path = join(dir, `county-${parcelCount}-${hash.digest('hex').slice(0, 12)}.gpkg`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  writeCountyProject(partial, parcelCount);
  renameSync(partial, path);
  return path;
}
