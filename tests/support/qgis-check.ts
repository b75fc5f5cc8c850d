/**
 * Whether QGIS draws a LandGate project as LandGate does: runs tests/support/qgis-inspect.py (QGIS's
 * Python bindings, headless) on a project and compares what QGIS applied with the one style
 * definition, shared/map/styles.ts — per layer the default style loaded from layer_styles, a
 * rule-based renderer with one rule per class (label, fill, stroke, opacity, dash, the stations'
 * 500 m rings in metres), every feature in the class LandGate gives it, the colours QGIS actually
 * painted inside areas, on outlines and lines, at stations and inside their rings (the strictest
 * class on top), and the SLD read back.
 *
 *     node bin/run-ts.js tests/support/qgis-check.ts [project.gpkg] [--png folder]
 *
 * Without a project it makes a fresh demo project (`landgate demo`: every layer kind, a DEM and its
 * elevation bands). Prints a line per layer and every mismatch; exit 1 when there is one, 2 when
 * QGIS's bindings are missing (Debian: apt-get install --no-install-recommends python3-qgis).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CLASS_ATTRIBUTES, classesFor, classOf, KIND_DRAW_ORDER, styleClasses, type StyleClass } from '../../shared/map/styles';
import { isLayerKind, type LayerKind } from '../../shared/model/layers';
import { landgate, repoRoot } from './cli';

const INSPECT = join(repoRoot, 'tests', 'support', 'qgis-inspect.py');
/** Per channel, in 0–255: Qt composites in 8-bit premultiplied ARGB. */
const TOLERANCE = 3;

interface QColor {
  hex: string;
  alpha: number;
}
interface QSymbolLayer {
  class: string;
  pass: number;
  color: QColor;
  strokeColor?: QColor;
  style?: string;
  outline_style?: string;
  use_custom_dash?: string;
  customdash?: string;
  size?: string;
  size_unit?: string;
}
interface QRule {
  key: string;
  label: string;
  filter: string;
  symbol: { layers: QSymbolLayer[] } | null;
}
interface QRenderer {
  type: string;
  rules?: QRule[];
  symbol?: { layers: QSymbolLayer[] };
}
interface QProbe {
  id: string;
  at: 'inside' | 'outline' | 'line' | 'point' | 'ring';
  covering?: string[];
  colors: { hex: string; count: number }[];
}
export interface QgisLayerReport {
  valid: boolean;
  error?: string;
  featureCount: number;
  styles: { own: { id: string; name: string }[] };
  defaultStyle: { loaded: boolean; message: string };
  bareRenderer: string | null;
  labels: { enabled: boolean };
  renderer: QRenderer;
  features: Record<string, string[]>;
  probes: QProbe[];
  sld: { loaded: boolean; message: string; renderer: QRenderer | null } | null;
}
export interface QgisReport {
  qgis: string;
  layers: Record<string, QgisLayerReport>;
}

/** Runs the inspector; null when QGIS's Python bindings are not installed. */
export function inspectWithQgis(gpkg: string, png?: string): QgisReport | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import qgis.core'], { encoding: 'utf8', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' } });
  if (probe.status !== 0) return null;
  const db = new Database(gpkg, { readonly: true });
  const layers = db.prepare('SELECT table_name AS t, kind FROM landgate_layers').all() as { t: string; kind: string }[];
  db.close();
  // LandGate's drawing order, bottom → top, for the all-layers image
  const rank = (kind: string) => KIND_DRAW_ORDER.indexOf(kind as LayerKind);
  const order = layers.sort((a, b) => rank(a.kind) - rank(b.kind)).map((l) => l.t);
  const args = [INSPECT, gpkg, ...(png ? ['--png', png, '--order', order.join(',')] : [])];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`qgis-inspect.py failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as QgisReport;
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
/** QGIS keeps a colour's alpha as 0–255. */
const alpha8 = (opacity: number) => Math.round(opacity * 255) / 255;
const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= TOLERANCE);
const hexOf = (c: number[]) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
/** `layers` (colour, opacity) painted in order over white. */
function composite(layers: readonly { color: string; opacity: number }[]): number[] {
  let out = [255, 255, 255];
  for (const { color, opacity } of layers) {
    const a = alpha8(opacity);
    out = rgb(color).map((c, i) => c * a + out[i] * (1 - a));
  }
  return out;
}

interface LayerRow {
  table_name: string;
  kind: string;
  columns: string;
}

/** The classes LandGate draws a table with, from the style definition and the table's own values. */
function expectedClasses(db: Database.Database, row: LayerRow & { kind: LayerKind }): { classes: StyleClass[]; family: 'area' | 'line' | 'point'; features: Map<string, Record<string, unknown>> } {
  const columns = JSON.parse(row.columns) as { key: string; column: string }[];
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const values: Record<string, (string | number)[]> = {};
  const classAttr = CLASS_ATTRIBUTES[row.kind];
  const classColumn = columns.find((c) => c.key === classAttr);
  if (classAttr && classColumn) {
    values[classAttr] = (db.prepare(`SELECT DISTINCT ${q(classColumn.column)} AS v FROM ${q(row.table_name)} WHERE ${q(classColumn.column)} IS NOT NULL`).all() as { v: string | number }[]).map((r) => r.v);
  }
  const type = ((db.prepare('SELECT geometry_type_name AS g FROM gpkg_geometry_columns WHERE table_name = ?').get(row.table_name) as { g: string }).g ?? '').toUpperCase();
  const family = type.includes('POINT') ? 'point' : type.includes('LINESTRING') ? 'line' : 'area';
  const features = new Map<string, Record<string, unknown>>();
  const select = columns.map((c) => `${q(c.column)} AS ${q(c.key)}`).join(', ');
  for (const f of db.prepare(`SELECT fid AS __fid${select ? `, ${select}` : ''} FROM ${q(row.table_name)}`).all() as Record<string, unknown>[]) {
    features.set(String(f.__fid), f);
  }
  return { classes: styleClasses(row.kind, values), family, features };
}

/** Every way QGIS's drawing of the project differs from LandGate's style definition (empty: none). */
export function compareWithLandgate(gpkg: string, report: QgisReport): { table: string; summary: string; problems: string[] }[] {
  const db = new Database(gpkg, { readonly: true });
  const rows = db.prepare('SELECT table_name, kind, columns FROM landgate_layers ORDER BY id').all() as LayerRow[];
  const out: { table: string; summary: string; problems: string[] }[] = [];
  for (const row of rows) {
    const problems: string[] = [];
    const layer = report.layers[row.table_name];
    if (!isLayerKind(row.kind)) continue;
    if (!layer || !layer.valid) {
      out.push({ table: row.table_name, summary: 'QGIS cannot open it', problems: [layer?.error ?? 'not in the report'] });
      continue;
    }
    const kind = row.kind;
    const { classes: all, family, features } = expectedClasses(db, { ...row, kind });
    const classes = classesFor(all, family);
    const ruleKey = (c: StyleClass) => `{landgate-${kind}-${c.key}}`;
    if (!layer.defaultStyle.loaded) problems.push(`default style not loaded: ${layer.defaultStyle.message}`);
    if (!layer.styles.own.some((s) => s.name === 'LandGate')) problems.push('QGIS lists no LandGate style for the layer');
    if (layer.renderer.type !== 'RuleRenderer') problems.push(`renderer ${layer.renderer.type}, not the rule-based LandGate style`);
    if (layer.labels.enabled) problems.push('labels are on (LandGate draws none)');
    const rules = layer.renderer.rules ?? [];
    if (rules.length !== classes.length) problems.push(`${rules.length} rules for ${classes.length} classes`);

    // one rule per class, in order: label, key, colours, opacity, dash, drawing pass
    classes.forEach((c, i) => {
      const rule = rules[i];
      if (!rule) return;
      const where = `rule ${i + 1} (${c.label.zh})`;
      if (rule.label !== c.label.zh) problems.push(`${where}: label ${rule.label}`);
      if (rule.key !== ruleKey(c)) problems.push(`${where}: key ${rule.key}`);
      const layers = rule.symbol?.layers ?? [];
      const want = (what: string, got: QColor | undefined, hex: string, opacity = 1) => {
        if (!got || got.hex !== hex || Math.abs(got.alpha - alpha8(opacity)) > 0.003) problems.push(`${where}: ${what} ${got ? `${got.hex}@${got.alpha}` : 'missing'}, style has ${hex}@${opacity}`);
      };
      if (c.geometry === 'area') {
        const fill = layers.find((l) => l.class === 'SimpleFill' && l.style === 'solid');
        want('fill', fill?.color, c.fill!, c.fillOpacity);
        if (c.dash) {
          const line = layers.find((l) => l.class === 'SimpleLine');
          want('dashed outline', line?.color, c.stroke!);
          if (line?.use_custom_dash !== '1') problems.push(`${where}: outline not dashed as the style's ${c.dash.join(',')}`);
        } else {
          want('outline', fill?.strokeColor, c.stroke!);
        }
        if (c.hatched && !layers.some((l) => l.class === 'SimpleFill' && l.style === 'b_diagonal')) problems.push(`${where}: no hatching`);
      } else if (c.geometry === 'line') {
        const line = layers.find((l) => l.class === 'SimpleLine');
        want('line', line?.color, c.stroke!);
        if (c.dash && line?.use_custom_dash !== '1') problems.push(`${where}: line not dashed as the style's ${c.dash.join(',')}`);
      } else {
        const dot = layers.find((l) => l.class === 'SimpleMarker' && l.size_unit === 'MM');
        want('symbol', dot?.color, c.fill!);
        want('symbol outline', dot?.strokeColor, c.stroke!);
        if (c.bufferM) {
          const ring = layers.find((l) => l.class === 'SimpleMarker' && l !== dot);
          if (!ring || ring.size_unit !== 'RenderMetersInMapUnits' || Number(ring.size) !== 2 * c.bufferM) problems.push(`${where}: ring ${ring ? `${ring.size} ${ring.size_unit}` : 'missing'}, style has ${c.bufferM} m`);
          if (ring && ring.pass !== 0) problems.push(`${where}: ring in pass ${ring.pass}, not under every dot`);
        }
      }
    });
    // LandGate draws a kind's classes in reverse, the strictest on top (and every ring under every dot)
    const drawn = (r: QRule | undefined) => (r?.symbol?.layers ?? []).filter((l) => l.size_unit !== 'RenderMetersInMapUnits' && !(l.class === 'SimpleMarker' && l.size_unit === 'MapUnit')).map((l) => l.pass);
    for (let i = 0; i + 1 < rules.length; i++) {
      if (Math.min(...drawn(rules[i])) <= Math.max(...drawn(rules[i + 1]))) problems.push(`rule ${i + 1} (${rules[i].label}) is not drawn above rule ${i + 2} (passes ${drawn(rules[i]).join(',')} / ${drawn(rules[i + 1]).join(',')})`);
    }

    // every feature in the class LandGate gives it
    let matched = 0;
    const classOfFid = new Map<string, { c: StyleClass; index: number } | null>();
    for (const [fid, props] of features) {
      const c = classOf(all, props, family);
      classOfFid.set(fid, c ? { c, index: classes.findIndex((k) => k.key === c.key) } : null);
      const want = c ? [ruleKey(c)] : [];
      const got = layer.features[fid] ?? [];
      if (got.join() === want.join()) matched++;
      else problems.push(`feature fid ${fid}: QGIS draws it as ${got.join(', ') || 'nothing'}, LandGate as ${want.join(', ') || 'nothing'}`);
    }

    // the colours QGIS painted
    let probesOk = 0;
    for (const probe of layer.probes) {
      const own = classOfFid.get(probe.id);
      if (!own) continue;
      const top = rgb(probe.colors[0].hex);
      const has = (hex: string) => probe.colors.some((p) => near(rgb(p.hex), rgb(hex)));
      const where = `fid ${probe.id} ${probe.at}`;
      let expected: string | null = null;
      let ok = true;
      if (probe.at === 'inside' || probe.at === 'ring') {
        // what covers the spot, drawn as LandGate draws it: least strict first, strictest on top
        const under = (probe.covering ?? [])
          .map((fid) => classOfFid.get(fid))
          .filter((x): x is { c: StyleClass; index: number } => !!x)
          .sort((a, b) => b.index - a.index);
        const paint = composite(under.map(({ c }) => (probe.at === 'ring' ? { color: c.fill!, opacity: 0.07 } : { color: c.fill!, opacity: c.fillOpacity ?? 0.5 })));
        expected = hexOf(paint);
        ok = near(top, paint);
      } else if (probe.at === 'point') {
        expected = own.c.fill!;
        ok = near(top, rgb(expected));
      } else if ((own.c.strokeWidth ?? 1) >= 1) {
        // thinner strokes are painted lighter (sub-pixel width): only whole-pixel ones are compared
        expected = own.c.stroke!;
        ok = has(expected);
      }
      if (expected === null) continue;
      if (ok) probesOk++;
      else problems.push(`${where}: QGIS painted ${probe.colors.slice(0, 3).map((p) => `${p.hex}×${p.count}`).join(' ')}, LandGate ${expected}`);
    }

    // the SLD beside the QML, for other GIS: QGIS reads it into the same classes
    if (!layer.sld?.loaded) problems.push(`SLD not read: ${layer.sld?.message ?? 'none stored'}`);
    else {
      const sldRules = layer.sld.renderer?.rules ?? (layer.sld.renderer?.symbol ? [{ symbol: layer.sld.renderer.symbol } as QRule] : []);
      if (sldRules.length !== classes.length) problems.push(`SLD: ${sldRules.length} rules for ${classes.length} classes`);
      sldRules.forEach((r, i) => {
        const c = classes[i];
        const first = r.symbol?.layers[0];
        const hex = c && (c.geometry === 'line' ? c.stroke : c.fill);
        if (c && first?.color.hex !== hex) problems.push(`SLD rule ${i + 1}: ${first?.color.hex}, style has ${hex}`);
      });
    }

    const summary = `${layer.renderer.type}, ${rules.length} rules, default style ${layer.defaultStyle.loaded ? 'loaded' : 'NOT loaded'}, features ${matched}/${features.size} in LandGate's class, painted colours ${probesOk} ok`;
    out.push({ table: row.table_name, summary, problems });
  }
  db.close();
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const pngAt = args.indexOf('--png');
  const png = pngAt >= 0 ? args[pngAt + 1] : undefined;
  const given = args.find((a, i) => !a.startsWith('--') && (pngAt < 0 || i !== pngAt + 1));
  let dir: string | undefined;
  let gpkg = given;
  if (!gpkg) {
    dir = mkdtempSync(join(tmpdir(), 'landgate-qgis-'));
    gpkg = join(dir, 'demo.gpkg');
    const r = landgate(['demo', gpkg]);
    if (r.status !== 0) throw new Error(r.stderr);
  } else if (!existsSync(gpkg)) {
    console.error(`no such project: ${gpkg}`);
    process.exit(2);
  }
  try {
    const report = inspectWithQgis(gpkg, png);
    if (!report) {
      console.error('QGIS Python bindings not found (Debian: apt-get install --no-install-recommends python3-qgis)');
      process.exit(2);
    }
    console.log(`QGIS ${report.qgis}: ${gpkg}`);
    let bad = 0;
    for (const { table, summary, problems } of compareWithLandgate(gpkg, report)) {
      console.log(`${problems.length ? '✗' : '✓'} ${table}: ${summary}`);
      for (const p of problems) console.log(`    ${p}`);
      bad += problems.length;
    }
    if (png) console.log(`images: ${png}/<table>.png, ${png}/all.png`);
    process.exitCode = bad ? 1 : 0;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /qgis-check\.ts$/.test(process.argv[1])) await main();
