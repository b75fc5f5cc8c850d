import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Polygon, MultiPolygon } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { conditionsFromFindings } from '../../shared/review/model';
import { landgate, repoRoot, sha256 } from '../support/cli';
import { chinaYear } from '../../shared/review/document-number';

let dir: string;
let project: string;
const PARCEL = 'XX-2026-001';
const artifacts = join(repoRoot, 'test-artifacts', 'integration');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-report-'));
  project = join(dir, 'demo.gpkg');
  expect(landgate(['demo', project]).status).toBe(0);
  expect(landgate(['check', project, 'parcels', '--profile', 'xiaxian', '--out', join(dir, 'check.json')]).status).toBe(0);
  const store = ProjectStore.open(project);
  try {
    const review = new ReviewStore(store);
    const check = review.latestCheck('parcels', PARCEL)!;
    review.signDecision({
      table: 'parcels',
      parcelId: PARCEL,
      decision: 'rejected',
      opinion: '该地块与列入名录的污染地块重叠，规划为住宅用地，不予准入。',
      conditions: conditionsFromFindings(check.findings),
      signature: { name: '李审查', department: '夏县生态环境分局', date: '2026-11-20' },
    });
  } finally {
    store.close();
  }
  mkdirSync(artifacts, { recursive: true });
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each page's text (pdftotext per page, layout kept). */
function pageTexts(path: string): string[] {
  const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [path], { encoding: 'utf8' }).stdout)?.[1]);
  expect(pages).toBeGreaterThan(1);
  return Array.from({ length: pages }, (_, i) => spawnSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), path, '-'], { encoding: 'utf8' }).stdout);
}

/** Table header rows and section headings of the 审查意见书: none may be the last thing on a page. */
const HEADER_LINES = [/^序号\s+性质\s+审查发现/, /^图层\s+要素\s+重叠面积/, /^图层\s+类型\s+来源文件/, /^序号\s+点号\s+圈号/, /^地块编号\s+地块名称\s+面积/, /^[一二三四五六七八九十]、/, /^（\d+）地块 /];

function lastContentLine(page: string): string {
  const lines = page.split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('LandGate 地块准入审查 ·'));
  return lines[lines.length - 1] ?? '';
}

/** The legend's entries under the first map. */
function legendEntries(page: string): string[] {
  const lines = page.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('图例：'));
  expect(start).toBeGreaterThan(-1);
  const end = lines.findIndex((l, i) => i > start && l.trim().startsWith('坐标系'));
  return lines.slice(start, end).join(' ').replace('图例：', ' ').trim().split(/\s{2,}/).filter(Boolean);
}

function pdfText(path: string): string {
  const r = spawnSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('landgate report', () => {
  it('writes an A4 审查意见书 with embedded Chinese font, map figure, findings, decision and 界址点成果表', () => {
    const out = join(dir, 'report.pdf');
    const r = landgate(['report', project, '--parcel', PARCEL, '--out', out, '--authority', '夏县自然资源局']);
    expect(r.stderr).toContain('已出具');
    expect(r.status).toBe(0);
    const text = pdfText(out);
    for (const s of ['夏县自然资源局', '建设用地准入审查意见书', PARCEL, '东关化肥厂旧址住宅项目', '叠加分析图', '重叠分析表', 'CP-01', '29053.0', '43.58', '96.84', '土壤污染防治法', '不予准入', '李审查', '夏县生态环境分局', '2026-11-20', '参考数据版本', '界址点成果表', '比例尺', '图例', 'CGCS2000']) {
      expect(text, s).toContain(s);
    }
    // A4 and the font embedded.
    const info = spawnSync('pdfinfo', [out], { encoding: 'utf8' }).stdout;
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const fonts = spawnSync('pdffonts', [out], { encoding: 'utf8' }).stdout;
    expect(fonts).toMatch(/WenQuanYiMicroHei\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    expect(info).toMatch(/Keywords:\s+字体：文泉驿微米黑/);

    // Boundary point J1 agrees with PROJ (cs2cs) in the parcel's GK zone (EPSG:4546, CM 111°E).
    const store = ProjectStore.open(project, { readonly: true });
    const feature = new ReviewStore(store).findParcel(PARCEL, 'parcels').feature;
    store.close();
    const g = feature.geometry as Polygon | MultiPolygon;
    const first = g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0][0][0];
    const proj = spawnSync('cs2cs', ['-f', '%.3f', 'EPSG:4490', 'EPSG:4546'], { input: `${first[1]} ${first[0]}\n`, encoding: 'utf8' }).stdout.trim().split(/\s+/);
    const line = text.split('\n').find((l) => /^\s*1\s+J1\s+1\s/.test(l))!;
    expect(line).toBeDefined();
    const [x, y] = line.trim().split(/\s+/).slice(3, 5).map(Number);
    expect(Math.abs(x - Number(proj[0]))).toBeLessThan(0.002);
    expect(Math.abs(y - (37_000_000 + Number(proj[1])))).toBeLessThan(0.002);

    // Render page 1 and look for the map: the parcel outline is drawn in pure-ish red inside the figure.
    const prefix = join(artifacts, 'report-page');
    expect(spawnSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', out, prefix]).status).toBe(0);
    const png = PNG.sync.read(readFileSync(`${prefix}-1.png`));
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] > 180 && png.data[i + 1] < 60 && png.data[i + 2] < 60) red++;
    expect(red).toBeGreaterThan(500);

    // The export is in the audit trail of the parcel.
    const store2 = ProjectStore.open(project, { readonly: true });
    const trail = new ReviewStore(store2).auditTrail({ table: 'parcels', parcelId: PARCEL });
    store2.close();
    expect(trail.some((e) => e.action === 'export' && (e.detail as { format: string }).format === 'review-pdf')).toBe(true);
  }, 240_000);

  it('is issued as the bureau issues it: its 文书编号, local time, the profile by name, no conditions on 不予准入, no stranded header, a legend without repeats', () => {
    const bad = sha256(project);
    const refused = landgate(['settings', project, '--doc-number', '夏自然资准〔{年}〕']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('须含 {号}');
    expect(sha256(project)).toBe(bad);
    const set = landgate(['settings', project, '--doc-number', '夏自然资准〔{年}〕{号}号', '--authority', '夏县自然资源局']);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toContain('夏自然资准〔{年}〕{号}号');

    // XX-2026-002 signed now: the next number of the year in the new pattern; the parcel printed
    // by the first test keeps the number it was issued then (the default pattern)
    const store0 = ProjectStore.open(project);
    const review = new ReviewStore(store0);
    review.signDecision({ table: 'parcels', parcelId: 'XX-2026-002', decision: 'rejected', opinion: '地块位于饮用水水源一级保护区内，不予准入。', conditions: [], signature: { name: '李审查', department: '夏县自然资源局', date: '2026-11-21' } });
    store0.close();
    const first = join(dir, 'issued-1.pdf');
    const again = join(dir, 'issued-2.pdf');
    const earlier = join(dir, 'issued-earlier.pdf');
    expect(landgate(['report', project, '--parcel', 'XX-2026-002', '--out', first]).status).toBe(0);
    expect(landgate(['report', project, '--parcel', 'XX-2026-002', '--out', again]).status).toBe(0);
    expect(landgate(['report', project, '--parcel', PARCEL, '--out', earlier]).status).toBe(0);
    const text = pdfText(first);
    const year = chinaYear(new Date().toISOString());
    expect(text).toContain(`文书编号：夏自然资准〔${year}〕2号`);
    expect(pdfText(again)).toContain(`文书编号：夏自然资准〔${year}〕2号`); // a reprint keeps its number
    expect(pdfText(earlier)).toContain(`文书编号：准入审〔${year}〕1号`);
    expect(text).toContain('夏县自然资源局');
    expect(text).not.toMatch(/UTC/);
    expect(text).toMatch(/出具时间：\d{4}-\d\d-\d\d \d\d:\d\d/);
    const profile = JSON.parse(readFileSync(join(repoRoot, 'data', 'profiles', 'xiaxian.json'), 'utf8')) as { name: string };
    expect(text).toContain(`${profile.name}（版本`);
    expect(text).not.toContain('xiaxian');
    expect(text).not.toMatch(/parcels-XX/);
    // 不予准入: no conditions section, and the sections are numbered without a gap
    expect(text).not.toContain('准入条件');
    expect(text).toMatch(/五、审查意见与决定/);
    expect(text).toMatch(/六、参考数据版本/);
    // the legend names each thing once
    const legend = legendEntries(pageTexts(first)[0]);
    expect(legend).toContain('报件地块');
    expect(legend).toContain('重叠区域');
    expect(new Set(legend).size).toBe(legend.length);
    // the number is kept in the project, its issue audited
    const store = ProjectStore.open(project, { readonly: true });
    expect(store.listAudit().filter((e) => e.action === 'document-number').map((e) => (e.detail as { number: string }).number)).toEqual([`准入审〔${year}〕1号`, `夏自然资准〔${year}〕2号`]);
    store.close();
  }, 240_000);

  it('never leaves a table header or a heading alone at the foot of a page', () => {
    for (const id of [PARCEL, 'XX-2026-002', 'XX-2026-007', 'XX-2026-030']) {
      const out = join(dir, `pages-${id}.pdf`);
      expect(landgate(['report', project, '--parcel', id, '--out', out]).status).toBe(0);
      pageTexts(out).forEach((page, i) => {
        const last = lastContentLine(page);
        for (const header of HEADER_LINES) expect(last, `${id} page ${i + 1} ends with “${last}”`).not.toMatch(header);
      });
    }
  }, 240_000);

  it('draws every water-source protection zone level around a parcel in a zone, each once in the legend', () => {
    const out = join(dir, 'zones.pdf');
    expect(landgate(['report', project, '--parcel', 'XX-2026-002', '--out', out]).status).toBe(0);
    const legend = legendEntries(pageTexts(out)[0]);
    expect(legend).toEqual(expect.arrayContaining(['一级保护区', '二级保护区', '准保护区', '地形晕渲（项目高程数据）']));
    expect(new Set(legend).size).toBe(legend.length);
    // longitude/latitude on the frame
    expect(pageTexts(out)[0]).toMatch(/\d{3}°\d\d′\d\d″E/);
    expect(pageTexts(out)[0]).toMatch(/\d{2}°\d\d′\d\d″N/);
  }, 240_000);

  it('refuses bad input with exit 2, a Chinese message, no output and the project unchanged', () => {
    const before = sha256(project);
    const out = join(dir, 'bad.pdf');
    const cases: [string[], RegExp][] = [
      [['report', project, '--out', out], /缺少 --parcel/],
      [['report', project, '--parcel', 'NO-SUCH', '--out', out], /没有编号为“NO-SUCH”的报件地块/],
      [['report', project, '--parcel', PARCEL, '--out', join(dir, 'bad.txt')], /扩展名应为 \.pdf/],
      [['report', project, '--parcel', PARCEL, '--out', join(dir, 'missing-dir', 'x.pdf')], /输出目录/],
      [['report', join(dir, 'nope.gpkg'), '--parcel', PARCEL, '--out', out], /不存在/],
    ];
    for (const [args, message] of cases) {
      const r = landgate(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'bad.txt'))).toBe(false);
    expect(sha256(project)).toBe(before);
  }, 240_000);

  it('prints with the bundled 思源黑体 when the configured font is missing, and says so in the PDF', () => {
    const out = join(dir, 'bundled-font.pdf');
    const saved = process.env.LANDGATE_CJK_FONT;
    process.env.LANDGATE_CJK_FONT = join(dir, 'no-such-font.ttc');
    try {
      const r = landgate(['report', project, '--parcel', PARCEL, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.LANDGATE_CJK_FONT;
      else process.env.LANDGATE_CJK_FONT = saved;
    }
    const fonts = spawnSync('pdffonts', [out], { encoding: 'utf8' }).stdout;
    expect(fonts).toMatch(/NotoSansHans-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    expect(fonts).not.toContain('WenQuanYi');
    const info = spawnSync('pdfinfo', [out], { encoding: 'utf8' }).stdout;
    expect(info).toMatch(/Keywords:\s+字体：思源黑体 Noto Sans SC（随附）/);
    expect(pdfText(out)).toContain('字体：思源黑体 Noto Sans SC（随附）');
  }, 240_000);

  it('prints a parcel never checked with 尚未审查 and an unsigned signature block', () => {
    const fresh = join(dir, 'fresh.gpkg');
    expect(landgate(['demo', fresh]).status).toBe(0);
    const out = join(dir, 'fresh.pdf');
    expect(landgate(['report', fresh, '--parcel', 'XX-2026-002', '--out', out]).status).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(10_000);
    const text = pdfText(out);
    expect(text).toContain('尚未审查');
    expect(text).toContain('（尚未签发）');
    expect(text).toContain('示例县'); // authority defaults to the project title
  }, 240_000);
});
