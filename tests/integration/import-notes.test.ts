/**
 * An import's notes — warnings, geometry repair notes, the preview's notes on the encoding and
 * the CRS — travel as codes with parameters, like findings: through the real importers, the API
 * the import dialog uses and the CLI. The UI's catalogue says them in English with the figures
 * filled in; in Chinese they say word for word what they said when they were Chinese strings (the
 * expected Chinese below is what the importers printed before they had codes), the CLI prints that
 * Chinese and the audit log records it. A DEM warning an older project stored as plain Chinese
 * still shows as it was stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { importFile } from '../../electron/services/import-file';
import { ProjectStore } from '../../electron/services/project-store';
import { storedDemInfo } from '../../electron/services/terrain/dem-store';
import { importNoteEn, importNoteZh } from '../../shared/importers/messages';
import type { CodedText } from '../../shared/model/text';
import { getLocale, setLocale, tText } from '../../renderer/i18n';
import { landgate } from '../support/cli';
import { uploadFile, waitImportJob } from '../support/import-api';
import { gdalTranslate, writeAsc } from '../fuzz/tiff';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-import-notes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The UI's words for a note in a locale (the renderer's one catalogue). */
function shown(note: Parameters<typeof tText>[0], locale: 'zh-CN' | 'en'): string {
  const before = getLocale();
  try {
    setLocale(locale);
    return tText(note);
  } finally {
    setLocale(before);
  }
}

const HAN = /\p{Script=Han}/u;

// ---------------------------------------------------------------------------------------------
// Parcels whose geometry needs repairs

/** A 100 × 100 (×1e-4°) square whose corner makes a tiny figure-eight: split at the crossing, area kept. */
const loop = [[0, 0], [100, 0], [100, 100], [0.5, 100], [0, 100.5], [0, 100], [0.5, 100.5], [0.4, 99], [0, 99], [0, 0]].map(([x, y]) => [111.2 + x * 1e-4, 35.1 + y * 1e-4]);
const square = (x: number, y: number, s: number) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
const parcel = (DKBH: string, geometry: unknown) => ({ type: 'Feature', properties: { DKBH, GHYT: '0701' }, geometry });

function writeRepairs(): string {
  const path = join(dir, '报件地块.geojson');
  writeFileSync(
    path,
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        parcel('DK-1', { type: 'Polygon', coordinates: [loop] }),
        // a repeated point and a spike (out to 35.102 and straight back)
        parcel('DK-2', { type: 'Polygon', coordinates: [[[111.3, 35.1], [111.3, 35.1], [111.301, 35.1], [111.301, 35.101], [111.3005, 35.101], [111.3005, 35.102], [111.3005, 35.101], [111.3, 35.101], [111.3, 35.1]]] }),
        // two parts overlapping by a quarter
        parcel('DK-3', { type: 'MultiPolygon', coordinates: [[square(111.4, 35.1, 0.002)], [square(111.401, 35.101, 0.002)]] }),
        // a ring not closed, with heights
        parcel('DK-4', { type: 'Polygon', coordinates: [square(111.5, 35.1, 0.001).slice(0, 4).map((p) => [...p, 812.5])] }),
        parcel('', { type: 'Polygon', coordinates: [square(111.6, 35.1, 0.001)] }),
      ],
    }),
  );
  return path;
}

/** What `landgate import` printed for this file before notes had codes. */
const REPAIRS_ZH = [
  '1 个地块的编号字段“DKBH”为空（第 5 个要素），已以要素序号作为其编号。请补齐编号后重新导入。',
  '1 个面边界（环）未闭合，已自动补上闭合点。',
  '3 个要素的几何已修复：要素“DK-1”（第 1 个）：边界自相交 1 处（首处在 111.200025, 35.110025 附近），已在交点处拆分，面积变化 0.0011%。要素“DK-2”（第 2 个）：删除 1 个重复的连续点；删除 1 个尖刺（折返的顶点）。要素“DK-3”（第 3 个）：多部件面的部件相互重叠，已合并（重叠 10115.21 m²）。',
  '坐标中的高程（Z）值已忽略。',
];

const REPAIRS_EN = [
  'The id field “DKBH” of 1 parcel(s) is empty (features 5): their feature numbers were taken as their ids. Fill in the ids and import again.',
  '1 polygon boundary ring(s) were not closed: closing points added.',
  'Geometry repaired in 3 feature(s): Feature “DK-1” (no. 1): the boundary crossed itself 1 time(s) (first near 111.200025, 35.110025): split at the crossings, area changed by 0.0011%. Feature “DK-2” (no. 2): removed 1 repeated consecutive point(s); removed 1 spike(s) (vertices where the boundary turns straight back). Feature “DK-3” (no. 3): overlapping parts of the multipolygon were merged (10115.21 m² overlap).',
  'Elevation (Z) values in the coordinates were ignored.',
];

describe('an import that repairs geometry', () => {
  it('says what it repaired as codes with parameters; English fills them in, Chinese is unchanged, the audit keeps the Chinese', () => {
    const store = ProjectStore.create(join(dir, 'repairs.gpkg'));
    try {
      const layer = importFile(store, writeRepairs(), { kind: 'parcel' });
      expect(layer.warnings).toEqual([
        {
          code: 'importNote.idsEmpty.some',
          params: { count: 1, field: { code: 'importNote.idField.named', params: { fields: 'DKBH' } }, which: { code: 'importNote.featureNumbers', params: { numbers: { list: [5], sep: 'enum' } } } },
        },
        { code: 'importNote.unclosedRings', params: { count: 1 } },
        {
          code: 'importNote.repaired',
          params: {
            count: 3,
            features: {
              sep: 'sentence',
              list: [
                { code: 'importNote.featureRepaired', params: { id: 'DK-1', n: 1, repairs: { sep: 'semicolon', list: [{ code: 'repair.selfIntersection', params: { count: 1, at: '111.200025, 35.110025', pct: '0.0011' } }] } } },
                {
                  code: 'importNote.featureRepaired',
                  params: { id: 'DK-2', n: 2, repairs: { sep: 'semicolon', list: [{ code: 'repair.duplicates', params: { count: 1 } }, { code: 'repair.spikes', params: { count: 1 } }] } },
                },
                { code: 'importNote.featureRepaired', params: { id: 'DK-3', n: 3, repairs: { sep: 'semicolon', list: [{ code: 'repair.overlappingParts', params: { m2: '10115.21' } }] } } },
              ],
            },
            more: '',
          },
        },
        { code: 'importNote.droppedZ' },
      ]);
      expect(layer.warnings.map(importNoteZh)).toEqual(REPAIRS_ZH);
      expect(layer.warnings.map((w) => shown(w, 'zh-CN'))).toEqual(REPAIRS_ZH);
      expect(layer.warnings.map((w) => shown(w, 'en'))).toEqual(REPAIRS_EN);
      expect(layer.warnings.map(importNoteEn)).toEqual(REPAIRS_EN);
      // the audit log records what was said, in Chinese, as it always did
      const audit = store.listAudit().find((e) => e.action === 'import-warnings');
      expect(audit?.detail).toEqual({ table: layer.table, warnings: REPAIRS_ZH });
    } finally {
      store.close();
    }
  });

  it('`landgate import` prints the same Chinese on stderr', () => {
    const project = join(dir, 'cli.gpkg');
    expect(landgate(['init', project]).status).toBe(0);
    const result = landgate(['import', project, writeRepairs(), '--kind', 'parcel', '--name', 'parcels']);
    expect(result.status).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('注意：'))).toEqual(REPAIRS_ZH.map((w) => `注意：${w}`));
  });
});

// ---------------------------------------------------------------------------------------------
// A GBK shapefile in Gauss-Krüger coordinates without .prj or .cpg: the preview guesses both

/** Polygon shapefile (.shp/.shx/.dbf, one C field DKMC in GBK), written byte by byte: no GDAL needed. */
function writeShapefile(base: string, rings: number[][][], names: string[]): string {
  const records = rings.map((ring, i) => {
    const content = Buffer.alloc(44 + 4 + 16 * ring.length);
    content.writeInt32LE(5, 0);
    content.writeInt32LE(1, 36);
    content.writeInt32LE(ring.length, 40);
    ring.forEach(([x, y], k) => {
      content.writeDoubleLE(x, 48 + 16 * k);
      content.writeDoubleLE(y, 56 + 16 * k);
    });
    const head = Buffer.alloc(8);
    head.writeInt32BE(i + 1, 0);
    head.writeInt32BE(content.length / 2, 4);
    return Buffer.concat([head, content]);
  });
  const header = (length: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(length / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(5, 32);
    return h;
  };
  const body = Buffer.concat(records);
  writeFileSync(`${base}.shp`, Buffer.concat([header(100 + body.length), body]));
  let offset = 100;
  const index = records.map((r) => {
    const entry = Buffer.alloc(8);
    entry.writeInt32BE(offset / 2, 0);
    entry.writeInt32BE((r.length - 8) / 2, 4);
    offset += r.length;
    return entry;
  });
  writeFileSync(`${base}.shx`, Buffer.concat([header(100 + 8 * records.length), ...index]));
  const width = 40;
  const dbfHeader = Buffer.alloc(32 + 32 + 1);
  dbfHeader[0] = 3;
  dbfHeader.writeInt32LE(names.length, 4);
  dbfHeader.writeInt16LE(dbfHeader.length, 8);
  dbfHeader.writeInt16LE(1 + width, 10);
  dbfHeader.write('DKMC', 32, 'latin1');
  dbfHeader.write('C', 43, 'latin1');
  dbfHeader[48] = width;
  dbfHeader[64] = 0x0d;
  const rows = names.map((name) => {
    const row = Buffer.alloc(1 + width, 0x20);
    iconv.encode(name, 'gbk').copy(row, 1);
    return row;
  });
  writeFileSync(`${base}.dbf`, Buffer.concat([dbfHeader, ...rows, Buffer.from([0x1a])]));
  return `${base}.shp`;
}

const gkRing = (x: number, y: number) => [[x, y], [x, y + 80], [x + 60, y + 80], [x + 60, y], [x, y]];

const GUESSED_GBK: CodedText = { code: 'importNote.enc.noCpg', params: { note: { code: 'importNote.enc.gbk', params: { pct: 100 } } } };
const GBK_ZH = '没有 .cpg 文件，DBF 也未标明代码页；文本不是 UTF-8；按 GB18030/GBK 字节规律推定为 GBK（100% 的双字节是常用汉字或标点），请在预览中核对属性文字。';
const GBK_EN =
  'There is no .cpg file and the DBF names no code page. The text is not UTF-8; its byte patterns suggest GBK (100% of the two-byte sequences are common Chinese characters or punctuation): check the attribute text in the preview.';
const CRS_ZH = '缺少 .prj 文件。X 坐标含带号前缀 38（8 位），推定为 CGCS2000 3° 高斯-克吕格第 38 带（中央经线 114°E，EPSG:4526），请确认。';
const CRS_EN = 'There is no .prj file. The X coordinates carry the zone prefix 38 (8 digits): taken as CGCS2000 3° Gauss-Krüger zone 38 (central meridian 114°E, EPSG:4526); please confirm.';
const NO_ID_ZH =
  '没有识别出地块编号字段（文件的字段：DKMC），2 个地块已按要素顺序编号为 1…2，审查结论和报告中将以此序号代替地块编号。如文件中有编号字段，请在“字段对应”中将其对应到 id 后重新导入（命令行：landgate import … --field 字段名=id）；可自动识别的编号字段名：地块编号、编号、DKBH、id 等。';

describe('the preview and the import job through the API', () => {
  let api: ApiService;
  beforeAll(() => {
    const project = join(dir, 'api.gpkg');
    ProjectStore.create(project).close();
    api = createApiService(project);
  });
  afterAll(() => api.close());

  it('sends the guessed CRS and encoding as codes; the dialog says them in English, or in the Chinese it always showed', async () => {
    const shp = writeShapefile(join(dir, 'gk_no_prj'), [gkRing(38_372_400, 4_194_000), gkRing(38_372_600, 4_194_000)], ['城区北地块', '城区南地块']);
    let uploadId = await uploadFile(api, shp, 'gk_no_prj.shp');
    for (const ext of ['.shx', '.dbf']) uploadId = await uploadFile(api, shp.replace(/\.shp$/, ext), `gk_no_prj${ext}`, 64 * 1024, uploadId);
    const preview = await api.previewImport({ uploadId, kind: 'parcel' });

    expect(preview.crs).toMatchObject({ value: 'EPSG:4526', confidence: 'proposed' });
    expect(preview.crs.note).toEqual({
      code: 'importNote.crs.noPrj',
      params: { proposal: { code: 'importNote.crs.guessZone', params: { zone: 38, width: 3, cm: 114, code: 'EPSG:4526' } } },
    });
    expect(shown(preview.crs.note!, 'zh-CN')).toBe(CRS_ZH);
    expect(shown(preview.crs.note!, 'en')).toBe(CRS_EN);

    expect(preview.encoding).toMatchObject({ value: 'gbk', confidence: 'proposed', note: GUESSED_GBK });
    expect(shown(preview.encoding!.note!, 'zh-CN')).toBe(GBK_ZH);
    expect(shown(preview.encoding!.note!, 'en')).toBe(GBK_EN);

    // the notes under the outline: the doubtful encoding, and that the parcels have no id field
    expect(preview.warnings.map((w) => w.code)).toEqual(['importNote.dbf.encoding', 'importNote.noIdField.preview']);
    expect(preview.warnings[0]).toEqual({ code: 'importNote.dbf.encoding', params: { note: GUESSED_GBK } });
    expect(preview.warnings[1].params).toMatchObject({ fields: { code: 'importNote.fields.list', params: { fields: { list: ['DKMC'], sep: 'enum' } } }, count: 2, range: '1…2' });
    expect(shown(preview.warnings[0], 'zh-CN')).toBe(`属性表编码：${GBK_ZH}`);
    expect(shown(preview.warnings[0], 'en')).toBe(`Attribute table encoding: ${GBK_EN}`);
    const noIdEn = shown(preview.warnings[1], 'en');
    expect(noIdEn).toMatch(/^No parcel id field was recognised \(the file’s fields: DKMC\): once imported, the 2 parcel\(s\) will be numbered 1…2 in feature order/);
    expect(noIdEn).toContain('“Field mapping”');
    expect(noIdEn.replace(/地块编号|编号/g, '')).not.toMatch(HAN);

    // the import job, CRS confirmed: its notes come back coded too
    const { jobId } = await api.startImport({ uploadId, kind: 'parcel', table: 'gk_parcels', crs: 'EPSG:4526' });
    const status = await waitImportJob(api, jobId);
    expect(status.error).toBeUndefined();
    expect(status.warnings?.map((w) => (typeof w === 'string' ? w : w.code))).toEqual(['importNote.dbf.encoding', 'importNote.noIdField.imported']);
    expect(status.warnings!.map((w) => shown(w, 'zh-CN'))).toEqual([`属性表编码：${GBK_ZH}`, NO_ID_ZH]);
    for (const w of status.warnings!) expect(shown(w, 'en').replace(/地块编号|编号/g, '')).not.toMatch(HAN);
  });
});

// ---------------------------------------------------------------------------------------------
// A DEM stored although it looked implausible

describe('the warnings of a suspect DEM', () => {
  it('are coded when stored; one an older project stored in Chinese still shows as it was', () => {
    // 40 × 40 cells of exactly 0 m: “empty data filled with 0?”
    writeAsc(join(dir, 'zero.asc'), { cols: 40, rows: 40, west: 112, south: 37, cell: 0.001, value: () => 0 });
    gdalTranslate(join(dir, 'zero.asc'), join(dir, 'zero.tif'), ['-a_srs', 'EPSG:4490', '-ot', 'Int16']);
    const project = join(dir, 'dem.gpkg');
    expect(landgate(['init', project]).status).toBe(0);
    const stored = landgate(['bands', project, '--dem', join(dir, 'zero.tif'), '--accept-suspect']);
    expect(stored.status).toBe(0);
    const accepted = '高程数据“zero.tif”经确认后导入，但可能有误：全部 1600 个像元都是 0 米（空数据被填成了 0？）。';
    expect(stored.stderr).toContain(`注意：${accepted}\n`);

    const suspicions = storedDemInfo(project)!.suspicions!;
    expect(suspicions).toEqual([
      {
        code: 'importNote.dem.accepted',
        params: { files: { list: [{ code: 'importNote.quoted', params: { text: 'zero.tif' } }], sep: 'enum' }, suspicion: { code: 'importNote.dem.allZero', params: { count: 1600 } } },
      },
    ]);
    expect(importNoteZh(suspicions[0])).toBe(accepted);
    expect(shown(suspicions[0], 'en')).toBe('The elevation data “zero.tif” were imported once confirmed, but may be wrong: all 1600 cells are 0 m (empty data filled with 0?).');

    // an older project: the DEM's warning stored as the Chinese sentence itself
    const older = '高程数据“旧.tif”经确认后导入，但可能有误：全部 4 个像元都是 0 米（空数据被填成了 0？）。';
    const db = new Database(project);
    try {
      const row = db.prepare("SELECT value FROM landgate_meta WHERE key = 'dem'").get() as { value: string };
      db.prepare("UPDATE landgate_meta SET value = ? WHERE key = 'dem'").run(JSON.stringify({ ...JSON.parse(row.value), suspicions: [older] }));
    } finally {
      db.close();
    }
    const rebuilt = landgate(['bands', project, '--name', 'bands_again']);
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stderr).toContain(`注意：${older}\n`);
    expect(shown(older, 'en')).toBe(older);
    const store = ProjectStore.open(project, { readonly: true });
    try {
      const recorded = store.listAudit().filter((e) => e.action === 'import-warnings');
      expect(recorded.map((e) => e.detail)).toEqual([
        { table: 'elevation_bands', warnings: [accepted] },
        { table: 'bands_again', warnings: [older] },
      ]);
    } finally {
      store.close();
    }
  });
});
