/**
 * A stored sweep's results (optionally only one verdict or one rule) as a file: XLSX through
 * exceljs's streaming writer, a GeoPackage (a parcel layer GDAL and QGIS read, with verdict,
 * rules and counts), or a GBK polygon Shapefile with `.cpg`. Every format reads the stored rows
 * a page at a time and writes as it reads, so a county's 100 000 parcels are never in memory;
 * each file is built under a temporary name and renamed into place, and recorded as an export.
 */
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type ExcelJSModule from 'exceljs';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { VERDICT_LABEL_ZH, type ParcelResult, type Verdict } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { COVERAGE_ADMIN_RULE, COVERAGE_LAYER_MISSING_RULE, GEOMETRY_FAILED_RULE, RULES } from '../../../shared/rules/catalogue';
import { ProjectStore } from '../project-store';
import { createFileAtomically } from '../reports/output';
import { PolygonShapefileWriter, type DbfField } from '../reports/shapefile-writer';
import { SweepResults, type StoredSweepParcel, type SweepFilter } from '../store/sweep-results';

export type SweepExportFormat = 'xlsx' | 'gpkg' | 'shapefile';
export const SWEEP_EXPORT_FORMATS: readonly SweepExportFormat[] = ['xlsx', 'gpkg', 'shapefile'];

const RULE_TITLES = new Map<string, string>([
  ...RULES.map((r) => [r.id as string, r.titleZh] as const),
  [GEOMETRY_FAILED_RULE, '几何无法计算'],
  [COVERAGE_LAYER_MISSING_RULE, '图层未导入，相关规则未核查'],
  [COVERAGE_ADMIN_RULE, '地块超出本项目行政区范围'],
]);

/** The zh title of a rule (its id when the catalogue does not know it). */
export function ruleTitleZh(ruleId: string): string {
  return RULE_TITLES.get(ruleId) ?? ruleId;
}

/** One exported row: what every format carries. */
export interface SweepExportRow {
  parcelTable: string;
  parcelId: string;
  name: string;
  verdict: string;
  verdictCode: Verdict;
  findings: number;
  prohibit: number;
  condition: number;
  notice: number;
  rules: string;
  ruleIds: string;
  areaM2: number | null;
  profile: string;
  checkedAt: string;
}

export const SWEEP_EXPORT_HEADERS: readonly [keyof SweepExportRow, string][] = [
  ['parcelTable', '报件图层'],
  ['parcelId', '地块编号'],
  ['name', '地块名称'],
  ['verdict', '审查结论'],
  ['findings', '审查发现数'],
  ['prohibit', '不予准入项'],
  ['condition', '须满足条件项'],
  ['notice', '提示项'],
  ['rules', '涉及规则'],
  ['ruleIds', '规则编号'],
  ['areaM2', '面积（m²）'],
  ['profile', '审查规则配置'],
  ['checkedAt', '审查时间'],
];

function exportRow(p: StoredSweepParcel, profile: string, checkedAt: string): SweepExportRow {
  const severities = (s: string) => p.result.findings.filter((f) => f.severity === s).length;
  return {
    parcelTable: p.table,
    parcelId: p.parcelId,
    name: p.name ?? '',
    verdict: VERDICT_LABEL_ZH[p.verdict],
    verdictCode: p.verdict,
    findings: p.findingCount,
    prohibit: severities('prohibit'),
    condition: severities('condition'),
    notice: severities('notice'),
    rules: p.ruleIds.map(ruleTitleZh).join('、'),
    ruleIds: p.ruleIds.join(','),
    areaM2: Number.isFinite((p.result as ParcelResult).areaM2) ? Math.round(p.result.areaM2 * 10) / 10 : null,
    profile,
    checkedAt,
  };
}

export interface SweepExportRequest extends SweepFilter {
  sweepId: number;
  format: SweepExportFormat;
}

/** Refuses an unknown format or verdict, or a sweep that is not there, before anything is written. */
export function validateSweepExport(store: ProjectStore, request: { sweepId: unknown; format: unknown; verdict?: unknown; ruleId?: unknown }): SweepExportRequest {
  if (!SWEEP_EXPORT_FORMATS.includes(request.format as SweepExportFormat)) {
    throw new UserInputError('sweep.export-format', `导出格式“${String(request.format)}”无效，可用：xlsx、gpkg、shapefile。`, `Unknown export format "${String(request.format)}" (xlsx, gpkg, shapefile).`);
  }
  const verdict = request.verdict === undefined || request.verdict === null || request.verdict === '' ? undefined : (request.verdict as Verdict);
  if (verdict !== undefined && !(verdict in VERDICT_LABEL_ZH)) {
    throw new UserInputError('sweep.verdict', `审查结论“${String(verdict)}”无效，可用：prohibited（不予准入）、conditional（有条件准入）、permitted（准予准入）。`, `Invalid verdict "${String(verdict)}".`);
  }
  const sweep = new SweepResults(store).get(Number(request.sweepId));
  const ruleId = typeof request.ruleId === 'string' && request.ruleId !== '' ? request.ruleId : undefined;
  return { sweepId: sweep.sweepId, format: request.format as SweepExportFormat, ...(verdict ? { verdict } : {}), ...(ruleId ? { ruleId } : {}) };
}

/** Rows of the export with the parcels' geometry, a page at a time. */
function* pagesWithGeometry(store: ProjectStore, results: SweepResults, request: SweepExportRequest, withGeometry: boolean): Generator<{ row: SweepExportRow; geometry: Polygon | MultiPolygon | null }[]> {
  const sweep = results.get(request.sweepId);
  let page: StoredSweepParcel[] = [];
  const flush = () => {
    const geometries = new Map<string, Polygon | MultiPolygon | null>();
    if (withGeometry) {
      const byTable = new Map<string, string[]>();
      for (const p of page) {
        if (!byTable.has(p.table)) byTable.set(p.table, []);
        byTable.get(p.table)!.push(p.parcelId);
      }
      const tables = new Set(store.listLayers().map((l) => l.table));
      for (const [table, ids] of byTable) {
        if (!tables.has(table)) continue;
        for (const f of store.requestFeatures(table, { ids, attributes: [] })) geometries.set(`${table}\u0000${f.id}`, f.geometry as Polygon | MultiPolygon | null);
      }
    }
    const out = page.map((p) => ({ row: exportRow(p, sweep.profile, sweep.checkedAt), geometry: geometries.get(`${p.table}\u0000${p.parcelId}`) ?? null }));
    page = [];
    return out;
  };
  for (const p of results.iterate(request.sweepId, request)) {
    page.push(p);
    if (page.length === 500) yield flush();
  }
  if (page.length) yield flush();
}

const DBF_FIELDS: DbfField<SweepExportRow>[] = [
  { name: 'PARCEL_TBL', type: 'C', length: 60, decimals: 0, value: (r) => r.parcelTable },
  { name: 'PARCEL_ID', type: 'C', length: 40, decimals: 0, value: (r) => r.parcelId },
  { name: 'NAME', type: 'C', length: 80, decimals: 0, value: (r) => r.name },
  { name: 'VERDICT', type: 'C', length: 20, decimals: 0, value: (r) => r.verdict },
  { name: 'FINDINGS', type: 'N', length: 6, decimals: 0, value: (r) => r.findings },
  { name: 'PROHIBIT', type: 'N', length: 6, decimals: 0, value: (r) => r.prohibit },
  { name: 'CONDITION', type: 'N', length: 6, decimals: 0, value: (r) => r.condition },
  { name: 'NOTICE', type: 'N', length: 6, decimals: 0, value: (r) => r.notice },
  { name: 'RULES', type: 'C', length: 254, decimals: 0, value: (r) => r.rules },
  { name: 'RULE_IDS', type: 'C', length: 254, decimals: 0, value: (r) => r.ruleIds },
  { name: 'AREA_M2', type: 'N', length: 16, decimals: 1, value: (r) => r.areaM2 },
  { name: 'PROFILE', type: 'C', length: 30, decimals: 0, value: (r) => r.profile },
  { name: 'CHECKED', type: 'C', length: 24, decimals: 0, value: (r) => r.checkedAt },
];

/**
 * Writes the export to `out` (for a Shapefile: the .shp, with its siblings) and records it in
 * the project's audit under `recordAs` (default: the file name). Returns the files and rows.
 */
export async function writeSweepExport(store: ProjectStore, request: SweepExportRequest, out: string, options: { recordAs?: string } = {}): Promise<{ files: string[]; rows: number }> {
  const results = new SweepResults(store);
  let rows = 0;
  let files = [out];
  if (request.format === 'xlsx') {
    const ExcelJS: typeof ExcelJSModule = (await import('exceljs')).default;
    const tmp = join(dirname(resolve(out)), `.${basename(out)}.${process.pid}.tmp`);
    try {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
      workbook.creator = 'LandGate 地块准入审查';
      const sheet = workbook.addWorksheet('全部审查结果', { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = SWEEP_EXPORT_HEADERS.map(([key, header]) => ({ header, key, width: key === 'rules' ? 40 : key === 'ruleIds' ? 30 : 16 }));
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      for (const page of pagesWithGeometry(store, results, request, false)) {
        for (const { row } of page) {
          const { verdictCode: _code, ...cells } = row;
          sheet.addRow(cells).commit();
          rows++;
        }
      }
      sheet.commit();
      await workbook.commit();
      renameSync(tmp, out);
    } finally {
      rmSync(tmp, { force: true });
    }
  } else if (request.format === 'gpkg') {
    createFileAtomically(out, (tmp) => {
      const sweep = results.get(request.sweepId);
      const pkg = ProjectStore.create(tmp, { title: `全部审查结果 #${sweep.sweepId}（${sweep.profile}，${sweep.checkedAt}）` });
      try {
        pkg.transaction(() => {
          const layer = pkg.beginLayer({
            table: `sweep_${sweep.sweepId}`,
            kind: 'parcel',
            title: `全部审查结果 #${sweep.sweepId}`,
            sourceFile: basename(store.path),
            originalCrs: 'EPSG:4490',
            geometryType: 'MULTIPOLYGON',
            columns: [
              { key: 'id', type: 'text' },
              { key: 'name', type: 'text' },
              { key: 'parcel_table', type: 'text' },
              { key: 'verdict', type: 'text' },
              { key: 'verdict_code', type: 'text' },
              { key: 'findings', type: 'integer' },
              { key: 'prohibit', type: 'integer' },
              { key: 'condition', type: 'integer' },
              { key: 'notice', type: 'integer' },
              { key: 'rules', type: 'text' },
              { key: 'rule_ids', type: 'text' },
              { key: 'area_m2', type: 'real' },
              { key: 'profile', type: 'text' },
              { key: 'checked_at', type: 'text' },
            ],
          });
          for (const page of pagesWithGeometry(store, results, request, true)) {
            const features: Feature[] = [];
            for (const { row, geometry } of page) {
              if (!geometry) continue;
              const multi: MultiPolygon = geometry.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [geometry.coordinates] } : geometry;
              features.push({
                type: 'Feature',
                geometry: multi,
                properties: {
                  id: row.parcelId,
                  name: row.name || null,
                  parcel_table: row.parcelTable,
                  verdict: row.verdict,
                  verdict_code: row.verdictCode,
                  findings: row.findings,
                  prohibit: row.prohibit,
                  condition: row.condition,
                  notice: row.notice,
                  rules: row.rules,
                  rule_ids: row.ruleIds,
                  area_m2: row.areaM2,
                  profile: row.profile,
                  checked_at: row.checkedAt,
                },
              });
            }
            layer.write(features);
            rows += features.length;
          }
          layer.finish();
        });
      } finally {
        pkg.close();
      }
    });
  } else {
    const writer = new PolygonShapefileWriter(out, DBF_FIELDS);
    try {
      for (const page of pagesWithGeometry(store, results, request, true)) {
        for (const { row, geometry } of page) {
          if (!geometry) continue;
          writer.add(geometry, row);
          rows++;
        }
      }
      files = writer.finish();
    } catch (error) {
      writer.abort();
      throw error;
    }
  }
  store.appendAudit({
    action: 'export',
    detail: {
      format: `sweep-${request.format}`,
      file: options.recordAs ?? basename(out),
      sweepId: request.sweepId,
      ...(request.verdict ? { verdict: request.verdict } : {}),
      ...(request.ruleId ? { ruleId: request.ruleId } : {}),
      rows,
    },
  });
  return { files, rows };
}
