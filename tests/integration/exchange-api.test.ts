/**
 * Exchange between departments through the API the workbench uses: the review
 * package and the findings (GeoJSON, zipped GBK Shapefile) come back as bytes and are recorded
 * as exports; a package staged like an import upload is imported into another department's
 * project with its provenance; bad files are refused in zh and leave the project unchanged.
 * Real projects (the demo), real GDAL, nothing mocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { ProjectStore } from '../../electron/services/project-store';
import type { ExportedFile } from '../../shared/review/model';
import { ogrLayers } from '../support/cli';
import { uploadFile } from '../support/import-api';
import { tamperedPackage, twoDepartments } from '../support/exchange';
import { refusalOfAsync } from '../support/refusal';

let dir: string;
let source: string;
let target: string;
let eco: ApiService;
let nr: ApiService;
const bytesOf = (file: ExportedFile) => Buffer.from(file.base64, 'base64');
const exportDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('landgate-export-')).length;

/** What an import may change in the receiving project. */
async function snapshot(api: ApiService) {
  const project = await api.getProject();
  const audit = await api.getAuditTrail({});
  return { layers: project.layers.map((l) => l.table), submissions: (await api.listSubmissions()).length, audit: audit.entries.length };
}

beforeAll(() => {
  ({ dir, source, target } = twoDepartments('landgate-exchange-api-'));
  eco = createApiService(source);
  nr = createApiService(target);
}, 240_000);

afterAll(() => {
  eco?.close();
  nr?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('exchange API', { timeout: 120_000 }, () => {
  it('exports the chosen parcels as a review package GDAL reads, recorded as an export, no temp files left', async () => {
    const tempBefore = exportDirs();
    const file = await eco.exportReviewPackage({
      parcels: [
        { table: 'parcels', id: 'XX-2026-001' },
        { table: 'parcels', id: 'XX-2026-002' },
      ],
      department: '夏县生态环境分局',
    });
    expect(file.fileName).toMatch(/^审查包_夏县生态环境分局_\d{4}-\d{2}-\d{2}\.gpkg$/);
    expect(file.mimeType).toBe('application/geopackage+sqlite3');
    const pkg = join(dir, 'pkg.gpkg');
    writeFileSync(pkg, bytesOf(file));
    const layers = ogrLayers(pkg);
    expect(layers.get('parcels')?.featureCount).toBe(2);
    expect(layers.get('landgate_pkg_findings')?.featureCount).toBe(2);
    expect(layers.get('landgate_pkg_decisions')?.featureCount).toBe(1);
    const db = new Database(pkg, { readonly: true });
    const department = (db.prepare("SELECT value FROM landgate_pkg_manifest WHERE key = 'department'").get() as { value: string }).value;
    db.close();
    expect(department).toBe('夏县生态环境分局');
    expect(exportDirs()).toBe(tempBefore);

    const trail = await eco.getAuditTrail({ table: 'parcels', parcelId: 'XX-2026-002' });
    const exported = trail.entries.filter((e) => e.action === 'export').map((e) => e.detail as Record<string, unknown>);
    expect(exported).toContainEqual(expect.objectContaining({ format: 'review-package', file: file.fileName, parcelTable: 'parcels', parcelIds: ['XX-2026-001', 'XX-2026-002'] }));
    expect(trail.integrity.ok).toBe(true);
  });

  it('refuses an empty selection and a parcel in the wrong layer, in zh, writing nothing', async () => {
    const before = (await eco.getAuditTrail({})).entries.length;
    expect(await refusalOfAsync(eco.exportReviewPackage({ parcels: [] }))).toMatchObject({ code: 'package.selection-empty' });
    const wrong = await refusalOfAsync(eco.exportReviewPackage({ parcels: [{ table: 'no_such_layer', id: 'XX-2026-001' }] }));
    expect(wrong.code).toBe('review.parcel-unknown');
    expect(wrong.messageZh).toContain('XX-2026-001');
    expect((await eco.getAuditTrail({})).entries.length).toBe(before);
  });

  it('imports a staged package into another department’s project keeping provenance, and discards the upload', async () => {
    const uploadId = await uploadFile(nr, join(dir, 'pkg.gpkg'), '生态环境分局审查包.gpkg');
    const result = await nr.importReviewPackage({ uploadId });
    expect(result).toMatchObject({ layers: ['pkg_parcels'], parcels: 2, decisions: 1, provenance: { department: '夏县生态环境分局', sourceProject: 'eco.gpkg' } });
    expect(result.provenance.exportedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const sub = (await nr.listSubmissions()).find((s) => s.parcelTable === 'pkg_parcels')!;
    expect(sub.source?.department).toBe('夏县生态环境分局');
    expect(sub.status).toBe('rejected');
    expect((await nr.queryParcels({ table: 'pkg_parcels', offset: 0, limit: 500 })).rows.map((p) => p.id).sort()).toEqual(['XX-2026-001', 'XX-2026-002']);
    const review = await nr.getParcelReview({ table: 'pkg_parcels', parcelId: 'XX-2026-001' });
    expect(review.decisions.map((d) => [d.decision, d.signature.name, d.source?.department])).toEqual([['rejected', '赵审查', '夏县生态环境分局']]);
    expect(review.latestCheck?.verdict).toBe('prohibited');
    expect((await nr.getAuditTrail({})).integrity.ok).toBe(true);
    // the staged file is gone: the upload id no longer resolves
    expect(await refusalOfAsync(nr.previewImport({ uploadId }))).toMatchObject({ code: 'import.unknown-upload' });
  });

  it('refuses a tampered package, a project that is no package, a non-GeoPackage and two files, leaving the project unchanged', async () => {
    const before = await snapshot(nr);
    const tampered = tamperedPackage(join(dir, 'pkg.gpkg'), join(dir, 'tampered.gpkg'));
    const notGpkg = join(dir, 'notes.gpkg');
    writeFileSync(notGpkg, '这不是 GeoPackage');
    const cases: [string[], string, string][] = [
      [[tampered], 'package.tampered', '哈希不符'],
      [[source], 'package.invalid', '不是 LandGate 审查包'],
      [[notGpkg], 'project.invalid', 'notes.gpkg'],
      [[tampered, join(dir, 'pkg.gpkg')], 'package.upload', '只选择一个审查包文件'],
    ];
    for (const [files, code, text] of cases) {
      let uploadId: string | undefined;
      for (const f of files) uploadId = await uploadFile(nr, f, f.split('/').pop()!, 64 * 1024, uploadId);
      const error = await refusalOfAsync(nr.importReviewPackage({ uploadId: uploadId! }));
      expect(error.code, files.join()).toBe(code);
      expect(error.messageZh).toContain(text);
      expect(await refusalOfAsync(nr.previewImport({ uploadId: uploadId! }))).toMatchObject({ code: 'import.unknown-upload' });
    }
    expect(await snapshot(nr)).toEqual(before);
  });

  it('exports findings as GeoJSON with the overlap polygons', async () => {
    const file = await eco.exportFindings({ parcels: [{ table: 'parcels', id: 'XX-2026-001' }], format: 'geojson' });
    expect(file.fileName).toMatch(/^审查发现_\d{4}-\d{2}-\d{2}\.geojson$/);
    const fc = JSON.parse(bytesOf(file).toString('utf8'));
    const overlap = fc.features.find((f: { properties: { featureId: string; geometryRole: string } }) => f.properties.featureId === 'CP-01' && f.properties.geometryRole === '重叠区域');
    expect(overlap.geometry.type).toMatch(/Polygon/);
    expect(overlap.properties.overlapM2).toBeCloseTo(29053, -1);
  });

  it('exports findings as one zip of a GBK Shapefile with .cpg that ogrinfo reads in Chinese, recorded as an export', async () => {
    const tempBefore = exportDirs();
    const file = await eco.exportFindings({ parcels: [{ table: 'parcels', id: 'XX-2026-001' }], format: 'shapefile' });
    expect(file.fileName).toMatch(/^审查发现_\d{4}-\d{2}-\d{2}\.zip$/);
    expect(file.mimeType).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(bytesOf(file)));
    const names = Object.keys(entries);
    expect(names.map((n) => n.slice(n.lastIndexOf('.'))).sort()).toEqual(['.cpg', '.dbf', '.prj', '.shp', '.shx']);
    expect(names.every((n) => /^[\x20-\x7e]+$/.test(n))).toBe(true);
    const cpg = names.find((n) => n.endsWith('.cpg'))!;
    expect(Buffer.from(entries[cpg]).toString('latin1')).toBe('GBK');
    const dbf = Buffer.from(entries[names.find((n) => n.endsWith('.dbf'))!]);
    expect(dbf.includes(iconv.encode('不予准入', 'gbk'))).toBe(true);
    expect(dbf.includes(Buffer.from('不予准入', 'utf8'))).toBe(false);
    const out = mkdtempSync(join(dir, 'shp-'));
    for (const n of names) writeFileSync(join(out, n), entries[n]);
    const env = { ...process.env };
    delete env.SHAPE_ENCODING;
    const info = spawnSync('ogrinfo', ['-ro', '-al', join(out, names.find((n) => n.endsWith('.shp'))!)], { encoding: 'utf8', env });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toContain('SEVERITY (String) = 不予准入');
    expect(info.stdout).toContain('LAYER (String) = 污染地块');
    expect(info.stdout).toMatch(/ID\["EPSG",4490\]/);
    expect(exportDirs()).toBe(tempBefore);
    const trail = await eco.getAuditTrail({ table: 'parcels', parcelId: 'XX-2026-001' });
    expect(trail.entries.map((e) => e.detail as Record<string, unknown>)).toContainEqual(expect.objectContaining({ format: 'findings-shapefile', file: file.fileName, parcelTable: 'parcels' }));
  });

  it('refuses findings of a project without parcels or without checks, and an unknown format', async () => {
    const empty = join(dir, 'empty.gpkg');
    ProjectStore.create(empty, { title: '空项目' }).close();
    let api = createApiService(empty);
    try {
      expect(await refusalOfAsync(api.exportFindings({ parcels: 'all', format: 'geojson' }))).toMatchObject({ code: 'package.no-parcels', messageZh: '项目中没有报件地块。' });
    } finally {
      api.close();
    }
    const unchecked = join(dir, 'unchecked.gpkg');
    const feature = (await eco.getFeatures({ table: 'parcels', ids: ['XX-2026-003'] })).features[0];
    const store = ProjectStore.create(unchecked, { title: '未审查' });
    store.writeLayer({ table: 'parcels', kind: 'parcel', sourceFile: null, originalCrs: 'EPSG:4490', features: [feature] });
    store.close();
    api = createApiService(unchecked);
    try {
      const error = await refusalOfAsync(api.exportFindings({ parcels: [{ table: 'parcels', id: 'XX-2026-003' }], format: 'shapefile' }));
      expect(error.code).toBe('package.no-findings');
      expect(error.messageZh).toContain('地块审查'); // the UI's way to check, not the CLI's
      expect((await api.getAuditTrail({})).entries.some((e) => e.action === 'export')).toBe(false);
    } finally {
      api.close();
    }
    const bad = await refusalOfAsync(eco.exportFindings({ parcels: 'all', format: 'kml' as 'geojson' }));
    expect(bad.code).toBe('package.findings-format');
  });
});
