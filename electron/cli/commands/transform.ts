/**
 * `landgate transform --from <crs> --to <crs>`: `x y` lines on stdin → `x y` lines on stdout.
 * Axis order is always x = easting / longitude, y = northing / latitude (GIS order), whatever the
 * EPSG axis order of the code (EPSG:4490 is lat/lon and 4513–4554 northing/easting in the EPSG
 * registry; `cs2cs EPSG:4490 EPSG:4525` therefore reads "lat lon" and writes "northing easting").
 * Numbers are written with `String(number)` (shortest round-trip, full double precision). Extra
 * columns after x y are passed through; blank lines and `#` comments are copied. A bad line:
 * exit 2 naming the line, nothing written.
 */
import { readFileSync } from 'node:fs';
import { normalizeCrs, transformer, withTowgs84, needsTransformationParameters } from '../../../shared/crs';
import { UserInputError } from '../../../shared/model/errors';
import type { CommandSpec } from './types';

function crsArg(value: unknown, option: string, towgs84: string | undefined): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UserInputError('cli.crs-missing', `缺少 --${option}（坐标系），例如 EPSG:4490、EPSG:4525、GCJ02。`, `Missing --${option}.`);
  }
  const code = /^\s*(?:epsg:)?(\d{4,5})\s*$/i.test(value) ? `EPSG:${/(\d{4,5})/.exec(value)![1]}` : value;
  if (towgs84 !== undefined && needsTransformationParameters(code)) return withTowgs84(code, towgs84);
  return normalizeCrs(value);
}

export const transformCommand: CommandSpec = {
  usage: 'landgate transform --from <crs> --to <crs> [--towgs84 dx,dy,dz[,rx,ry,rz,s]]  < in.txt > out.txt',
  summary: '坐标转换：从标准输入读取“x y”行（x 为东坐标或经度），按行输出转换结果（完整精度）。坐标系：EPSG 代码、GCJ02、BD09。',
  options: { from: { type: 'string' }, to: { type: 'string' }, towgs84: { type: 'string' } },
  positionals: [0, 0],
  async run(_positionals, values, io) {
    const towgs84 = values.towgs84 as string | undefined;
    const from = crsArg(values.from, 'from', towgs84);
    const to = crsArg(values.to, 'to', towgs84);
    const convert = transformer(from, to);
    const input = readFileSync(0, 'utf8');
    const lines = input.split(/\r?\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const out: string[] = [];
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        out.push(line);
        return;
      }
      const tokens = trimmed.split(/[\s,;]+/);
      const x = Number(tokens[0]);
      const y = Number(tokens[1]);
      if (tokens.length < 2 || tokens[0] === '' || tokens[1] === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
        throw new UserInputError('transform.bad-line', `第 ${i + 1} 行“${trimmed.slice(0, 60)}”不是“x y”两个数值，未输出任何结果。`, `line ${i + 1}: "${trimmed.slice(0, 60)}" is not "x y".`);
      }
      const [tx, ty] = convert([x, y]);
      if (!Number.isFinite(tx) || !Number.isFinite(ty)) {
        throw new UserInputError('transform.out-of-range', `第 ${i + 1} 行的坐标 (${x}, ${y}) 无法从 ${from} 转换到 ${to}（超出范围），未输出任何结果。`, `line ${i + 1}: (${x}, ${y}) cannot be transformed.`);
      }
      out.push([String(tx), String(ty), ...tokens.slice(2)].join(' '));
    });
    io.out(out.length > 0 ? `${out.join('\n')}\n` : '');
  },
};
