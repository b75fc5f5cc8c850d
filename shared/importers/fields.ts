/**
 * Field names and values as a file gives them are not all fit to become columns: control
 * characters (a NUL ends a name in SQLite's tokenizer), names thousands of characters long,
 * thousands of distinct fields, property values nested arbitrarily deep. Names are cleaned and
 * made unique, values nested in objects or arrays are kept as JSON text, and sources beyond the
 * limits are refused naming the file.
 */
import type { Feature } from 'geojson';
import { UserInputError } from '../model/errors';

/** Most distinct fields a layer may have (a GeoPackage table has one column per field). */
export const MAX_FIELDS = 500;
/** Longest field name kept, in characters. */
export const MAX_FIELD_NAME = 63;
/** Deepest nesting of arrays and objects accepted in a structured source (GeoJSON). */
export const MAX_NESTING = 64;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A field name fit for a column: control characters removed, trimmed, at most MAX_FIELD_NAME characters. */
export function cleanFieldName(name: string): string {
  const cleaned = [...name.replace(CONTROL, '').trim()].slice(0, MAX_FIELD_NAME).join('');
  return cleaned === '' ? 'field' : cleaned;
}

/** Depth of the deepest array/object nesting in `value`, without recursion; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit = MAX_NESTING): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

export function requireShallow(value: unknown, fileName: string): void {
  if (nestingDepth(value) > MAX_NESTING) {
    throw new UserInputError(
      'import.too-deep',
      `文件“${fileName}”的数组或对象嵌套超过 ${MAX_NESTING} 层，不是可导入的地理数据。`,
      `"${fileName}": arrays/objects nested deeper than ${MAX_NESTING} levels.`,
    );
  }
}

/**
 * Names fit for columns for the fields `names`, in order: cleaned (cleanFieldName) and unique
 * regardless of case (a repeat gets `_2`, `_3` …, as two table columns with one header do).
 * Refuses more than MAX_FIELDS.
 */
export function cleanFieldNames(names: readonly string[], fileName: string): string[] {
  if (names.length > MAX_FIELDS) {
    throw new UserInputError(
      'import.too-many-fields',
      `文件“${fileName}”有 ${names.length} 个不同的属性字段，超过 ${MAX_FIELDS} 个的上限。请删去不需要的字段后再导入。`,
      `"${fileName}" has ${names.length} distinct fields (limit ${MAX_FIELDS}).`,
    );
  }
  const taken = new Set<string>();
  return names.map((name) => {
    let clean = cleanFieldName(name);
    const base = clean;
    for (let n = 2; taken.has(clean.toLowerCase()); n++) clean = `${base.slice(0, MAX_FIELD_NAME - String(n).length - 1)}_${n}`;
    taken.add(clean.toLowerCase());
    return clean;
  });
}

/**
 * Cleans the field names of `features` in place (and the list `fields`): returns the cleaned
 * list. Refuses more than MAX_FIELDS distinct fields.
 */
export function sanitiseFields(features: Feature[], fields: string[], fileName: string): string[] {
  const distinct = new Set(fields);
  for (const f of features) for (const key of Object.keys(f.properties ?? {})) distinct.add(key);
  const names = [...distinct];
  const cleaned = cleanFieldNames(names, fileName);
  const renamed = new Map(names.map((name, i) => [name, cleaned[i]]));
  const identity = [...renamed].every(([a, b]) => a === b);
  for (const f of features) {
    const props = f.properties;
    if (!props) continue;
    let needs = !identity;
    if (!needs) for (const key in props) if (props[key] !== null && typeof props[key] === 'object') needs = true;
    if (!needs) continue;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) out[renamed.get(key)!] = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    f.properties = out;
  }
  return fields.map((f) => renamed.get(f) ?? cleanFieldName(f));
}
