/**
 * Review packages for the exchange between departments (乡政办发〔2023〕46号 土壤 9: 自然资源、生态环境
 * 部门信息共享): a GeoPackage (itself a LandGate project, so QGIS/GDAL open it) holding
 *
 * - the parcel layers (only the chosen parcels), EPSG:4490;
 * - landgate_pkg_manifest: source department, export time, source project, user, format;
 * - landgate_pkg_findings: each parcel's latest check (profile, time, verdict, findings JSON);
 * - landgate_pkg_decisions: the signed decisions and revisions, with their content hashes;
 * - landgate_pkg_layers: the reference-layer versions the checks ran against (source file,
 *   import time, feature count, sha256 of the features).
 *
 * Import writes the parcels as new layers, the checks as check records whose source names the
 * package, the decisions as decisions carrying provenance (department, export time, original
 * ids and hashes), and a submission per layer; all in one transaction, refused as a whole when
 * the package is not one, or a decision does not match its hash.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type Database from 'better-sqlite3';
import type { Feature } from 'geojson';
import type { ParcelSelection } from '../../../shared/api/contract';
import type { CheckReport, Finding, Verdict } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { REFERENCE_LAYER_KINDS, type LayerKind } from '../../../shared/model/layers';
import { decisionContent, type Decision, type PackageProvenance } from '../../../shared/review/model';
import { ProjectStore } from '../project-store';
import { ReviewStore } from '../review/review-store';
import { createFileAtomically } from './output';
import { connectionOf } from '../store/internal';

export const PACKAGE_FORMAT = 'landgate-review-package/1';

const PACKAGE_SQL = `
CREATE TABLE landgate_pkg_manifest (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL);
CREATE TABLE landgate_pkg_findings (id INTEGER PRIMARY KEY AUTOINCREMENT, parcel_table TEXT NOT NULL, parcel_id TEXT NOT NULL, check_id INTEGER NOT NULL, checked_at TEXT NOT NULL, profile TEXT NOT NULL, profile_version TEXT, verdict TEXT NOT NULL, area_m2 REAL, findings_json TEXT NOT NULL);
CREATE TABLE landgate_pkg_decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, original_id INTEGER NOT NULL, decision_json TEXT NOT NULL, content_hash TEXT NOT NULL);
CREATE TABLE landgate_pkg_layers (id INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, source_file TEXT, original_crs TEXT NOT NULL, imported_at TEXT NOT NULL, feature_count INTEGER NOT NULL, content_sha256 TEXT NOT NULL);
`;
const PACKAGE_TABLES: Record<string, string> = {
  landgate_pkg_manifest: '审查包说明（来源部门、导出时间、来源项目）',
  landgate_pkg_findings: '审查包：地块最近一次审查的结论与发现',
  landgate_pkg_decisions: '审查包：已签发的审查决定及修订',
  landgate_pkg_layers: '审查包：审查所依据的参考图层版本',
};

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A parcel an exchange export covers, resolved to its layer and feature. */
export interface ResolvedParcel {
  table: string;
  id: string;
  feature: Feature;
}

function allParcels(review: ReviewStore): ResolvedParcel[] {
  const all = review.listParcelFeatures({ geometry: true }).map((p) => ({ table: p.table, id: p.id, feature: p.feature }));
  if (all.length === 0) throw new UserInputError('package.no-parcels', '项目中没有报件地块。', 'The project has no parcels.');
  return all;
}

/** Parses `--parcels`: `all` or comma-separated ids; resolves each to its layer. */
export function resolveParcels(review: ReviewStore, spec: unknown): ResolvedParcel[] {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new UserInputError('package.parcels-missing', '缺少 --parcels（地块编号，逗号分隔；或 all 表示全部报件地块）。', 'Missing --parcels (ids or all).');
  }
  if (spec.trim() === 'all') return allParcels(review);
  const ids = [...new Set(spec.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean))];
  return ids.map((id) => {
    const { table, feature } = review.findParcel(id);
    return { table, id, feature };
  });
}

/**
 * The API's selection: `all`, or parcels named by layer and id (ids are only unique per layer,
 * so the UI always sends both).
 */
export function resolveSelection(review: ReviewStore, selection: ParcelSelection): ResolvedParcel[] {
  if (selection === 'all') return allParcels(review);
  if (!Array.isArray(selection) || selection.length === 0) {
    throw new UserInputError('package.selection-empty', '没有选择地块：请在报件列表中勾选报件，或选择“全部报件”。', 'No parcels chosen.');
  }
  const seen = new Set<string>();
  const out: ResolvedParcel[] = [];
  for (const item of selection) {
    const table = String(item?.table ?? '');
    const id = String(item?.id ?? '');
    const key = `${table}\u0000${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ table, id, feature: review.findParcel(id, table).feature });
  }
  return out;
}

/** The sending department named in a package: the given one, else the project's authority or title. */
export function packageDepartment(source: ProjectStore, department?: string): string {
  return department?.trim() || source.getMeta('authority') || source.info().title;
}

/**
 * Records an exchange export in the audit. The layer is named when the parcels share one, so
 * the export shows in that parcel's own audit trail (ids are only unique per layer).
 */
export function recordParcelExport(review: ReviewStore, detail: { format: string; file: string; [key: string]: unknown }, parcels: ResolvedParcel[]) {
  const tables = [...new Set(parcels.map((p) => p.table))];
  review.recordExport({
    ...detail,
    parcelIds: parcels.map((p) => p.id),
    ...(tables.length === 1 ? { parcelTable: tables[0] } : { parcels: parcels.map((p) => ({ table: p.table, id: p.id })) }),
  });
}

/** Builds a GeoPackage under a temporary name beside `target` and renames it into place only when complete. */
/**
 * Writes the review package of `parcels` to `out` (a new file, complete or absent) and records
 * the export in the source project's audit. Used by `landgate package export` and the UI.
 */
export function writePackageFile(source: ProjectStore, out: string, options: { parcels: ResolvedParcel[]; department?: string }): { parcels: number; decisions: number; layers: number } {
  let result = { parcels: 0, decisions: 0, layers: 0 };
  createFileAtomically(out, (tmp) => {
    result = exportPackage(source, tmp, options);
  });
  recordParcelExport(new ReviewStore(source), { format: 'review-package', file: basename(out), department: packageDepartment(source, options.department) }, options.parcels);
  return result;
}

export function exportPackage(source: ProjectStore, target: string, options: { parcels: ResolvedParcel[]; department?: string }): { parcels: number; decisions: number; layers: number } {
  const review = new ReviewStore(source);
  const parcels = options.parcels;
  const department = packageDepartment(source, options.department);
  const exportedAt = new Date().toISOString();
  const pkg = ProjectStore.create(target, { title: `审查包：${department}（${exportedAt.slice(0, 10)}）` });
  let decisionCount = 0;
  try {
    const db = connectionOf(pkg.db);
    pkg.transaction(() => {
      db.exec(PACKAGE_SQL);
      const contents = db.prepare("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, ?, ?)");
      for (const [table, description] of Object.entries(PACKAGE_TABLES)) contents.run(table, table, description, exportedAt);
      const meta = db.prepare('INSERT INTO landgate_pkg_manifest (key, value) VALUES (?, ?)');
      meta.run('format', PACKAGE_FORMAT);
      meta.run('department', department);
      meta.run('exportedAt', exportedAt);
      meta.run('sourceProject', source.db.fileName);
      meta.run('sourceTitle', source.title());
      meta.run('user', source.db.actingUser());
      // Parcel layers, only the chosen parcels.
      const byTable = new Map<string, Feature[]>();
      for (const p of parcels) byTable.set(p.table, [...(byTable.get(p.table) ?? []), p.feature]);
      for (const [table, features] of byTable) {
        const layer = source.getLayer(table);
        pkg.writeLayer({ table, kind: 'parcel', title: layer.title, sourceFile: layer.sourceFile, originalCrs: layer.originalCrs, features, importedAt: layer.importedAt });
      }
      const finding = db.prepare('INSERT INTO landgate_pkg_findings (parcel_table, parcel_id, check_id, checked_at, profile, profile_version, verdict, area_m2, findings_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const decision = db.prepare('INSERT INTO landgate_pkg_decisions (original_id, decision_json, content_hash) VALUES (?, ?, ?)');
      for (const p of parcels) {
        const latest = review.latestCheck(p.table, p.id);
        if (latest) {
          const { report, parcel } = review.checkResult(latest.checkId, p.id);
          finding.run(p.table, p.id, latest.checkId, report.checkedAt, report.profile, report.profileVersion ?? null, parcel.verdict, parcel.areaM2, JSON.stringify(parcel.findings));
        }
        for (const d of review.listDecisions(p.table, p.id)) {
          decision.run(d.id, JSON.stringify(d), d.contentHash);
          decisionCount++;
        }
      }
      // Reference-layer versions.
      const layerRow = db.prepare('INSERT INTO landgate_pkg_layers (table_name, kind, title, source_file, original_crs, imported_at, feature_count, content_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const layer of source.listLayers().filter((l) => (REFERENCE_LAYER_KINDS as readonly string[]).includes(l.kind as LayerKind))) {
        layerRow.run(layer.table, layer.kind, layer.title, layer.sourceFile, layer.originalCrs, layer.importedAt, layer.featureCount, sha256(JSON.stringify(source.readFeatures(layer.table).features)));
      }
    });
  } finally {
    pkg.close();
  }
  return { parcels: parcels.length, decisions: decisionCount, layers: source.listLayers().filter((l) => l.kind !== 'parcel').length };
}

function readManifest(db: Database.Database, name: string): Record<string, string> {
  const notPackage = new UserInputError('package.invalid', `文件“${name}”不是 LandGate 审查包（缺少 landgate_pkg_manifest）。`, `"${name}" is not a LandGate review package.`);
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'landgate_pkg_manifest'").get();
  if (!has) throw notPackage;
  const rows = db.prepare('SELECT key, value FROM landgate_pkg_manifest').all() as { key: string; value: string }[];
  const manifest = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  if (manifest.format !== PACKAGE_FORMAT) {
    throw new UserInputError('package.format', `审查包“${name}”的格式“${manifest.format ?? ''}”不受支持（应为 ${PACKAGE_FORMAT}）。`, `Unsupported package format "${manifest.format}".`);
  }
  return manifest;
}

function freeTableName(store: ProjectStore, base: string): string {
  const taken = new Set(store.listLayers().map((l) => l.table.toLowerCase()));
  let name = base.slice(0, 56);
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 56)}_${n}`;
  return name;
}

/** A package chosen in the UI arrives as staged upload files: exactly one .gpkg is accepted. */
export function importStagedPackage(target: ProjectStore, paths: string[]): ReturnType<typeof importPackage> {
  const names = paths.map((p) => basename(p));
  if (paths.length !== 1 || !/\.gpkg$/i.test(paths[0])) {
    throw new UserInputError(
      'package.upload',
      `请只选择一个审查包文件（.gpkg）；收到：${names.join('、') || '（无）'}。`,
      `Choose one review package file (.gpkg); got: ${names.join(', ') || '(none)'}.`,
    );
  }
  return importPackage(target, paths[0]);
}

export function importPackage(target: ProjectStore, pkgPath: string): { layers: string[]; parcels: number; decisions: number; provenance: PackageProvenance } {
  const name = basename(pkgPath);
  const pkg = ProjectStore.open(pkgPath, { readonly: true });
  try {
    const db = connectionOf(pkg.db);
    const manifest = readManifest(db, name);
    const findings = db.prepare('SELECT * FROM landgate_pkg_findings ORDER BY id').all() as Record<string, unknown>[];
    const decisions = (db.prepare('SELECT original_id, decision_json, content_hash FROM landgate_pkg_decisions ORDER BY id').all() as { original_id: number; decision_json: string; content_hash: string }[]).map((r) => {
      const d = JSON.parse(r.decision_json) as Decision;
      const { id, contentHash, ...rest } = d;
      if (contentHash !== r.content_hash || createHash('sha256').update(decisionContent(rest), 'utf8').digest('hex') !== contentHash) {
        throw new UserInputError('package.tampered', `审查包“${name}”中的审查决定 ${id}（地块 ${d.parcelId}）内容与签发哈希不符，拒绝导入。`, `Decision ${id} in "${name}" does not match its hash.`);
      }
      return d;
    });
    const layers = pkg.listLayers().filter((l) => l.kind === 'parcel');
    if (layers.length === 0) throw new UserInputError('package.empty', `审查包“${name}”中没有报件地块图层。`, `Package "${name}" has no parcel layer.`);
    const base: Omit<PackageProvenance, 'originalIds'> = { department: manifest.department ?? '（未注明）', exportedAt: manifest.exportedAt ?? '', sourceProject: manifest.sourceProject ?? '' };
    const review = new ReviewStore(target);
    const written: string[] = [];
    let parcelCount = 0;
    target.transaction(() => {
      const tableMap = new Map<string, string>();
      for (const layer of layers) {
        const table = freeTableName(target, `pkg_${layer.table}`.replace(/[^a-z0-9_]/g, '_'));
        const features = pkg.readFeatures(layer.table).features;
        target.writeLayer({ table, kind: 'parcel', title: `${layer.title}（${base.department}）`, sourceFile: `${name}#${layer.table}`, originalCrs: layer.originalCrs, features });
        tableMap.set(layer.table, table);
        written.push(table);
        parcelCount += features.length;
        review.createSubmission({
          parcelTable: table,
          title: `${layer.title}（${base.department} ${base.exportedAt.slice(0, 10)}）`,
          source: { ...base, originalIds: { table: layer.table, parcelIds: features.map((f) => String(f.id)) } },
        });
      }
      // Checks: one record per parcel, source naming the package and the original check id.
      const checkIds = new Map<string, number>();
      for (const f of findings) {
        const table = tableMap.get(String(f.parcel_table));
        if (!table) continue;
        const report: CheckReport = {
          profile: String(f.profile),
          profileVersion: (f.profile_version as string | null) ?? undefined,
          checkedAt: String(f.checked_at),
          parcels: [{ id: String(f.parcel_id), verdict: f.verdict as Verdict, areaM2: Number(f.area_m2 ?? 0), findings: JSON.parse(String(f.findings_json)) as Finding[] }],
        };
        const id = target.recordCheck(report, { parcelTable: table, parcelsSource: `${name}#${String(f.parcel_table)}#check-${String(f.check_id)}（${base.department}）`, trigger: 'cli' });
        checkIds.set(`${table}\u0000${String(f.parcel_id)}`, id);
      }
      // Decisions, revision by revision, keeping signature, time, user and original ids.
      for (const d of decisions.sort((a, b) => a.revision - b.revision)) {
        const table = tableMap.get(d.table);
        if (!table) continue;
        const previous = review.latestDecision(table, d.parcelId);
        review.signDecision(
          {
            table,
            parcelId: d.parcelId,
            decision: d.decision,
            opinion: d.opinion,
            conditions: d.conditions,
            signature: d.signature,
            checkId: checkIds.get(`${table}\u0000${d.parcelId}`),
            supersedes: previous?.id,
            revisionReason: previous ? d.revisionReason ?? '（原件修订）' : undefined,
          },
          { signedAt: d.signedAt, user: d.user, source: { ...base, originalIds: { table: d.table, decisionId: d.id, revision: d.revision, contentHash: d.contentHash } } },
        );
      }
      target.appendAudit({ action: 'package-import', detail: { file: name, ...base, layers: written, parcels: parcelCount, decisions: decisions.length } });
    });
    return { layers: written, parcels: parcelCount, decisions: decisions.length, provenance: { ...base, originalIds: {} } };
  } finally {
    pkg.close();
  }
}
