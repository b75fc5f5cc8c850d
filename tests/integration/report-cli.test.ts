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
