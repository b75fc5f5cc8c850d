/**
 * XLSX coordinate tables → layers. An .xlsx is a zip of XML parts; the importer contract is
 * synchronous, so the sheets are read with fflate + fast-xml-parser (cell values only: shared
 * strings, inline strings, numbers, booleans; formulas give their cached value) and handed to the
 * same table logic as CSV (shared/importers/csv.ts). One layer per sheet that has coordinate
 * columns. Legacy .xls (BIFF) is refused by the registry with a hint to save as .xlsx.
 */
import { unzipWithinBudget } from '../../../shared/importers/zip';
import { XMLParser } from 'fast-xml-parser';
import { tableToLayer } from '../../../shared/importers/csv';
import type { FormatModule, ParsedLayer, ParsedSource, ParseOptions, SourceFile } from '../../../shared/importers/types';
import { isUserInputError, UserInputError } from '../../../shared/model/errors';

type Node = Record<string, unknown>;
const arr = (v: unknown): Node[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') {
    const node = v as Node;
    // rich text runs and <t> before '#text': writers such as GDAL indent the XML, so an <si> or
    // <is> also carries whitespace text between its tags
    if ('r' in node) return arr(node.r).map((r) => text(r.t)).join('');
    if ('t' in node) return arr(node.t).map(text).join('') || text(node.t);
    if ('#text' in node) return String(node['#text']);
    return '';
  }
  return String(v);
}

/** Excel's own limits: columns A…XFD, rows 1…1 048 576. */
const MAX_COLUMNS = 16_384;
const MAX_ROWS = 1_048_576;
/** Most cells (blank ones padding a row included) read from one workbook. */
const MAX_CELLS = 20_000_000;

function bad(fileName: string, zh: string, en: string): UserInputError {
  return new UserInputError('import.invalid-xlsx', `文件“${fileName}”${zh}`, `"${fileName}": ${en}`);
}

/** Zero-based column of a cell reference such as `B7`; refuses references past XFD. */
function columnIndex(ref: string, fileName: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0] ?? 'A';
  let n = 0;
  for (const c of letters.slice(0, 4)) n = n * 26 + (c.charCodeAt(0) - 64);
  if (letters.length > 3 || n > MAX_COLUMNS) throw bad(fileName, `的单元格引用“${ref.slice(0, 20)}”超出 Excel 的列范围（最多 XFD 列），文件已损坏。`, `cell reference "${ref.slice(0, 20)}" is beyond column XFD.`);
  return n - 1;
}

function rowNumber(value: unknown, fallback: number, fileName: string): number {
  if (value === undefined) return fallback;
  const r = Number(value);
  if (!Number.isInteger(r) || r < 1 || r > MAX_ROWS) throw bad(fileName, `的行号“${String(value).slice(0, 20)}”超出 Excel 的行范围（1–1048576），文件已损坏。`, `row number "${String(value).slice(0, 20)}" is outside 1..1048576.`);
  return r;
}

/** Reads every sheet as rows of strings. */
export function readXlsxSheets(bytes: Uint8Array, fileName: string): Array<{ name: string; rows: string[][] }> {
  const entries = unzipWithinBudget(bytes, fileName, (f) => (f.name.startsWith('xl/') && f.name.endsWith('.xml')) || f.name.endsWith('.rels'), { corruptCode: 'import.invalid-xlsx' });
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, trimValues: false, isArray: (n) => ['sheet', 'Relationship', 'si', 'row', 'c', 'r'].includes(n) });
  const xml = (path: string): Node | null => (entries[path] ? (parser.parse(new TextDecoder('utf-8').decode(entries[path])) as Node) : null);
  const workbook = xml('xl/workbook.xml');
  if (!workbook || typeof workbook.workbook !== 'object' || workbook.workbook === null) throw new UserInputError('import.invalid-xlsx', `文件“${fileName}”不是 XLSX 工作簿（缺少 xl/workbook.xml）。`, `"${fileName}": no xl/workbook.xml.`);
  const rels = new Map<string, string>();
  for (const rel of arr((xml('xl/_rels/workbook.xml.rels')?.Relationships as Node | undefined)?.Relationship)) {
    const target = String(rel['@_Target'] ?? '');
    rels.set(String(rel['@_Id']), target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  const shared = arr((xml('xl/sharedStrings.xml')?.sst as Node | undefined)?.si).map(text);
  const sheets: Array<{ name: string; rows: string[][] }> = [];
  let cellCount = 0;
  for (const sheet of arr(((workbook.workbook as Node).sheets as Node | undefined)?.sheet)) {
    const path = rels.get(String(sheet['@_id'])) ?? '';
    const doc = xml(path);
    if (!doc || typeof doc.worksheet !== 'object' || doc.worksheet === null) continue;
    const rows: string[][] = [];
    for (const row of arr(((doc.worksheet as Node).sheetData as Node | undefined)?.row)) {
      const r = rowNumber(row['@_r'], rows.length + 1, fileName) - 1;
      const cells: string[] = [];
      arr(row.c).forEach((c, i) => {
        const col = c['@_r'] ? columnIndex(String(c['@_r']), fileName) : i;
        cellCount += Math.max(1, col + 1 - cells.length);
        if (cellCount > MAX_CELLS) throw bad(fileName, `的单元格超过 ${MAX_CELLS / 1e6} 百万个（含空白），超出可导入的表格大小。`, `more than ${MAX_CELLS} cells (blank padding included).`);
        const type = String(c['@_t'] ?? 'n');
        const raw = text(c.v);
        let value = raw;
        if (type === 's') value = shared[Number(raw)] ?? '';
        else if (type === 'inlineStr') value = text(c.is);
        else if (type === 'b') value = raw === '1' ? 'TRUE' : 'FALSE';
        while (cells.length < col) cells.push('');
        cells[col] = value.trim();
      });
      cellCount += Math.max(0, r - rows.length);
      if (cellCount > MAX_CELLS) throw bad(fileName, `的行数超出可导入的表格大小。`, `too many rows.`);
      while (rows.length < r) rows.push([]);
      rows[r] = cells;
    }
    sheets.push({ name: String(sheet['@_name'] ?? `Sheet${sheets.length + 1}`), rows });
  }
  return sheets;
}

export function parseXlsx(files: SourceFile[], options: ParseOptions = {}): ParsedSource {
  const file = files[0];
  const sheets = readXlsxSheets(file.bytes, file.name).filter((s) => !options.layers?.length || options.layers.includes(s.name));
  const layers: ParsedLayer[] = [];
  let firstError: unknown = null;
  for (const sheet of sheets) {
    try {
      const layer = tableToLayer(sheet.rows, file.name, sheet.name, options, `工作表“${sheet.name}”`);
      layer.encoding = { value: 'utf-8', source: 'declared', confidence: 'certain' };
      layers.push(layer);
    } catch (error) {
      if (!isUserInputError(error) || error.code !== 'import.table-no-coordinates' && error.code !== 'import.empty') throw error;
      firstError ??= error;
    }
  }
  if (layers.length === 0) {
    if (firstError) throw firstError;
    throw new UserInputError('import.empty', `文件“${file.name}”没有工作表。`, `"${file.name}": no sheets.`);
  }
  return { format: 'xlsx', formatLabelZh: 'Excel 坐标表（XLSX）', layers };
}

export const xlsxModule: FormatModule = {
  format: 'xlsx',
  sniff: (files) => files.length === 1 && /\.xlsx$/i.test(files[0].name),
  parse: parseXlsx,
};
