/**
 * CSV coordinate tables (pure): the file is decoded and split into rows as it is read, in chunks,
 * and handed to the table logic (table.ts) that XLSX sheets share; it is never held whole. The
 * encoding is detected in one pass over the bytes (UTF-8, else the GBK heuristic) unless given.
 * Rows follow RFC 4180 (quoted fields with doubled quotes and line breaks inside), the delimiter is
 * the one among , tab ; and ， that splits the first line most.
 */
import { text } from '../model/text';
import { UserInputError } from '../model/errors';
import { detectEncodingOf, encodingLabelZh, requireEncoding } from './encoding';
import { openTableLayer, type TableRow } from './table';
import { byteSourceOf, collectLayer, type ByteSource, type Detected, type FormatModule, type ParsedSource, type ParseOptions, type SourceFile, type StreamedSource } from './types';

/** Bytes read and decoded at a time. */
const CHUNK = 1 << 20;
/** Longest row accepted, in characters: a file without line breaks, or a quote never closed, is not a table. */
export const MAX_ROW_CHARS = 4 * 1024 * 1024;

const DELIMITERS = [',', '\t', ';', '，'];

/**
 * An RFC 4180 tokenizer fed text piece by piece: `push` returns the rows completed so far (with
 * `last`, the final one too). A quote in a quoted field or a CR that ends a piece waits for the
 * next one (a doubled quote, CRLF).
 */
export class CsvTokenizer {
  private row: string[] = [];
  private field = '';
  private quoted = false;
  /** Characters of the row so far, for the row-length limit. */
  private rowChars = 0;
  private held = '';

  constructor(
    private readonly delimiter: string,
    private readonly onTooLong: () => never = () => {
      throw new Error('row too long');
    },
  ) {}

  push(piece: string, last = false): string[][] {
    const text = this.held + piece;
    this.held = '';
    const rows: string[][] = [];
    const d = this.delimiter;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.quoted) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.take(text.slice(i));
          i = n;
          break;
        }
        this.take(text.slice(i, q));
        if (q + 1 === n && !last) {
          // a doubled quote or the closing one: the next piece says
          this.held = '"';
          i = n;
          break;
        }
        if (text[q + 1] === '"') {
          this.take('"');
          i = q + 2;
        } else {
          this.quoted = false;
          i = q + 1;
        }
        continue;
      }
      // unquoted: up to the next delimiter, quote or line break
      let j = i;
      while (j < n) {
        const c = text[j];
        if (c === d || c === '\n' || c === '\r' || c === '"') break;
        j++;
      }
      if (j > i) this.take(text.slice(i, j));
      if (j >= n) {
        i = n;
        break;
      }
      const c = text[j];
      if (c === '"') {
        if (this.field === '') this.quoted = true;
        else this.take('"');
        i = j + 1;
      } else if (c === d) {
        this.row.push(this.field);
        this.field = '';
        i = j + 1;
      } else if (c === '\r' && j + 1 === n && !last) {
        // CR or CRLF: the next piece says
        this.held = '\r';
        i = n;
      } else {
        i = c === '\r' && text[j + 1] === '\n' ? j + 2 : j + 1;
        this.row.push(this.field);
        rows.push(this.row.map((v) => v.trim()));
        this.row = [];
        this.field = '';
        this.rowChars = 0;
      }
    }
    if (last) {
      if (this.field !== '' || this.row.length > 0) {
        this.row.push(this.field);
        rows.push(this.row.map((v) => v.trim()));
      }
      this.row = [];
      this.field = '';
    }
    return rows;
  }

  private take(s: string): void {
    this.field += s;
    this.rowChars += s.length;
    if (this.rowChars > MAX_ROW_CHARS) this.onTooLong();
  }
}

function delimiterOf(firstLine: string): string {
  const counts: Array<[string, number]> = DELIMITERS.map((d) => [d, firstLine.split(d).length]);
  return counts.sort((a, b) => b[1] - a[1])[0][0];
}

/** RFC 4180 CSV with a detected delimiter (comma, tab, semicolon), from a string. */
export function parseCsvRows(text: string): string[][] {
  return new CsvTokenizer(delimiterOf(text.split(/\r?\n/, 1)[0] ?? '')).push(text, true);
}

/** The rows of a CSV file, decoded with `label` and split as they are read (1-based row numbers). */
export function* csvRows(source: ByteSource, label: string, chunk = CHUNK): Generator<TableRow> {
  const decoder = new TextDecoder(label);
  let tokenizer: CsvTokenizer | null = null;
  let pending = '';
  let row = 0;
  const tooLong = (): never => {
    throw new UserInputError(
      'import.table-row-too-long',
      `文件“${source.name}”第 ${row + 1} 行超过 ${MAX_ROW_CHARS / 1024 / 1024} M 个字符（没有换行，或引号没有闭合），不是可导入的坐标表。`,
      `"${source.name}": row ${row + 1} is longer than ${MAX_ROW_CHARS} characters (no line breaks, or an unclosed quote).`,
    );
  };
  for (let at = 0; at === 0 || at < source.size; at += chunk) {
    const last = at + chunk >= source.size;
    let text = decoder.decode(source.read(at, chunk), { stream: !last });
    if (at === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!tokenizer) {
      // the delimiter is read off the first line, so that line is gathered first
      pending += text;
      const newline = pending.search(/\r?\n/);
      if (newline < 0 && !last) {
        if (pending.length > MAX_ROW_CHARS) tooLong();
        continue;
      }
      tokenizer = new CsvTokenizer(delimiterOf(newline < 0 ? pending : pending.slice(0, newline)), tooLong);
      text = pending;
      pending = '';
    }
    for (const cells of tokenizer.push(text, last)) yield { cells, row: ++row };
  }
}

/** A CSV file as a streamed layer; `bytes` alone when it is in memory, `source` when on disk. */
function openCsv(file: SourceFile, options: ParseOptions): { layer: ReturnType<typeof openTableLayer>; encoding: Detected<string> } {
  const source = byteSourceOf(file);
  const encoding: Detected<string> = options.encoding
    ? { value: requireEncoding(options.encoding), source: 'user', confidence: 'certain' }
    : detectEncodingOf(source);
  const layer = openTableLayer({ rows: () => csvRows(source, encoding.value) }, file.name, file.name.replace(/\.[^.]+$/, ''), options);
  layer.encoding = encoding;
  return { layer, encoding };
}

export function openCsvSource(files: SourceFile[], options: ParseOptions = {}): StreamedSource {
  const { layer, encoding } = openCsv(files[0], options);
  return { format: 'csv', formatLabel: text('importNote.format.csv', { encoding: encodingLabelZh(encoding.value) }), layers: [layer] };
}

export function parseCsv(files: SourceFile[], options: ParseOptions = {}): ParsedSource {
  const opened = openCsvSource(files, options);
  return { format: opened.format, formatLabel: opened.formatLabel, layers: opened.layers.map(collectLayer) };
}

export const csvModule: FormatModule = {
  format: 'csv',
  sniff: (files) => files.length === 1 && /\.(csv|tsv)$/i.test(files[0].name),
  parse: parseCsv,
  open: openCsvSource,
};
