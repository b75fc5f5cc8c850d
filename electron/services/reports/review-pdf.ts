/**
 * 审查意见书 as PDF (A4), drawn with pdfkit: Chinese text in the system's Chinese font (embedded,
 * subset; 微软雅黑 / 宋体 on Windows, PingFang on macOS, WenQuanYi / Noto CJK on Linux: cjk-font.ts),
 * a vector map figure
 * drawn from the geometries in the parcel's Gauss-Krüger plane (parcel, conflicting features,
 * overlap polygons, legend, scale bar, north arrow, CGCS2000 coordinates), tables, the decision
 * and signature block, reference-layer vintages, and the 界址点成果表.
 */
// pdfkit (and its fonts and AFM tables) loads only when a report is drawn: it would add ~0.6 s to
// every `landgate` command and to the app's start-up.
import type {} from 'pdfkit';
import type { Geometry, Position } from 'geojson';
import { transformer } from '../../../shared/crs';
import { bboxOf } from '../../../shared/geo/geodesy';
import { SEVERITY_LABEL_ZH, SEVERITY_ORDER, VERDICT_LABEL_ZH, type Finding } from '../../../shared/model/check';
import { UserInputError } from '../../../shared/model/errors';
import { LAYER_KIND_LABEL_ZH, type LayerKind } from '../../../shared/model/layers';
import { hectaresFromM2, muFromM2 } from '../../../shared/format/units';
import { ACTION_LABEL_ZH, DECISION_LABEL_ZH, KIND_COLOR, RISK_LABEL_ZH, SOIL_SURVEY_LABEL_ZH, fmt, labelOf } from '../../../shared/review/labels';
import { STATUS_LABEL_ZH } from '../../../shared/review/model';
import type { ReportData } from './report-data';
import { findCjkFont, type CjkFont } from './cjk-font';

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

function heading(doc: Doc, text: string) {
  ensureSpace(doc, 40);
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

/** A ruled table with a shaded header, repeated on page breaks. */
function table(doc: Doc, columns: Column[], rows: string[][], options: { fontSize?: number } = {}) {
  const size = options.fontSize ?? 9;
  const pad = 3;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const scale = CONTENT_W / total;
  const widths = columns.map((c) => c.width * scale);
  doc.font('zh').fontSize(size);
  const rowHeight = (cells: string[]) => Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
  const drawRow = (cells: string[], header: boolean) => {
    const h = rowHeight(cells);
    if (doc.y + h > BOTTOM) {
      doc.addPage();
      if (!header) drawRow(columns.map((c) => c.title), true);
    }
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
  drawRow(columns.map((c) => c.title), true);
  for (const row of rows) drawRow(row, false);
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
// Map figure

type XY = [number, number];

function niceLength(target: number): number {
  const p = 10 ** Math.floor(Math.log10(target));
  for (const m of [5, 2, 1]) if (m * p <= target) return m * p;
  return p;
}

function drawMap(doc: Doc, data: ReportData, frame: { x: number; y: number; w: number; h: number }) {
  const forward = transformer('EPSG:4490', data.gk.crs);
  const inverse = transformer(data.gk.crs, 'EPSG:4490');
  const proj = (p: Position): XY => forward([p[0], p[1]]);
  // View: the parcel with a margin, widened to show short distance lines (≤ 3 km) in full.
  const pb = bboxOf(data.parcel.geometry);
  const corners = [proj([pb[0], pb[1]]), proj([pb[2], pb[3]]), proj([pb[0], pb[3]]), proj([pb[2], pb[1]])];
  let minE = Math.min(...corners.map((c) => c[0]));
  let maxE = Math.max(...corners.map((c) => c[0]));
  let minN = Math.min(...corners.map((c) => c[1]));
  let maxN = Math.max(...corners.map((c) => c[1]));
  for (const f of data.check?.findings ?? []) {
    if (f.distanceM !== undefined && f.distanceM <= 3000 && f.geometry) {
      const b = bboxOf(f.geometry);
      for (const c of [proj([b[0], b[1]]), proj([b[2], b[3]])]) {
        minE = Math.min(minE, c[0]);
        maxE = Math.max(maxE, c[0]);
        minN = Math.min(minN, c[1]);
        maxN = Math.max(maxN, c[1]);
      }
    }
  }
  const pad = Math.max(maxE - minE, maxN - minN) * 0.35 + 60;
  minE -= pad;
  maxE += pad;
  minN -= pad;
  maxN += pad;
  const s = Math.min(frame.w / (maxE - minE), frame.h / (maxN - minN));
  const cx = (minE + maxE) / 2;
  const cy = (minN + maxN) / 2;
  const toPage = ([e, n]: XY): XY => [frame.x + frame.w / 2 + (e - cx) * s, frame.y + frame.h / 2 - (n - cy) * s];
  const pageToGk = ([px, py]: XY): XY => [cx + (px - frame.x - frame.w / 2) / s, cy - (py - frame.y - frame.h / 2) / s];

  const path = (geometry: Geometry) => {
    const rings: Position[][] =
      geometry.type === 'Polygon' ? geometry.coordinates : geometry.type === 'MultiPolygon' ? geometry.coordinates.flat() : geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : [];
    for (const ring of rings) {
      ring.forEach((p, i) => {
        const [x, y] = toPage(proj(p));
        if (i === 0) doc.moveTo(x, y);
        else doc.lineTo(x, y);
      });
      if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') doc.closePath();
    }
  };
  const points = (geometry: Geometry): Position[] => (geometry.type === 'Point' ? [geometry.coordinates] : geometry.type === 'MultiPoint' ? geometry.coordinates : []);

  doc.save();
  doc.rect(frame.x, frame.y, frame.w, frame.h).fill('#fbfaf7');
  doc.rect(frame.x, frame.y, frame.w, frame.h).clip();
  // Conflicting features.
  for (const { layer, features } of data.conflicts) {
    const color = KIND_COLOR[layer.kind as LayerKind] ?? { stroke: '#333', fill: '#ccc' };
    for (const f of features) {
      if (!f.geometry) continue;
      const pts = points(f.geometry);
      if (pts.length) {
        for (const p of pts) {
          const [x, y] = toPage(proj(p));
          doc.circle(x, y, 4).fillOpacity(0.9).fillAndStroke(color.fill, color.stroke);
        }
        continue;
      }
      path(f.geometry);
      if (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') doc.fillOpacity(0.45).lineWidth(1.2).fillAndStroke(color.fill, color.stroke, 'even-odd');
      else doc.lineWidth(2).strokeColor(color.stroke).stroke();
    }
  }
  doc.fillOpacity(1);
  // Overlap polygons and distance lines.
  for (const f of data.check?.findings ?? []) {
    if (!f.geometry) continue;
    if (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') {
      path(f.geometry);
      doc.fillOpacity(0.55).lineWidth(0.8).fillAndStroke('#e0001b', '#7a0010', 'even-odd');
      doc.fillOpacity(1);
    } else if (f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString') {
      path(f.geometry);
      doc.lineWidth(1).dash(4, { space: 3 }).strokeColor('#333').stroke().undash();
    }
  }
  // The parcel on top.
  path(data.parcel.geometry);
  doc.lineWidth(2).strokeColor('#d40000').stroke();
  if (data.boundaryPoints.length <= 40) {
    doc.font('zh').fontSize(6.5).fillColor('#000');
    for (const bp of data.boundaryPoints.slice(0, -1)) {
      const e = bp.y - data.gk.zone * 1_000_000;
      const [x, y] = toPage([e, bp.x]);
      doc.circle(x, y, 1.6).fill('#d40000');
      doc.fillColor('#000').text(bp.name, x + 2, y - 8, { lineBreak: false });
    }
  }
  doc.restore();
  doc.save().lineWidth(1).strokeColor('#000').rect(frame.x, frame.y, frame.w, frame.h).stroke().restore();

  // North arrow (grid north of the GK plane; meridian convergence is under 1.5° inside a zone).
  const nx = frame.x + frame.w - 24;
  const ny = frame.y + 14;
  doc.save().polygon([nx, ny], [nx - 7, ny + 22], [nx, ny + 16], [nx + 7, ny + 22]).fill('#000').restore();
  doc.font('zh').fontSize(9).fillColor('#000').text('北', nx - 5, ny + 24, { lineBreak: false });
  doc.font('zh').fontSize(7).text('N', nx - 2.5, ny - 9, { lineBreak: false });

  // Scale bar.
  const barM = niceLength((frame.w / 4) / s);
  const barPt = barM * s;
  const bx = frame.x + 12;
  const by = frame.y + frame.h - 18;
  doc.save().rect(bx - 4, by - 12, barPt + 60, 26).fillOpacity(0.8).fill('#fff').restore();
  for (let i = 0; i < 4; i++) doc.save().rect(bx + (i * barPt) / 4, by, barPt / 4, 4).lineWidth(0.5).fillAndStroke(i % 2 ? '#fff' : '#000', '#000').restore();
  doc.font('zh').fontSize(7).fillColor('#000');
  doc.text('0', bx - 2, by - 9, { lineBreak: false });
  doc.text(barM >= 1000 ? `${barM / 1000} km` : `${barM} m`, bx + barPt - 6, by - 9, { lineBreak: false });
  const denominator = Math.round(1 / s / 0.000352778);
  doc.text(`比例尺 1:${denominator.toLocaleString('en-US')}`, bx + barPt + 8, by - 2, { lineBreak: false });

  // CGCS2000 coordinates of two corners (lon/lat and GK X/Y).
  const label = (px: number, py: number) => {
    const gk = pageToGk([px, py]);
    const [lon, lat] = inverse(gk);
    return `${lon.toFixed(6)}°E ${lat.toFixed(6)}°N  (X ${gk[1].toFixed(1)}, Y ${(data.gk.zone * 1_000_000 + gk[0]).toFixed(1)})`;
  };
  doc.font('zh').fontSize(6.5).fillColor('#333');
  doc.text(`左上角 ${label(frame.x, frame.y)}`, frame.x, frame.y - 10, { lineBreak: false });
  doc.text(`右下角 ${label(frame.x + frame.w, frame.y + frame.h)}`, frame.x, frame.y + frame.h + 3, { width: frame.w, align: 'right', lineBreak: false });
  doc.x = M;
  doc.y = frame.y + frame.h + 14;

  // Legend.
  const items: { label: string; draw: (x: number, y: number) => void }[] = [
    { label: '报件地块', draw: (x, y) => doc.save().lineWidth(2).strokeColor('#d40000').rect(x, y, 14, 9).stroke().restore() },
  ];
  if ((data.check?.findings ?? []).some((f) => f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'))) {
    items.push({ label: '重叠区域', draw: (x, y) => doc.save().fillOpacity(0.55).rect(x, y, 14, 9).fillAndStroke('#e0001b', '#7a0010').restore() });
  }
  if ((data.check?.findings ?? []).some((f) => f.geometry && f.geometry.type.endsWith('LineString'))) {
    items.push({ label: '最近距离', draw: (x, y) => doc.save().lineWidth(1).dash(4, { space: 3 }).moveTo(x, y + 4.5).lineTo(x + 14, y + 4.5).strokeColor('#333').stroke().undash().restore() });
  }
  for (const { layer } of data.conflicts) {
    const color = KIND_COLOR[layer.kind as LayerKind] ?? { stroke: '#333', fill: '#ccc' };
    items.push({ label: `${layer.title}（${LAYER_KIND_LABEL_ZH[layer.kind as LayerKind] ?? layer.kind}）`, draw: (x, y) => doc.save().fillOpacity(0.6).rect(x, y, 14, 9).fillAndStroke(color.fill, color.stroke).restore() });
  }
  doc.font('zh').fontSize(8).fillColor('#000').text('图例：', M, doc.y, { continued: false });
  let lx = M;
  let ly = doc.y + 2;
  for (const item of items) {
    const w = 22 + doc.widthOfString(item.label) + 14;
    if (lx + w > M + CONTENT_W) {
      lx = M;
      ly += 14;
    }
    item.draw(lx, ly);
    doc.fillColor('#000').text(item.label, lx + 18, ly, { lineBreak: false });
    lx += w;
  }
  doc.x = M;
  doc.y = ly + 16;
  doc.font('zh').fontSize(7.5).fillColor('#333').text(`坐标系：CGCS2000（EPSG:4490）；图面为 3° 带高斯-克吕格投影第 ${data.gk.zone} 带（中央经线 ${data.gk.centralMeridian}°E，${data.gk.crs}），X 为北坐标，Y 含带号。`, M, doc.y, { width: CONTENT_W });
  doc.fillColor('#000');
}

// ---------------------------------------------------------------------------------------------

const time = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '—');

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
  const docNo = `${parcel.table}-${parcel.id}${decision ? `-R${decision.revision}` : ''}`;
  doc.text(`文书编号：${docNo}        出具时间：${time(data.generatedAt)}（UTC）`, { width: CONTENT_W, align: 'center' });
  doc.fillColor('#000').moveDown(0.4);
  doc.save().lineWidth(1.2).moveTo(M, doc.y).lineTo(M + CONTENT_W, doc.y).stroke().restore();

  heading(doc, '一、地块基本情况');
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
    ['审查规则配置', check ? `${check.profile}${check.profileVersion ? `（版本 ${check.profileVersion}）` : ''}` : '—'],
    ['审查时间', check ? `${time(check.checkedAt)}（记录 #${check.checkId}）` : '尚未审查'],
    ['系统审查结论', check ? VERDICT_LABEL_ZH[check.verdict] : '尚未审查'],
    ['办理状态', sub ? STATUS_LABEL_ZH[sub.status] : '—'],
  ]);

  const multi = data.submissionParcels.length > 1;
  if (multi && sub) {
    // The opinion covers the whole submission: name it and give every parcel's verdict here; the
    // map and the overlap table below stay those of this parcel, the findings cover every parcel.
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

  heading(doc, multi ? `二、叠加分析图（地块 ${parcel.id}）` : '二、叠加分析图');
  ensureSpace(doc, 330);
  const frame = { x: M, y: doc.y + 12, w: CONTENT_W, h: 280 };
  drawMap(doc, data, frame);

  heading(doc, multi ? `三、重叠分析表（地块 ${parcel.id}）` : '三、重叠分析表');
  // One row per overlapped feature (several rules may cite the same overlap).
  const overlaps = (check?.findings ?? []).filter((f, i, all) => f.overlapM2 !== undefined && all.findIndex((g) => g.overlapM2 !== undefined && g.layerTable === f.layerTable && g.featureId === f.featureId) === i);
  if (overlaps.length === 0) {
    doc.fontSize(9.5).text('地块与参考图层无重叠。', { width: CONTENT_W });
  } else {
    const layerTitle = (f: Finding) => data.referenceLayers.find((l) => l.table === f.layerTable)?.title ?? (f.layerKind ? LAYER_KIND_LABEL_ZH[f.layerKind] : '—');
    table(
      doc,
      [
        { title: '图层', width: 24 },
        { title: '要素', width: 16 },
        { title: '重叠面积（m²）', width: 14, align: 'right' },
        { title: '公顷', width: 10, align: 'right' },
        { title: '亩', width: 10, align: 'right' },
        { title: '占地块 %', width: 10, align: 'right' },
      ],
      overlaps.map((f) => [layerTitle(f), f.featureId ?? '—', fmt(f.overlapM2, 1), fmt(hectaresFromM2(f.overlapM2 ?? 0), 4), fmt(muFromM2(f.overlapM2 ?? 0), 2), fmt(f.overlapPct, 2)]),
    );
  }

  heading(doc, '四、审查发现及法律依据');
  const findingsTable = (list: readonly Finding[], checked: boolean) => {
    const findings = [...list].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
    if (!checked) doc.fontSize(9.5).text('该地块尚无审查记录。', M, doc.y, { width: CONTENT_W });
    else if (findings.length === 0) doc.fontSize(9.5).text('未发现限制准入的情形。', M, doc.y, { width: CONTENT_W });
    else
      table(
        doc,
        [
          { title: '序号', width: 6, align: 'center' },
          { title: '性质', width: 11 },
          { title: '审查发现', width: 43 },
          { title: '数据', width: 15 },
          { title: '依据', width: 25 },
        ],
        findings.map((f, i) => [String(i + 1), SEVERITY_LABEL_ZH[f.severity], `${f.message}${f.featureId ? `（${f.featureId}）` : ''}`, findingFigure(f), f.basis]),
      );
  };
  if (!multi) findingsTable(check?.findings ?? [], check !== null);
  else
    data.submissionParcels.forEach((x, i) => {
      ensureSpace(doc, 60);
      doc.moveDown(0.3).fontSize(10.5).text(`（${i + 1}）地块 ${x.id}${x.name ? ` ${x.name}` : ''}：${x.verdict ? VERDICT_LABEL_ZH[x.verdict] : '尚未审查'}`, M, doc.y, { width: CONTENT_W });
      doc.moveDown(0.2);
      findingsTable(x.findings, x.verdict !== null);
    });

  heading(doc, '五、准入条件');
  doc.fontSize(9.5);
  if (data.conditions.length === 0) doc.text('无。', { width: CONTENT_W });
  data.conditions.forEach((c, i) => {
    ensureSpace(doc, 20);
    doc.text(`${i + 1}. ${c}`, M, doc.y, { width: CONTENT_W });
  });

  heading(doc, '六、审查意见与决定');
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

  heading(doc, '七、参考数据版本');
  table(
    doc,
    [
      { title: '图层', width: 24 },
      { title: '类型', width: 18 },
      { title: '来源文件', width: 26 },
      { title: '导入时间', width: 20 },
      { title: '要素数', width: 10, align: 'right' },
    ],
    data.referenceLayers.map((l) => [l.title, LAYER_KIND_LABEL_ZH[l.kind as LayerKind] ?? l.kind, l.sourceFile ?? '—', time(l.importedAt), String(l.featureCount)]),
    { fontSize: 8.5 },
  );

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
