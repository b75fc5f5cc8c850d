import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { landgate, ogrLayers, sha256 } from '../support/cli';
import { SIGNATURE, tamperedPackage, twoDepartments } from '../support/exchange';

let dir: string;
let source: string;
let target: string;

beforeAll(() => {
  ({ dir, source, target } = twoDepartments('landgate-package-', (review, first) => {
    review.signDecision({ table: 'parcels', parcelId: 'XX-2026-001', decision: 'returned', opinion: '退回补正。', conditions: [], signature: SIGNATURE, supersedes: first.id, revisionReason: '补充调查' });
  }));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('landgate package', () => {
  it('exports a review package GDAL can read, with parcels, findings, decisions and layer versions', () => {
    const pkg = join(dir, 'pkg.gpkg');
    const r = landgate(['package', 'export', source, '--parcels', 'XX-2026-001,XX-2026-002', '--out', pkg, '--department', '夏县生态环境分局']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const layers = ogrLayers(pkg);
    expect(layers.get('parcels')?.featureCount).toBe(2);
    expect(layers.get('landgate_pkg_findings')?.featureCount).toBe(2);
    expect(layers.get('landgate_pkg_decisions')?.featureCount).toBe(2);
    expect(layers.get('landgate_pkg_layers')?.featureCount).toBeGreaterThan(5);
    const db = new Database(pkg, { readonly: true });
    const manifest = Object.fromEntries((db.prepare('SELECT key, value FROM landgate_pkg_manifest').all() as { key: string; value: string }[]).map((x) => [x.key, x.value]));
    db.close();
    expect(manifest.department).toBe('夏县生态环境分局');
    expect(manifest.sourceProject).toBe('eco.gpkg');
  }, 240_000);

  it('imports it into another department’s project keeping provenance, checks and the revision chain', () => {
    const r = landgate(['package', 'import', target, join(dir, 'pkg.gpkg')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('夏县生态环境分局');
    const store = ProjectStore.open(target, { readonly: true });
    try {
      const review = new ReviewStore(store);
      const layer = store.listLayers().find((l) => l.kind === 'parcel')!;
      expect(layer.table).toBe('pkg_parcels');
      expect(layer.sourceFile).toBe('pkg.gpkg#parcels');
      const sub = review.listSubmissions().find((s) => s.parcelTable === 'pkg_parcels')!;
      expect(sub.source?.department).toBe('夏县生态环境分局');
      expect(sub.source?.originalIds).toEqual({ table: 'parcels', parcelIds: ['XX-2026-001', 'XX-2026-002'] });
      expect(sub.status).toBe('returned');
      expect(sub.verdict).toBe('prohibited');
      const history = review.listDecisions('pkg_parcels', 'XX-2026-001');
      expect(history.map((d) => [d.revision, d.decision, d.signature.name])).toEqual([
        [1, 'rejected', '赵审查'],
        [2, 'returned', '赵审查'],
      ]);
      expect(history[1].supersedes).toBe(history[0].id);
      expect(history[1].source?.originalIds).toMatchObject({ table: 'parcels', revision: 2 });
      expect(review.latestCheck('pkg_parcels', 'XX-2026-002')?.verdict).toBe('prohibited');
      expect(review.verify().ok).toBe(true);
      expect(store.listAudit().some((e) => e.action === 'package-import')).toBe(true);
    } finally {
      store.close();
    }
  }, 240_000);

  it('refuses a tampered package, a non-package and unknown parcels with exit 2, changing nothing', () => {
    const tampered = tamperedPackage(join(dir, 'pkg.gpkg'), join(dir, 'tampered.gpkg'));
    const beforeTarget = sha256(target);
    const beforeSource = sha256(source);
    let r = landgate(['package', 'import', target, tampered]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('哈希不符');
    r = landgate(['package', 'import', target, source]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('不是 LandGate 审查包');
    const out = join(dir, 'bad.gpkg');
    r = landgate(['package', 'export', source, '--parcels', 'NO-SUCH', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('NO-SUCH');
    r = landgate(['package', 'export', source, '--parcels', 'all', '--out', join(dir, 'pkg.gpkg')]);
    expect(r.status).toBe(2); // refuses to overwrite
    r = landgate(['package', 'frobnicate', source]);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(sha256(target)).toBe(beforeTarget);
    expect(sha256(source)).toBe(beforeSource);
  }, 240_000);

  it('exports findings as GeoJSON and as a GBK shapefile with .cpg that ogrinfo reads in Chinese', () => {
    const geojson = join(dir, 'findings.geojson');
    expect(landgate(['package', 'findings', source, '--parcels', 'XX-2026-001', '--out', geojson]).status).toBe(0);
    const fc = JSON.parse(readFileSync(geojson, 'utf8'));
    const overlap = fc.features.find((f: { properties: { featureId: string; geometryRole: string } }) => f.properties.featureId === 'CP-01' && f.properties.geometryRole === '重叠区域');
    expect(overlap.geometry.type).toMatch(/Polygon/);
    expect(overlap.properties.overlapM2).toBeCloseTo(29053, -1);

    const shp = join(dir, 'findings.shp');
    expect(landgate(['package', 'findings', source, '--parcels', 'XX-2026-001', '--out', shp]).status).toBe(0);
    expect(readFileSync(join(dir, 'findings.cpg'), 'utf8')).toBe('GBK');
    const dbf = readFileSync(join(dir, 'findings.dbf'));
    expect(dbf[29]).toBe(0x4d); // language driver: GBK
    expect(dbf.includes(iconv.encode('不予准入', 'gbk'))).toBe(true);
    expect(dbf.includes(Buffer.from('不予准入', 'utf8'))).toBe(false);
    const env = { ...process.env };
    delete env.SHAPE_ENCODING;
    const info = spawnSync('ogrinfo', ['-ro', '-al', shp], { encoding: 'utf8', env });
    expect(info.status).toBe(0);
    expect(info.stdout).toContain(`Feature Count: ${fc.features.length}`);
    expect(info.stdout).toContain('SEVERITY (String) = 不予准入');
    expect(info.stdout).toContain('LAYER (String) = 污染地块');
    expect(info.stdout).toMatch(/ID\["EPSG",4490\]/);
    expect(info.stdout).toMatch(/AREA_M2 \(Real\) = 2905\d\.\d/);
  }, 240_000);
});
