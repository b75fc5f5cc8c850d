/**
 * XLSX coordinate tables → layers. An .xlsx is a zip of XML parts; nothing of it is held whole:
 * the archive is read through its central directory (the declared sizes of the parts to be read
 * checked against a budget first), each part is inflated piece by piece (shared/importers/zip.ts)
 * and read with a SAX parser (saxes: no DOM, no DTD, no external entities), and a sheet's rows go
 * one by one to the same table logic as CSV (shared/importers/table.ts), which reads the sheet
 * again for each pass rather than keeping it. What stays in memory is the shared-strings table
 * (the workbook's distinct texts, which cells refer to by number). Cell values only: shared
 * strings, inline strings, numbers, booleans; formulas give their cached value. One layer per
 * sheet that has coordinate columns. Legacy .xls (BIFF) is refused by the registry with a hint to
 * save as .xlsx.
 */
import { text } from '../../../shared/model/text';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { MAX_INFLATED_BYTES, ZipReader } from '../../../shared/importers/zip';
import { openTableLayer, type TableRow } from '../../../shared/importers/table';
import { byteSourceOf, collectLayer, type FormatModule, type ParsedSource, type ParseOptions, type SourceFile, type StreamedLayer, type StreamedSource } from '../../../shared/importers/types';
import { isUserInputError, UserInputError } from '../../../shared/model/errors';

/** Excel's own limits: columns A…XFD, rows 1…1 048 576. */
const MAX_COLUMNS = 16_384;
const MAX_ROWS = 1_048_576;
/** Most cells (blank ones padding a row included) read from one sheet. */
const MAX_CELLS = 20_000_000;
/**
 * Most the parts read may declare, inflated. They stream, so this bounds the time an import can
 * take (every pass parses the sheet), not its memory: a full Excel sheet of coordinates (a million
 * rows of a dozen columns) is ≈ 0.5 GB of XML.
 */
export const MAX_XLSX_INFLATED_BYTES = 2 * MAX_INFLATED_BYTES;

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

function rowNumber(value: string | undefined, fallback: number, fileName: string): number {
  if (value === undefined) return fallback;
  const r = Number(value);
  if (!Number.isInteger(r) || r < 1 || r > MAX_ROWS) throw bad(fileName, `的行号“${value.slice(0, 20)}”超出 Excel 的行范围（1–1048576），文件已损坏。`, `row number "${value.slice(0, 20)}" is outside 1..1048576.`);
  return r;
}

/**
 * Text as Excel means it: `_xHHHH_` stands for the character HHHH (how OOXML writes control
 * characters such as a carriage return, `_x000D_`; `_x005F_` is the underscore that escapes one).
 */
const unescapeText = (text: string) => (text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text);

/** Element and attribute names without their namespace prefix (`x:row` → `row`, `r:id` → `id`). */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

function attribute(tag: SaxesTagPlain, name: string): string | undefined {
  for (const [key, value] of Object.entries(tag.attributes)) if (local(key) === name) return value as string;
  return undefined;
}

interface XmlHandler<T> {
  open(name: string, tag: SaxesTagPlain, emit: (item: T) => void): void;
  close(name: string, emit: (item: T) => void): void;
  text(text: string): void;
}

/**
 * The items a handler emits while one part is parsed, given out after each inflated piece.
 * Malformed XML and any DTD are refused naming the file and the part.
 */
function* parsePart<T>(zip: ZipReader, part: string, fileName: string, handler: XmlHandler<T>): Generator<T> {
  if (!zip.entries.has(part)) return;
  const parser = new SaxesParser();
  const items: T[] = [];
  const emit = (item: T) => void items.push(item);
  parser.on('opentag', (tag) => handler.open(local(tag.name), tag, emit));
  parser.on('closetag', (tag) => handler.close(local(tag.name), emit));
  parser.on('text', (text) => handler.text(text));
  parser.on('cdata', (text) => handler.text(text));
  parser.on('doctype', () => {
    throw bad(fileName, `的“${part}”含有 DTD（<!DOCTYPE>）声明；Excel、WPS 与 GDAL 写出的 XLSX 不含 DTD，文件已损坏或被改动，未读取。`, `part "${part}" has a DTD (<!DOCTYPE>); refused.`);
  });
  let decoder: TextDecoder | null = null;
  const feed = (text: string) => {
    try {
      parser.write(text);
    } catch (error) {
      if (isUserInputError(error)) throw error;
      throw bad(fileName, `的“${part}”不是有效的 XML（${(error as Error).message.slice(0, 120)}），文件已损坏。`, `part "${part}" is not well-formed XML: ${(error as Error).message}`);
    }
  };
  for (const chunk of zip.chunks(part)) {
    if (!decoder) {
      // Excel writes UTF-8; the XML declaration may say UTF-16, shown by its byte-order mark
      decoder = new TextDecoder(chunk[0] === 0xff && chunk[1] === 0xfe ? 'utf-16le' : chunk[0] === 0xfe && chunk[1] === 0xff ? 'utf-16be' : 'utf-8');
    }
    feed(decoder.decode(chunk, { stream: true }));
    yield* items.splice(0);
  }
  feed(decoder?.decode() ?? '');
  try {
    parser.close();
  } catch (error) {
    throw bad(fileName, `的“${part}”不完整（${(error as Error).message.slice(0, 120)}），文件已损坏。`, `part "${part}" is incomplete XML: ${(error as Error).message}`);
  }
  yield* items.splice(0);
}

/** The workbook's sheets in order: name and part path. */
function sheetParts(zip: ZipReader, fileName: string): Array<{ name: string; part: string }> {
  if (!zip.entries.get('xl/workbook.xml')?.size) throw new UserInputError('import.invalid-xlsx', `文件“${fileName}”不是 XLSX 工作簿（缺少 xl/workbook.xml 或它是空的）。`, `"${fileName}": no xl/workbook.xml, or an empty one.`);
  const targets = new Map<string, string>();
  for (const rel of parsePart<{ id: string; target: string }>(zip, 'xl/_rels/workbook.xml.rels', fileName, {
    open(name, tag, emit) {
      if (name === 'Relationship') emit({ id: attribute(tag, 'Id') ?? '', target: attribute(tag, 'Target') ?? '' });
    },
    close() {},
    text() {},
  })) {
    targets.set(rel.id, rel.target.startsWith('/') ? rel.target.slice(1) : `xl/${rel.target}`);
  }
  let root: string | null = null;
  const sheets: Array<{ name: string; part: string }> = [];
  for (const sheet of parsePart<{ name: string; id: string }>(zip, 'xl/workbook.xml', fileName, {
    open(name, tag, emit) {
      root ??= name;
      if (name === 'sheet') emit({ name: attribute(tag, 'name') ?? `Sheet${sheets.length + 1}`, id: attribute(tag, 'id') ?? '' });
    },
    close() {},
    text() {},
  })) {
    sheets.push({ name: sheet.name, part: targets.get(sheet.id) ?? '' });
  }
  if (root !== 'workbook') throw new UserInputError('import.invalid-xlsx', `文件“${fileName}”不是 XLSX 工作簿（xl/workbook.xml 没有 workbook 元素）。`, `"${fileName}": xl/workbook.xml has no workbook element.`);
  return sheets;
}

/** The shared-strings table: each <si>'s text (rich-text runs joined, phonetic runs left out). */
function sharedStrings(zip: ZipReader, fileName: string): string[] {
  const strings: string[] = [];
  let current: string[] | null = null;
  let inText = 0;
  let inPhonetic = 0;
  for (const s of parsePart<string>(zip, 'xl/sharedStrings.xml', fileName, {
    open(name) {
      if (name === 'si') current = [];
      else if (name === 't') inText++;
      else if (name === 'rPh') inPhonetic++;
    },
    close(name, emit) {
      if (name === 'si' && current) {
        emit(unescapeText(current.join('')));
        current = null;
      } else if (name === 't') inText--;
      else if (name === 'rPh') inPhonetic--;
    },
    text(text) {
      if (current && inText > 0 && inPhonetic === 0) current.push(text);
    },
  })) {
    strings.push(s);
  }
  return strings;
}

/** The rows of one sheet part, as they are parsed (1-based row numbers, cells trimmed). */
function* sheetRows(zip: ZipReader, part: string, shared: string[], fileName: string): Generator<TableRow> {
  let root: string | null = null;
  let row = 0;
  let cells: string[] = [];
  let cellIndex = 0;
  let cellCount = 0;
  let cell: { col: number; type: string } | null = null;
  let value = '';
  let inline = '';
  let inValue = false;
  let inInline = 0;
  let inPhonetic = 0;
  yield* parsePart<TableRow>(zip, part, fileName, {
    open(name, tag) {
      root ??= name;
      if (root !== 'worksheet') return;
      if (name === 'row') {
        row = rowNumber(attribute(tag, 'r'), row + 1, fileName);
        cells = [];
        cellIndex = 0;
      } else if (name === 'c') {
        const ref = attribute(tag, 'r');
        cell = { col: ref ? columnIndex(ref, fileName) : cellIndex, type: attribute(tag, 't') ?? 'n' };
        cellIndex++;
        value = '';
        inline = '';
      } else if (name === 'v' && cell) inValue = true;
      else if (name === 't' && cell) inInline++;
      else if (name === 'rPh') inPhonetic++;
    },
    close(name, emit) {
      if (root !== 'worksheet') return;
      if (name === 'v') inValue = false;
      else if (name === 't') inInline = Math.max(0, inInline - 1);
      else if (name === 'rPh') inPhonetic--;
      else if (name === 'c' && cell) {
        const { col, type } = cell;
        cellCount += Math.max(1, col + 1 - cells.length);
        if (cellCount > MAX_CELLS) throw bad(fileName, `的单元格超过 ${MAX_CELLS / 1e6} 百万个（含空白），超出可导入的表格大小。`, `more than ${MAX_CELLS} cells (blank padding included).`);
        let text = value;
        if (type === 's') text = shared[Number(value)] ?? '';
        else if (type === 'inlineStr') text = unescapeText(inline);
        else if (type === 'str') text = unescapeText(value);
        else if (type === 'b') text = value === '1' ? 'TRUE' : 'FALSE';
        while (cells.length < col) cells.push('');
        cells[col] = text.trim();
        cell = null;
      } else if (name === 'row') emit({ cells, row });
    },
    text(text) {
      if (!cell) return;
      if (inValue) value += text;
      else if (inInline > 0 && inPhonetic === 0) inline += text;
    },
  });
}

/** The worksheets of a workbook in order, each readable row by row as often as needed. */
export function xlsxSheets(file: SourceFile, only?: readonly string[]): Array<{ name: string; rows(): Iterable<TableRow> }> {
  const zip = new ZipReader(byteSourceOf(file), file.name, 'import.invalid-xlsx');
  zip.within([...zip.entries.keys()].filter((name) => (name.startsWith('xl/') && name.endsWith('.xml')) || name.endsWith('.rels')), MAX_XLSX_INFLATED_BYTES);
  const sheets = sheetParts(zip, file.name).filter((s) => zip.entries.has(s.part) && (!only?.length || only.includes(s.name)));
  const shared = sheets.length > 0 && zip.entries.has('xl/sharedStrings.xml') ? sharedStrings(zip, file.name) : [];
  return sheets.map((sheet) => ({ name: sheet.name, rows: () => sheetRows(zip, sheet.part, shared, file.name) }));
}

/** The workbook opened: one streamed layer per sheet with coordinate columns. */
export function openXlsx(files: SourceFile[], options: ParseOptions = {}): StreamedSource {
  const file = files[0];
  const layers: StreamedLayer[] = [];
  let firstError: unknown = null;
  for (const sheet of xlsxSheets(file, options.layers)) {
    try {
      const layer = openTableLayer(sheet, file.name, sheet.name, options, `工作表“${sheet.name}”`);
      layer.encoding = { value: 'utf-8', source: 'declared', confidence: 'certain' };
      layers.push(layer);
    } catch (error) {
      if (!isUserInputError(error) || (error.code !== 'import.table-no-coordinates' && error.code !== 'import.empty')) throw error;
      firstError ??= error;
    }
  }
  if (layers.length === 0) {
    if (firstError) throw firstError;
    throw new UserInputError('import.empty', `文件“${file.name}”没有工作表。`, `"${file.name}": no sheets.`);
  }
  return { format: 'xlsx', formatLabel: text('importNote.format.xlsx'), layers };
}

export function parseXlsx(files: SourceFile[], options: ParseOptions = {}): ParsedSource {
  const opened = openXlsx(files, options);
  return { format: opened.format, formatLabel: opened.formatLabel, layers: opened.layers.map(collectLayer) };
}

export const xlsxModule: FormatModule = {
  format: 'xlsx',
  sniff: (files) => files.length === 1 && /\.xlsx$/i.test(files[0].name),
  parse: parseXlsx,
  open: openXlsx,
};
