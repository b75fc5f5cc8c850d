/**
 * The monthly 重点建设用地安全利用情况汇总调度表 (夏政办发〔2024〕19号 净土 (三): "每月报送重点建设用地
 * 安全利用情况汇总调度表", with 用途变更为“住宅、公共管理与公共服务”地块为重点) as an XLSX workbook:
 *
 * 1. 汇总调度表 — every parcel under review or decided in the month (a check run, a decision signed
 *    or a registered submission received in the month), with the use change to 一住两公, the
 *    soil-survey status, the system verdict and the decision as of the end of the month;
 * 2. 全域筛查 — the latest sweep (`landgate check --all` or the UI sweep: checks sharing one check
 *    time that together covered every parcel of every parcel layer);
 * 3. 重叠明细 — the overlap/distance findings of the parcels of sheet 1;
 * 4. 报件统计 — the month's count of submissions (报件) and of parcels (地块), and per submission
 *    how many of its parcels the month touched and its overall verdict.
 */
// exceljs loads only when a table is written (~0.6 s of start-up otherwise).
import { PassThrough } from 'node:stream';
import type ExcelJSModule from 'exceljs';
import { classifyUse } from '../../../shared/landuse/codes';
import { SEVERITY_LABEL_ZH, VERDICT_LABEL_ZH, type Finding, type Verdict } from '../../../shared/model/check';
import { LAYER_KIND_LABEL_ZH, type LayerKind } from '../../../shared/model/layers';
import { hectaresFromM2, muFromM2 } from '../../../shared/format/units';
import { geodesicAreaM2 } from '../../../shared/geo/geodesy';
import { UserInputError } from '../../../shared/model/errors';
import { ACTION_LABEL_ZH, DECISION_LABEL_ZH, RISK_LABEL_ZH, SOIL_SURVEY_LABEL_ZH, labelOf } from '../../../shared/review/labels';
import { STATUS_LABEL_ZH, deriveStatus, inMonth, isMonth, submissionVerdict, type Decision } from '../../../shared/review/model';
import type { ProjectStore } from '../project-store';
import { readParcelLayer } from '../check/reference-data';
import { idOfFeature } from '../../../shared/model/attributes';
import { ReviewStore } from '../review/review-store';
import { SweepResults } from '../store/sweep-results';

export const SUMMARY_SHEETS = { monthly: '汇总调度表', sweep: '全域筛查', overlaps: '重叠明细', counts: '报件统计' } as const;

export const MONTHLY_HEADERS = [
  '序号',
  '报件',
  '地块编号',
  '地块名称',
  '申请单位',
  '收件日期',
  '面积（m²）',
  '面积（亩）',
  '现状用途',
  '规划用途',
  '用途变更为一住两公',
  '拟办事项',
  '土壤污染状况调查',
  '风险评估',
  '审查规则配置',
  '最近审查时间',
  '系统审查结论',
  '审查决定',
  '决定日期',
  '审查人',
  '办理状态',
  '准入条件',
  '报件编号',
  '报件地块数',
] as const;

/** The counts sheet: a month's work is counted both in submissions (报件) and in parcels (地块). */
export const COUNT_HEADERS = ['报件编号', '报件', '本月涉及地块数', '报件地块总数', '报件总体结论'] as const;

interface CheckRow {
  checkId: number;
  table: string | null;
  checkedAt: string;
  trigger: string;
  profile: string;
  parcelId: string;
  verdict: Verdict;
  findings: Finding[];
  suspectHits: string[];
  contaminatedHits: string[];
}

/** A row in bold, written out. */
function boldRow(sheet: ExcelJSModule.Worksheet, values: unknown[]): void {
  const row = sheet.addRow(values);
  row.font = { bold: true };
  row.commit();
}

/** A parcel's key in the lookups below: its layer and id. */
function parcelKey(table: string, id: string): string {
  return `${table}\u0000${id}`;
}

/**
 * Geodesic areas (m²) of the given parcels, by parcelKey: only their geometries are read, through
 * the id index (the parcel list is read without geometries; a county has 100 000).
 */
function parcelAreas(store: ProjectStore, parcels: readonly { table: string; id: string }[]): Map<string, number> {
  const areas = new Map<string, number>();
  for (const [table, list] of groupedBy(parcels, (p) => p.table)) {
    for (const feature of readParcelLayer(store, table, { ids: list.map((p) => p.id) })) {
      areas.set(parcelKey(table, idOfFeature(feature)), feature.geometry ? geodesicAreaM2(feature.geometry) : 0);
    }
  }
  return areas;
}

/** The items of `list` by key, each group in list order. */
function groupedBy<T>(list: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1) - 1).toISOString();
}

/** 是 / 否 / 需人工判定 / 未填: planned use 一住两公 while the current use is not. */
export function useChangeToSensitive(props: Record<string, unknown>): string {
  const planned = classifyUse(props.plannedUse, { declaredScheme: props.useScheme as string | undefined });
  const current = classifyUse(props.currentUse, { declaredScheme: props.useScheme as string | undefined });
  if (!planned || !planned.recognised) return '未填';
  if (planned.ambiguous) return '需人工判定';
  if (!planned.sensitive) return '否';
  return current && current.recognised && current.sensitive ? '否（原已为一住两公）' : '是';
}

export async function buildMonthlySummary(store: ProjectStore, options: { month: string; authority?: string }): Promise<{ bytes: Buffer; rows: number }> {
  if (!isMonth(options.month)) {
    throw new UserInputError('summary.month', `月份“${options.month}”无效，应为 YYYY-MM，例如 2026-11。`, `Invalid month "${options.month}" (YYYY-MM).`);
  }
  const month = options.month;
  const end = monthEnd(month);
  const review = new ReviewStore(store);
  const checkRows: CheckRow[] = store.checks.history();
  // Sweeps are stored apart from check records (store/sweep-results.ts): the latest sweep up to
  // the month's end and those within the month count as checks of their parcels.
  const sweeps = new SweepResults(store).list().filter((sweep) => sweep.checkedAt <= end);
  const sweepsToRead = sweeps.filter((sweep, i) => i === 0 || inMonth(sweep.checkedAt, month));
  for (const sweep of sweepsToRead) {
    for (const p of new SweepResults(store).iterate(sweep.sweepId)) {
      const hits = (kind: string) => [...new Set(p.result.findings.filter((f) => f.layerKind === kind && f.featureId !== undefined).map((f) => f.featureId as string))];
      checkRows.push({
        checkId: -sweep.sweepId,
        table: p.table,
        checkedAt: sweep.checkedAt,
        trigger: 'sweep',
        profile: sweep.profile,
        parcelId: p.parcelId,
        verdict: p.verdict,
        findings: p.result.findings,
        suspectHits: hits('suspect-parcel'),
        contaminatedHits: hits('contaminated-parcel'),
      });
    }
  }
  checkRows.sort((a, b) => a.checkedAt.localeCompare(b.checkedAt));
  const submissions = review.listSubmissions();
  const decisions = review.allDecisions();
  const authority = options.authority?.trim() || store.getMeta('authority') || store.info().title;

  const ExcelJS: typeof ExcelJSModule = (await import('exceljs')).default;
  // Streamed, row by row, into the bytes returned: a county's month is 100 000 parcels, its sweep
  // as many rows again and its overlap detail more, which exceljs's in-memory workbook held as
  // several GB of cell objects (4.4 GB and 255 s on the bench county).
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  // the writer ends the stream it was given once the archive is complete
  const written = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  wb.creator = 'LandGate 地块准入审查';
  wb.created = new Date();

  // --- Sheet 1: monthly table -----------------------------------------------------------------
  const ws = wb.addWorksheet(SUMMARY_SHEETS.monthly, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1 }, views: [{ state: 'frozen', ySplit: 3 }] });
  // (widths before the first row: a streamed sheet writes its columns ahead of its rows)
  ws.columns = [6, 22, 16, 24, 18, 12, 12, 10, 10, 10, 14, 14, 14, 12, 12, 20, 12, 14, 12, 22, 12, 40, 12, 10].map((width) => ({ width }));
  const [y, m] = month.split('-');
  ws.mergeCells(1, 1, 1, MONTHLY_HEADERS.length);
  ws.getCell(1, 1).value = `${authority} 重点建设用地安全利用情况汇总调度表（${y}年${Number(m)}月）`;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, MONTHLY_HEADERS.length);
  ws.getCell(2, 1).value = `依据：夏政办发〔2024〕19号 净土保卫战 (三)；统计范围：本月审查或作出决定的报件地块；生成时间：${new Date().toISOString().slice(0, 19).replace('T', ' ')}（UTC）`;
  ws.getRow(3).values = [...MONTHLY_HEADERS];
  ws.getRow(3).font = { bold: true };
  ws.getRow(3).eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EDF3' } };
    cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  });
  for (let r = 1; r <= 3; r++) ws.getRow(r).commit();

  const monthly: { table: string; id: string; check: CheckRow | null }[] = [];
  // Submissions of the month, by key, with the parcels of theirs counted in the month.
  const monthSubs = new Map<string, { sub: (typeof submissions)[number]; parcels: number }>();
  // Each parcel's submission (the first listed that holds it), checks (by time) and decisions (as
  // listed), looked up by parcel: a county has 100 000 parcels and, after one sweep, as many checks
  // (searching the lists per parcel did not finish in 2 minutes there).
  const submissionOf = new Map<string, (typeof submissions)[number]>();
  for (const s of submissions) for (const id of s.parcelIds) if (!submissionOf.has(parcelKey(s.parcelTable, id))) submissionOf.set(parcelKey(s.parcelTable, id), s);
  // (a check of a file outside the project has no table: it is no parcel's)
  const checksOf = groupedBy(
    checkRows.filter((c) => c.table !== null),
    (c) => parcelKey(c.table as string, c.parcelId),
  );
  const decisionsOf = groupedBy(decisions, (d) => parcelKey(d.table, d.parcelId));
  const parcels = review.listParcelFeatures();
  // The month's parcels first; their geometries are then read (those alone) for the areas.
  const active: { parcel: (typeof parcels)[number]; sub: (typeof submissions)[number] | undefined; check: CheckRow | null; decision: Decision | null }[] = [];
  for (const parcel of parcels) {
    const key = parcelKey(parcel.table, parcel.id);
    const sub = submissionOf.get(key);
    const checks = checksOf.get(key) ?? [];
    const mine = decisionsOf.get(key) ?? [];
    const touched =
      checks.some((c) => inMonth(c.checkedAt, month)) || mine.some((d) => inMonth(d.signature.date, month) || inMonth(d.signedAt, month)) || (sub?.id !== null && sub?.id !== undefined && inMonth(sub.receivedOn, month));
    if (!touched) continue;
    const check = checks.filter((c) => c.checkedAt <= end).pop() ?? null;
    const decision: Decision | null = mine.filter((d) => d.signedAt <= end || d.signature.date <= end.slice(0, 10)).pop() ?? null;
    active.push({ parcel, sub, check, decision });
  }
  const areas = parcelAreas(
    store,
    active.map((a) => a.parcel),
  );
  let n = 0;
  for (const { parcel, sub, check, decision } of active) {
    const props = (parcel.feature.properties ?? {}) as Record<string, unknown>;
    const area = areas.get(parcelKey(parcel.table, parcel.id)) ?? 0;
    const status = deriveStatus([decision?.decision ?? null], check !== null);
    ws.addRow([
      ++n,
      sub?.title ?? '',
      parcel.id,
      (props.name as string | undefined) ?? '',
      sub?.applicant ?? '',
      sub?.receivedOn ?? '',
      Math.round(area * 10) / 10,
      Math.round(muFromM2(area) * 100) / 100,
      (props.currentUse as string | undefined) ?? '',
      (props.plannedUse as string | undefined) ?? '',
      useChangeToSensitive(props),
      labelOf(ACTION_LABEL_ZH, props.action),
      labelOf(SOIL_SURVEY_LABEL_ZH, props.soilSurvey),
      labelOf(RISK_LABEL_ZH, props.riskAssessment),
      check?.profile ?? '',
      check ? check.checkedAt.replace('T', ' ').replace('Z', '') : '',
      check ? VERDICT_LABEL_ZH[check.verdict] : '未审查',
      decision ? DECISION_LABEL_ZH[decision.decision] : '未签发',
      decision?.signature.date ?? '',
      decision ? `${decision.signature.name}（${decision.signature.department}）` : '',
      STATUS_LABEL_ZH[status],
      decision ? decision.conditions.join('\n') : '',
      sub?.key ?? '',
      sub?.parcelIds.length ?? 1,
    ]).commit();
    if (sub) monthSubs.set(sub.key, { sub, parcels: (monthSubs.get(sub.key)?.parcels ?? 0) + 1 });
    monthly.push({ table: parcel.table, id: parcel.id, check });
  }
  if (n === 0) ws.addRow(['', `${y}年${Number(m)}月无审查或决定的报件地块`]).commit();
  ws.commit();

  // --- Sheet 2: latest --all sweep ------------------------------------------------------------
  const sweepSheet = wb.addWorksheet(SUMMARY_SHEETS.sweep);
  const sweepHeaders = ['报件图层', '地块编号', '地块名称', '审查规则配置', '审查时间', '系统审查结论', '不予准入项', '须满足条件项', '提示项', '疑似污染地块', '污染地块'];
  sweepSheet.columns = sweepHeaders.map(() => ({ width: 16 }));
  boldRow(sweepSheet, sweepHeaders);
  // A sweep = checks sharing one check time that together covered every parcel of every parcel
  // layer (`landgate check --all` records one check per layer with the same time; so does the UI sweep).
  const parcelLayers = store.listLayers().filter((l) => l.kind === 'parcel');
  const layerChecks = store.listChecks().filter((c) => c.parcelTable !== null);
  const groups = new Map<string, typeof layerChecks>();
  for (const c of layerChecks) groups.set(c.checkedAt, [...(groups.get(c.checkedAt) ?? []), c]);
  const sweep = [...groups.entries()]
    .filter(([, group]) => parcelLayers.every((l) => group.some((c) => c.parcelTable === l.table && c.parcelCount === l.featureCount)))
    .sort((a, b) => a[0].localeCompare(b[0]))
    .pop();
  const latestSweep = sweeps[0];
  const parcelNames = new Map(parcels.map((p) => [parcelKey(p.table, p.id), p.feature.properties?.name as string | undefined]));
  const addSweepRow = (r: CheckRow) => {
    const count = (s: string) => r.findings.filter((f) => f.severity === s).length;
    sweepSheet.addRow([
      r.table,
      r.parcelId,
      (r.table === null ? undefined : parcelNames.get(parcelKey(r.table, r.parcelId))) ?? '',
      r.profile,
      r.checkedAt.replace('T', ' ').replace('Z', ''),
      VERDICT_LABEL_ZH[r.verdict],
      count('prohibit'),
      count('condition'),
      count('notice'),
      r.suspectHits.join('、'),
      r.contaminatedHits.join('、'),
    ]).commit();
  };
  if (latestSweep && (!sweep || latestSweep.checkedAt >= sweep[0])) {
    for (const r of checkRows.filter((c) => c.checkId === -latestSweep.sweepId)) addSweepRow(r);
  } else if (!sweep) {
    sweepSheet.addRow(['项目中尚无全域筛查记录（landgate check <项目> --all --profile <配置>）']).commit();
  } else {
    const ids = new Set(sweep[1].map((c) => c.id));
    for (const r of checkRows.filter((c) => ids.has(c.checkId))) addSweepRow(r);
  }
  sweepSheet.commit();

  // --- Sheet 3: overlap detail -----------------------------------------------------------------
  const ov = wb.addWorksheet(SUMMARY_SHEETS.overlaps);
  ov.columns = [16, 26, 12, 22, 14, 14, 10, 10, 10, 10, 50].map((width) => ({ width }));
  boldRow(ov, ['地块编号', '规则', '性质', '图层', '要素', '重叠面积（m²）', '公顷', '亩', '占地块 %', '距离（m）', '依据']);
  const layers = store.listLayers();
  for (const { id, check } of monthly) {
    for (const f of check?.findings ?? []) {
      if (f.overlapM2 === undefined && f.distanceM === undefined) continue;
      const layer = layers.find((l) => l.table === f.layerTable);
      ov.addRow([
        id,
        f.rule,
        SEVERITY_LABEL_ZH[f.severity],
        layer?.title ?? (f.layerKind ? LAYER_KIND_LABEL_ZH[f.layerKind as LayerKind] : ''),
        f.featureId ?? '',
        f.overlapM2 ?? null,
        f.overlapM2 !== undefined ? Math.round(hectaresFromM2(f.overlapM2) * 10000) / 10000 : null,
        f.overlapM2 !== undefined ? Math.round(muFromM2(f.overlapM2) * 100) / 100 : null,
        f.overlapPct ?? null,
        f.distanceM ?? null,
        f.basis,
      ]).commit();
    }
  }
  ov.commit();

  // --- Sheet 4: counts ---------------------------------------------------------------------------
  // Sheet 1 has a row per parcel, so a multi-parcel submission would be counted once per parcel;
  // the bureau reports both numbers.
  const countSheet = wb.addWorksheet(SUMMARY_SHEETS.counts);
  countSheet.columns = [14, 28, 14, 14, 18].map((width) => ({ width }));
  boldRow(countSheet, ['本月报件数', monthSubs.size]);
  boldRow(countSheet, ['本月地块数', n]);
  countSheet.addRow([]).commit();
  boldRow(countSheet, [...COUNT_HEADERS]);
  for (const { sub, parcels } of monthSubs.values()) {
    const overall = submissionVerdict(sub.parcelIds.map((id) => review.latestCheck(sub.parcelTable, id)?.verdict));
    countSheet.addRow([sub.key, sub.title, parcels, sub.parcelIds.length, overall ? VERDICT_LABEL_ZH[overall] : '部分地块尚未审查']).commit();
  }
  countSheet.commit();

  await wb.commit();
  await written;
  const bytes = Buffer.concat(chunks);
  return { bytes, rows: n };
}
