import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { MONTHLY_HEADERS, SUMMARY_SHEETS } from '../../electron/services/reports/summary';
import { landgate, sha256 } from '../support/cli';
import { readFileSync } from 'node:fs';

let dir: string;
let project: string;
let parcelCount: number;
/** Each demo parcel's geodesic area as the check reported it (m²). */
let checkedAreas: Map<string, number>;
const month = new Date().toISOString().slice(0, 7);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-summary-'));
  project = join(dir, 'demo.gpkg');
  expect(landgate(['demo', project]).status).toBe(0);
  expect(landgate(['check', project, '--all', '--profile', 'xiaxian', '--out', join(dir, 'all.json')]).status).toBe(0);
  const report = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as { parcels: { id: string; areaM2: number }[] };
  checkedAreas = new Map(report.parcels.map((p) => [p.id, p.areaM2]));
  const store = ProjectStore.open(project);
  try {
    parcelCount = store.readFeatures('parcels').features.length;
    new ReviewStore(store).signDecision({
      table: 'parcels',
      parcelId: 'XX-2026-002',
      decision: 'rejected',
      opinion: '位于饮用水水源一级保护区，不予准入。',
      conditions: [],
      signature: { name: '张审查', department: '夏县自然资源局', date: `${month}-05` },
    });
  } finally {
    store.close();
  }
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('landgate summary', () => {
  it('writes the monthly table, the latest --all sweep and the overlap detail; read back with exceljs', async () => {
    const out = join(dir, 'summary.xlsx');
    const r = landgate(['summary', project, '--month', month, '--out', out, '--authority', '夏县自然资源局']);
    expect(r.stderr).toContain('汇总调度表');
    expect(r.status).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual([SUMMARY_SHEETS.monthly, SUMMARY_SHEETS.sweep, SUMMARY_SHEETS.overlaps, SUMMARY_SHEETS.counts]);

    const ws = wb.getWorksheet(SUMMARY_SHEETS.monthly)!;
    expect(String(ws.getCell(1, 1).value)).toContain('夏县自然资源局 重点建设用地安全利用情况汇总调度表');
    const header = (ws.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual([...MONTHLY_HEADERS]);
    const col = (name: string) => MONTHLY_HEADERS.indexOf(name as (typeof MONTHLY_HEADERS)[number]) + 1;
    const rows = [];
    for (let i = 4; i <= ws.rowCount; i++) rows.push(ws.getRow(i));
    // Every demo parcel was checked this month.
    expect(rows).toHaveLength(parcelCount);
    const p1 = rows.find((row) => row.getCell(col('地块编号')).value === 'XX-2026-001')!;
    expect(p1.getCell(col('用途变更为一住两公')).value).toBe('是'); // 0601 → 0701
    expect(p1.getCell(col('土壤污染状况调查')).value).toBe('未开展');
    expect(p1.getCell(col('系统审查结论')).value).toBe('不予准入');
    expect(p1.getCell(col('审查决定')).value).toBe('未签发');
    expect(p1.getCell(col('办理状态')).value).toBe('审查中');
    // every parcel's area is its geodesic area, as the check reported it (m² to 0.1, 亩 to 0.01)
    for (const row of rows) {
      const areaM2 = checkedAreas.get(String(row.getCell(col('地块编号')).value));
      expect(areaM2).toBeGreaterThan(0);
      expect(row.getCell(col('面积（m²）')).value).toBe(Math.round(areaM2! * 10) / 10);
      expect(row.getCell(col('面积（亩）')).value).toBeCloseTo(areaM2! / (10_000 / 15), 2);
    }
    const p2 = rows.find((row) => row.getCell(col('地块编号')).value === 'XX-2026-002')!;
    expect(p2.getCell(col('审查决定')).value).toBe('不予准入');
    expect(p2.getCell(col('审查人')).value).toBe('张审查（夏县自然资源局）');
    expect(p2.getCell(col('办理状态')).value).toBe('不予准入');
    const p3 = rows.find((row) => row.getCell(col('地块编号')).value === 'XX-2026-003')!;
    expect(p3.getCell(col('用途变更为一住两公')).value).toBe('否'); // 0601 → 0601

    const sweep = wb.getWorksheet(SUMMARY_SHEETS.sweep)!;
    expect(sweep.rowCount - 1).toBe(parcelCount);
    const sweepP1 = (sweep.getRow(2).values as unknown[]).slice(1);
    expect(sweepP1.slice(0, 2)).toEqual(['parcels', 'XX-2026-001']);
    expect(sweepP1).toContain('CP-01');

    const ov = wb.getWorksheet(SUMMARY_SHEETS.overlaps)!;
    const ovRows = [];
    for (let i = 2; i <= ov.rowCount; i++) ovRows.push((ov.getRow(i).values as unknown[]).slice(1));
    const cp01 = ovRows.find((row) => row[0] === 'XX-2026-001' && row[4] === 'CP-01')!;
    expect(cp01[5]).toBeCloseTo(29053, -1);
    expect(cp01[7]).toBeCloseTo(43.58, 1);
    expect(ovRows.some((row) => row[0] === 'XX-2026-001' && typeof row[9] === 'number')).toBe(true); // a distance finding
  }, 240_000);

  it('a month without activity gives an empty table with a note', async () => {
    const out = join(dir, 'empty.xlsx');
    expect(landgate(['summary', project, '--month', '2020-01', '--out', out]).status).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet(SUMMARY_SHEETS.monthly)!;
    expect(ws.rowCount).toBe(4);
    expect(String(ws.getRow(4).getCell(2).value)).toContain('无审查或决定');
  }, 240_000);

  it('refuses a bad month or output with exit 2 and writes nothing', () => {
    const before = sha256(project);
    const out = join(dir, 'bad.xlsx');
    for (const [args, message] of [
      [['summary', project, '--month', '2026-13', '--out', out], /--month/],
      [['summary', project, '--out', out], /--month/],
      [['summary', project, '--month', month, '--out', join(dir, 'x.csv')], /\.xlsx/],
    ] as [string[], RegExp][]) {
      const r = landgate(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
    expect(sha256(project)).toBe(before);
    // The successful exports above are audited.
    const db = new Database(project, { readonly: true });
    const n = (db.prepare("SELECT count(*) AS n FROM landgate_audit WHERE action = 'export'").get() as { n: number }).n;
    db.close();
    expect(n).toBe(2);
  }, 240_000);
});
