/**
 * 审查意见书 as PDF (A4), drawn with pdfkit: Chinese text in the system's Chinese font (embedded,
 * subset; 微软雅黑 / 宋体 on Windows, PingFang on macOS, WenQuanYi / Noto CJK on Linux: cjk-font.ts),
 * the 文书编号 the authority's pattern gives it, a map figure per parcel (review-map.ts), tables
 * that never leave their header alone at the foot of a page, the conditions only where the
 * decision admits the land, the decision and signature block, reference-layer vintages, and the
 * 界址点成果表. Times are China local time.
 */
// pdfkit (and its fonts and AFM tables) loads only when a report is drawn: it would add ~0.6 s to
// every `landgate` command and to the app's start-up.
import type {} from 'pdfkit';
import { SEVERITY_LABEL_ZH, SEVERITY_ORDER, VERDICT_LABEL_ZH, type Finding } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { LAYER_KIND_LABEL_ZH, type LayerKind } from '../../../shared/model/layers';
import { chinaTime } from '../../../shared/review/document-number';
import { hectaresFromM2, muFromM2 } from '../../../shared/format/units';
import { ACTION_LABEL_ZH, DECISION_LABEL_ZH, RISK_LABEL_ZH, SOIL_SURVEY_LABEL_ZH, fmt, labelOf } from '../../../shared/review/labels';
import { STATUS_LABEL_ZH } from '../../../shared/review/model';
import type { ReportData } from './report-data';
import { findCjkFont, type CjkFont } from './cjk-font';
import { drawLegend, drawParcelMap } from './review-map';
import { MAP_ASPECT } from './report-map-data';

/**
 * The Chinese font for this platform (cjk-font.ts), else the bundled one; refused in words only
 * when even the bundled font is gone (a damaged installation).
 */
export function cjkFont(): CjkFont {
  const { found, tried } = findCjkFont();
  if (!found) {
    throw new UserInputError(
      'report.font-missing',
      `找不到中文字体文件（已查找：${tried.join('、')}），随附字体也缺失，安装可能不完整。请重新安装 LandGate，或用环境变量 LANDGATE_CJK_FONT 指定字体文件。`,
      `No Chinese font found (tried ${tried.join(', ')}) and the bundled font is missing: reinstall, or set LANDGATE_CJK_FONT.`,
    );
  }
  return found;
}

type Doc = PDFKit.PDFDocument;
const A4 = { w: 595.28, h: 841.89 };
const M = 50; // margin
const CONTENT_W = A4.w - 2 * M;
const BOTTOM = A4.h - M - 20;

/** A section heading, kept on the page of what follows it (`keep`: the height of that first part). */
function heading(doc: Doc, text: string, keep = 20) {
  ensureSpace(doc, 30 + keep);
  doc.moveDown(0.6).font('zh').fontSize(12.5).fillColor('#000').text(text, M, doc.y, { width: CONTENT_W });
  doc.moveDown(0.3);
}

function ensureSpace(doc: Doc, height: number) {
  if (doc.y + height > BOTTOM) doc.addPage();
}

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** Widths and row heights of a table as drawn at the content width. */
function tableLayout(doc: Doc, columns: Column[], size: number) {
  const pad = 3;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => (c.width * CONTENT_W) / total);
  doc.font('zh').fontSize(size);
  const rowHeight = (cells: string[]) => Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
  return { pad, widths, rowHeight };
}

/** Height of a table's header and first row: what must fit together on a page. */
function tableLead(doc: Doc, columns: Column[], rows: string[][], options: { fontSize?: number } = {}): number {
  const { rowHeight } = tableLayout(doc, columns, options.fontSize ?? 9);
  return rowHeight(columns.map((c) => c.title)) + (rows.length ? rowHeight(rows[0]) : 0);
}

/**
 * A ruled table with a shaded header, repeated on page breaks. The header never stands alone at
 * the foot of a page: it starts a new page unless its first row fits under it.
 */
function table(doc: Doc, columns: Column[], rows: string[][], options: { fontSize?: number } = {}) {
  const size = options.fontSize ?? 9;
  const { pad, widths, rowHeight } = tableLayout(doc, columns, size);
  const drawRow = (cells: string[], header: boolean) => {
    const h = rowHeight(cells);
    const y = doc.y;
    let x = M;
    if (header) doc.save().rect(M, y, CONTENT_W, h).fill('#e8edf3').restore();
    cells.forEach((cell, i) => {
      doc.save().lineWidth(0.5).strokeColor('#666').rect(x, y, widths[i], h).stroke().restore();
      doc.fillColor('#000').text(cell || '', x + pad, y + pad, { width: widths[i] - 2 * pad, align: header ? 'center' : (columns[i].align ?? 'left') });
      x += widths[i];
    });
    doc.x = M;
    doc.y = y + h;
  };
  const header = columns.map((c) => c.title);
  ensureSpace(doc, tableLead(doc, columns, rows, options));
  doc.font('zh').fontSize(size);
  drawRow(header, true);
  for (const row of rows) {
    if (doc.y + rowHeight(row) > BOTTOM) {
      doc.addPage();
      doc.font('zh').fontSize(size);
      drawRow(header, true);
    }
    drawRow(row, false);
  }
  doc.moveDown(0.3);
}

function keyValueTable(doc: Doc, pairs: [string, string][]) {
  const rows: string[][] = [];
  for (let i = 0; i < pairs.length; i += 2) rows.push([pairs[i][0], pairs[i][1], pairs[i + 1]?.[0] ?? '', pairs[i + 1]?.[1] ?? '']);
  const size = 9.5;
  const pad = 4;
  const widths = [0.16, 0.34, 0.16, 0.34].map((f) => f * CONTENT_W);
  doc.font('zh').fontSize(size);
  for (const row of rows) {
    const h = Math.max(...row.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
    ensureSpace(doc, h);
    const y = doc.y;
    let x = M;
    row.forEach((cell, i) => {
      if (i % 2 === 0) doc.save().rect(x, y, widths[i], h).fill('#f2f4f7').restore();
      doc.save().lineWidth(0.5).strokeColor('#666').rect(x, y, widths[i], h).stroke().restore();
      doc.fillColor('#000').text(cell, x + pad, y + pad, { width: widths[i] - 2 * pad });
      x += widths[i];
    });
    doc.x = M;
    doc.y = y + h;
  }
}

// ---------------------------------------------------------------------------------------------

/** Times as the bureau reads them: China local time (UTC+8). */
const time = (iso: string | null | undefined) => chinaTime(iso);

function findingFigure(f: Finding): string {
  if (f.distanceM !== undefined) return `距离 ${fmt(f.distanceM, 1)} m`;
  if (f.overlapM2 !== undefined) return `重叠 ${fmt(f.overlapM2, 1)} m²（${fmt(f.overlapPct, 2)}%）`;
  return '';
}

/** Renders the 审查意见书; resolves to the PDF bytes. */
export async function renderReviewPdf(data: ReportData): Promise<Buffer> {
  const font = cjkFont();
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: M, bottom: M, left: M, right: M },
    bufferPages: true,
    info: { Title: data.submissionParcels.length > 1 && data.submission ? `审查意见书 ${data.submission.title}` : `审查意见书 ${data.parcel.id}`, Author: data.authority, Subject: '地块准入审查意见书', Creator: 'LandGate 地块准入审查', Keywords: `字体：${font.name}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('zh', font.path, font.face);
  doc.font('zh');

  const { parcel, check, decision } = data;
  const p = parcel.properties;

  // Header.
  doc.fontSize(15).text(data.authority, M, M, { width: CONTENT_W, align: 'center' });
  doc.moveDown(0.2).fontSize(19).text('建设用地准入审查意见书', { width: CONTENT_W, align: 'center' });
  doc.moveDown(0.3).fontSize(9).fillColor('#333');
  doc.text(`文书编号：${data.documentNumber ?? '（签发后编号）'}        出具时间：${time(data.generatedAt)}`, { width: CONTENT_W, align: 'center' });
  doc.fillColor('#000').moveDown(0.4);
  doc.save().lineWidth(1.2).moveTo(M, doc.y).lineTo(M + CONTENT_W, doc.y).stroke().restore();

  const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  let section = 0;
  const next = (title: string) => `${numerals[section++]}、${title}`;

  heading(doc, next('地块基本情况'));
  const sub = data.submission;
  keyValueTable(doc, [
    ['地块编号', parcel.id],
    ['地块名称', parcel.name ?? '（未填）'],
    ['现状用途', labelOf({}, p.currentUse)],
    ['规划用途', labelOf({}, p.plannedUse)],
    ['拟办事项', labelOf(ACTION_LABEL_ZH, p.action)],
    ['土壤污染状况调查', labelOf(SOIL_SURVEY_LABEL_ZH, p.soilSurvey)],
    ['风险评估', labelOf(RISK_LABEL_ZH, p.riskAssessment)],
    ['地块面积', `${fmt(parcel.areaM2, 1)} m²（${fmt(hectaresFromM2(parcel.areaM2), 4)} 公顷，${fmt(muFromM2(parcel.areaM2), 2)} 亩）`],
    ['申请单位', sub?.applicant ?? '（未填）'],
    ['收件日期', sub?.receivedOn ?? '—'],
    ['审查规则配置', check ? `${check.profileName}${check.profileVersion ? `（版本 ${check.profileVersion}）` : ''}` : '—'],
    ['审查时间', check ? `${time(check.checkedAt)}（记录 #${check.checkId}）` : '尚未审查'],
    ['系统审查结论', check ? VERDICT_LABEL_ZH[check.verdict] : '尚未审查'],
    ['办理状态', sub ? STATUS_LABEL_ZH[sub.status] : '—'],
  ]);

  const multi = data.submissionParcels.length > 1;
  if (multi && sub) {
    // The opinion covers the whole submission: name it and give every parcel's verdict here; each
    // parcel has its own map, overlap table and findings below.
    doc.moveDown(0.4).fontSize(10).text(`本意见书针对报件“${sub.title}”（报件编号 ${sub.key}，共 ${data.submissionParcels.length} 个地块），报件总体结论：${data.submissionVerdict ? VERDICT_LABEL_ZH[data.submissionVerdict] : '部分地块尚未审查'}。`, M, doc.y, { width: CONTENT_W });
    doc.moveDown(0.3);
    table(
      doc,
      [
        { title: '地块编号', width: 20 },
        { title: '地块名称', width: 28 },
        { title: '面积（m²）', width: 16, align: 'right' },
        { title: '系统审查结论', width: 18 },
        { title: '审查决定', width: 18 },
      ],
      data.submissionParcels.map((x) => [x.id, x.name ?? '—', fmt(x.areaM2, 1), x.verdict ? VERDICT_LABEL_ZH[x.verdict] : '尚未审查', x.decision ? DECISION_LABEL_ZH[x.decision.decision] : '—']),
    );
  }

  const subheading = (text: string, keep: number) => {
    ensureSpace(doc, 22 + keep);
    doc.moveDown(0.3).font('zh').fontSize(10.5).fillColor('#000').text(text, M, doc.y, { width: CONTENT_W });
    doc.moveDown(0.2);
  };
  const parcelLabel = (id: string, name: string | null, i: number) => `（${i + 1}）地块 ${id}${name ? ` ${name}` : ''}`;

  // The figure: frame, its coordinate labels around it, and the legend under it.
  const FIGURE_W = CONTENT_W - 44;
  const FIGURE_H = Math.round(FIGURE_W / MAP_ASPECT);
  const FIGURE_BLOCK = FIGURE_H + 80;
  heading(doc, next('叠加分析图'), FIGURE_BLOCK);
  data.maps.forEach((map, i) => {
    if (multi) subheading(parcelLabel(map.parcelId, map.parcelName, i), FIGURE_BLOCK);
    else ensureSpace(doc, FIGURE_BLOCK);
    const frame = { x: M, y: doc.y + 22, w: FIGURE_W, h: FIGURE_H };
    const legend = drawParcelMap(doc, map, frame, { boundaryPoints: map.parcelId === parcel.id ? data.boundaryPoints : [] });
    const below = drawLegend(doc, legend, M, frame.y + frame.h + 24, CONTENT_W);
    doc.x = M;
    doc.y = below;
  });
  doc.font('zh').fontSize(7.5).fillColor('#333').text(`坐标系：CGCS2000（EPSG:4490），图框注记为经纬度；图面为 3° 带高斯-克吕格投影第 ${data.gk.zone} 带（中央经线 ${data.gk.centralMeridian}°E，${data.gk.crs}），X 为北坐标，Y 含带号。`, M, doc.y, { width: CONTENT_W });
  doc.fillColor('#000');

  const overlapColumns: Column[] = [
    { title: '图层', width: 24 },
    { title: '要素', width: 16 },
    { title: '重叠面积（m²）', width: 14, align: 'right' },
    { title: '公顷', width: 10, align: 'right' },
    { title: '亩', width: 10, align: 'right' },
    { title: '占地块 %', width: 10, align: 'right' },
  ];
  const layerTitle = (f: Finding) => data.referenceLayers.find((l) => l.table === f.layerTable)?.title ?? (f.layerKind ? LAYER_KIND_LABEL_ZH[f.layerKind] : '—');
  // One row per overlapped feature (several rules may cite the same overlap).
  const overlapRows = (findings: readonly Finding[]) =>
    findings
      .filter((f, i, all) => f.overlapM2 !== undefined && all.findIndex((g) => g.overlapM2 !== undefined && g.layerTable === f.layerTable && g.featureId === f.featureId) === i)
      .map((f) => [layerTitle(f), f.featureId ?? '—', fmt(f.overlapM2, 1), fmt(hectaresFromM2(f.overlapM2 ?? 0), 4), fmt(muFromM2(f.overlapM2 ?? 0), 2), fmt(f.overlapPct, 2)]);
  const overlapTable = (rows: string[][]) => {
    if (rows.length === 0) doc.fontSize(9.5).text('地块与参考图层无重叠。', M, doc.y, { width: CONTENT_W });
    else table(doc, overlapColumns, rows);
  };
  const firstOverlaps = overlapRows(data.maps[0]?.findings ?? check?.findings ?? []);
  heading(doc, next('重叠分析表'), multi ? 40 : tableLead(doc, overlapColumns, firstOverlaps));
  if (!multi) overlapTable(firstOverlaps);
  else
    data.maps.forEach((map, i) => {
      const rows = overlapRows(map.findings);
      subheading(parcelLabel(map.parcelId, map.parcelName, i), rows.length ? tableLead(doc, overlapColumns, rows) : 14);
      overlapTable(rows);
    });

  const findingColumns: Column[] = [
    { title: '序号', width: 6, align: 'center' },
    { title: '性质', width: 11 },
    { title: '审查发现', width: 43 },
    { title: '数据', width: 15 },
    { title: '依据', width: 25 },
  ];
  const findingRows = (list: readonly Finding[]) =>
    [...list]
      .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
      .map((f, i) => [String(i + 1), SEVERITY_LABEL_ZH[f.severity], `${f.message}${f.featureId ? `（${f.featureId}）` : ''}`, findingFigure(f), f.basis]);
  const findingsTable = (list: readonly Finding[], checked: boolean) => {
    if (!checked) doc.fontSize(9.5).text('该地块尚无审查记录。', M, doc.y, { width: CONTENT_W });
    else if (list.length === 0) doc.fontSize(9.5).text('未发现限制准入的情形。', M, doc.y, { width: CONTENT_W });
    else table(doc, findingColumns, findingRows(list));
  };
  const ownRows = findingRows(check?.findings ?? []);
  heading(doc, next('审查发现及法律依据'), multi ? 40 : ownRows.length ? tableLead(doc, findingColumns, ownRows) : 14);
  if (!multi) findingsTable(check?.findings ?? [], check !== null);
  else
    data.submissionParcels.forEach((x, i) => {
      const rows = findingRows(x.findings);
      subheading(`${parcelLabel(x.id, x.name, i)}：${x.verdict ? VERDICT_LABEL_ZH[x.verdict] : '尚未审查'}`, rows.length ? tableLead(doc, findingColumns, rows) : 14);
      findingsTable(x.findings, x.verdict !== null);
    });

  // Conditions belong to an opinion that admits the land: none for 不予准入 or 退回补正, nor for
  // an unsigned draft whose check refuses it.
  const admits = decision ? decision.decision === 'approved' || decision.decision === 'conditional' : (data.submissionVerdict ?? check?.verdict) !== 'prohibited';
  if (admits) {
    heading(doc, next('准入条件'));
    doc.fontSize(9.5);
    if (data.conditions.length === 0) doc.text('无。', M, doc.y, { width: CONTENT_W });
    data.conditions.forEach((c, i) => {
      ensureSpace(doc, 20);
      doc.text(`${i + 1}. ${c}`, M, doc.y, { width: CONTENT_W });
    });
  }

  heading(doc, next('审查意见与决定'), 60);
  doc.fontSize(10);
  if (decision) {
    doc.text(`审查决定：${DECISION_LABEL_ZH[decision.decision]}${decision.revision > 1 ? `（第 ${decision.revision} 版，修订第 ${decision.revision - 1} 版；修订理由：${decision.revisionReason ?? ''}）` : ''}`, M, doc.y, { width: CONTENT_W });
    doc.moveDown(0.3).text(`审查意见：${decision.opinion}`, { width: CONTENT_W });
    if (decision.source) doc.moveDown(0.3).fontSize(8.5).text(`来源：${decision.source.department}（导出于 ${time(decision.source.exportedAt)}）`, { width: CONTENT_W }).fontSize(10);
  } else {
    doc.text('审查决定：（尚未签发）', M, doc.y, { width: CONTENT_W });
    doc.moveDown(0.3).text('审查意见：', { width: CONTENT_W });
    doc.moveDown(2);
  }
  ensureSpace(doc, 70);
  doc.moveDown(0.8);
  const sy = doc.y;
  const sig = decision?.signature;
  doc.save().lineWidth(0.6).rect(M, sy, CONTENT_W, 56).stroke().restore();
  doc.fontSize(10).text(`审查人（签字）：${sig?.name ?? ''}`, M + 10, sy + 10, { width: CONTENT_W / 2 - 20 });
  doc.text(`审查部门（盖章）：${sig?.department ?? ''}`, M + CONTENT_W / 2, sy + 10, { width: CONTENT_W / 2 - 10 });
  doc.text(`签发日期：${sig?.date ?? '     年   月   日'}`, M + 10, sy + 32, { width: CONTENT_W / 2 - 20 });
  doc.fontSize(8).fillColor('#333').text(decision ? `签发记录 #${decision.id}，内容哈希 ${decision.contentHash.slice(0, 16)}…` : '', M + CONTENT_W / 2, sy + 34, { width: CONTENT_W / 2 - 10 });
  doc.fillColor('#000');
  doc.x = M;
  doc.y = sy + 62;
  if (data.history.length > 1) {
    doc.fontSize(8.5).text(`修订记录：${data.history.map((d) => `第 ${d.revision} 版 ${DECISION_LABEL_ZH[d.decision]}（${d.signature.name}，${d.signature.date}）`).join('；')}`, { width: CONTENT_W });
  }

  const vintageColumns: Column[] = [
    { title: '图层', width: 24 },
    { title: '类型', width: 18 },
    { title: '来源文件', width: 26 },
    { title: '导入时间', width: 20 },
    { title: '要素数', width: 10, align: 'right' },
  ];
  const vintageRows = data.referenceLayers.map((l) => [l.title, LAYER_KIND_LABEL_ZH[l.kind as LayerKind] ?? l.kind, l.sourceFile ?? '—', time(l.importedAt), String(l.featureCount)]);
  heading(doc, next('参考数据版本'), tableLead(doc, vintageColumns, vintageRows, { fontSize: 8.5 }));
  table(doc, vintageColumns, vintageRows, { fontSize: 8.5 });

  // 界址点成果表.
  doc.addPage();
  doc.fontSize(16).text('界址点成果表', M, M, { width: CONTENT_W, align: 'center' });
  doc.moveDown(0.3).fontSize(9.5);
  doc.text(`地块编号：${parcel.id}    地块名称：${parcel.name ?? ''}`, { width: CONTENT_W });
  doc.text(`坐标系：2000 国家大地坐标系，3° 带高斯-克吕格投影，带号 ${data.gk.zone}，中央经线 ${data.gk.centralMeridian}°E；X 为北坐标，Y 为东坐标（含带号）；单位：米。`, { width: CONTENT_W });
  doc.text(`界址点数：${data.boundaryPoints.length}（含闭合点）    地块面积：${fmt(parcel.areaM2, 1)} m²（椭球面积）`, { width: CONTENT_W });
  doc.moveDown(0.4);
  table(
    doc,
    [
      { title: '序号', width: 8, align: 'center' },
      { title: '点号', width: 10, align: 'center' },
      { title: '圈号', width: 8, align: 'center' },
      { title: 'X（m）', width: 24, align: 'right' },
      { title: 'Y（m）', width: 24, align: 'right' },
      { title: '边长（m）', width: 16, align: 'right' },
    ],
    data.boundaryPoints.map((bp, i) => [String(i + 1), bp.name, String(bp.ring), bp.x.toFixed(3), bp.y.toFixed(3), bp.edgeM === undefined ? '' : bp.edgeM.toFixed(3)]),
    { fontSize: 8.5 },
  );
  doc.fontSize(8).fillColor('#333').text('边长为高斯-克吕格平面上至下一界址点的距离。', { width: CONTENT_W }).fillColor('#000');

  // Footer on every page.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('zh').fontSize(7.5).fillColor('#666').text(`${data.authority} · 地块 ${parcel.id} · LandGate 地块准入审查 · 字体：${font.name} · 第 ${i + 1} 页 / 共 ${range.count} 页`, M, A4.h - M + 12, { width: CONTENT_W, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
