/**
 * The project's layer styles in the `layer_styles` table QGIS reads when it opens a GeoPackage
 * layer (QGIS's own schema, as its OGR provider's saveStyle creates it), generated from the one
 * style definition (shared/map/styles.ts): a rule-based QML renderer QGIS loads as the layer's
 * default style, and the same rules as SLD 1.1 for other GIS. Our row is named "LandGate"; a style
 * the user saved in QGIS under another name is left alone, and stays the default if they made it so.
 */
import type Database from 'better-sqlite3';
import { CLASS_ATTRIBUTES, classesFor, styleClasses, type StyleClass, type StyleCondition } from '../../../shared/map/styles';
import { isLayerKind, type LayerKind } from '../../../shared/model/layers';
import { quoteId } from './feature-request';
import { gpkgTimestamp, LANDGATE_SQL, registerLandgateTables } from './schema';

export const LAYER_STYLES_TABLE = 'layer_styles';
export const LANDGATE_STYLE_NAME = 'LandGate';

/** Creates layer_styles and registers it as an attributes table (idempotent). */
export function ensureLayerStylesTable(db: Database.Database, at: string): void {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'").get()) return;
  db.exec(LANDGATE_SQL);
  registerLandgateTables(db, at);
}

interface LayerRow {
  table_name: string;
  kind: string;
  title: string;
  columns: string;
}

/** Writes (or rewrites) LandGate's style of one layer; call inside the transaction that changed the layer. */
export function writeLayerStyle(db: Database.Database, table: string, at: string): void {
  const row = db.prepare('SELECT table_name, kind, title, columns FROM landgate_layers WHERE table_name = ?').get(table) as LayerRow | undefined;
  if (!row || !isLayerKind(row.kind)) return;
  ensureLayerStylesTable(db, at);
  const columns = new Map((JSON.parse(row.columns) as { key: string; column: string; type: string }[]).map((c) => [c.key, c]));
  const classAttr = CLASS_ATTRIBUTES[row.kind];
  const values: Record<string, (string | number)[]> = {};
  const classColumn = classAttr ? columns.get(classAttr) : undefined;
  if (classAttr && classColumn) {
    // A handful of distinct values (elevation bands' thresholds), read when the layer is written.
    const distinct = db.prepare(`SELECT DISTINCT ${quoteId(classColumn.column)} AS v FROM ${quoteId(table)} WHERE ${quoteId(classColumn.column)} IS NOT NULL LIMIT 64`).all() as { v: string | number }[];
    values[classAttr] = distinct.map((d) => d.v);
  }
  const geometryType = (db.prepare('SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?').get(table) as { geometry_type_name: string } | undefined)?.geometry_type_name ?? 'GEOMETRY';
  const classes = classesForTable(styleClasses(row.kind, values), geometryType);
  const column = (key: string) => columns.get(key)?.column;
  const qml = layerQml(row.kind, classes, column);
  const sld = layerSld(table, row.title, classes, column);
  const existing = db.prepare('SELECT id FROM layer_styles WHERE f_table_name = ? AND f_geometry_column = ? AND styleName = ?').get(table, 'geom', LANDGATE_STYLE_NAME) as { id: number } | undefined;
  const time = gpkgTimestamp(at);
  const description = `LandGate 样式：${row.title}`;
  if (existing) {
    db.prepare('UPDATE layer_styles SET styleQML = ?, styleSLD = ?, description = ?, update_time = ? WHERE id = ?').run(qml, sld, description, time, existing.id);
  } else {
    const otherDefault = db.prepare("SELECT 1 FROM layer_styles WHERE f_table_name = ? AND f_geometry_column = 'geom' AND useAsDefault = 1").get(table);
    db.prepare("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?, 'geom', ?, ?, ?, ?, ?, '', NULL, ?)").run(
      table,
      LANDGATE_STYLE_NAME,
      qml,
      sld,
      otherDefault ? 0 : 1,
      description,
      time,
    );
  }
}

/** Every layer's style (a migration, a repair). */
export function writeAllLayerStyles(db: Database.Database, at: string): void {
  ensureLayerStylesTable(db, at);
  for (const { table_name } of db.prepare('SELECT table_name FROM landgate_layers ORDER BY id').all() as { table_name: string }[]) writeLayerStyle(db, table_name, at);
}

/** The classes for what the table holds: a table of one geometry family gets that family's classes. */
function classesForTable(classes: StyleClass[], geometryType: string): StyleClass[] {
  const type = geometryType.toUpperCase();
  if (type === 'GEOMETRY' || type === 'GEOMETRYCOLLECTION') return classes;
  return classesFor(classes, type.includes('POINT') ? 'point' : type.includes('LINESTRING') ? 'line' : 'area');
}

// ---------------------------------------------------------------------------------------------
// QML (QGIS's own style format): a rule-based renderer, one rule per class

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function rgba(hex: string, opacity = 1): string {
  const n = parseInt(hex.slice(1), 16);
  return `${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${Math.round(opacity * 255)}`;
}

/** Screen pixels → millimetres on a QGIS canvas (96 dpi). */
const mm = (px: number) => (px * 0.2646).toFixed(2);

const literal = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

/** A QGIS expression for a condition; a condition on an attribute the layer lacks is false. */
export function qgisExpression(condition: StyleCondition, column: (key: string) => string | undefined): string {
  if ('all' in condition) return `(${condition.all.map((c) => qgisExpression(c, column)).join(' AND ')})`;
  if ('not' in condition) return `NOT ${qgisExpression(condition.not, column)}`;
  const name = column(condition.attr);
  if (!name) return 'FALSE';
  const field = `"${name.replace(/"/g, '""')}"`;
  if ('isTrue' in condition) return `coalesce(${field}, FALSE)`;
  return `coalesce(${field} IN (${condition.in.map(literal).join(', ')}), FALSE)`;
}

const GEOMETRY_EXPRESSION = { area: "geometry_type($geometry) = 'Polygon'", line: "geometry_type($geometry) = 'Line'", point: "geometry_type($geometry) = 'Point'" } as const;

/** Rules that take each feature once: a class's own condition and none of the earlier classes' of the same geometry. */
function ruleFilters(classes: readonly StyleClass[], column: (key: string) => string | undefined): string[] {
  const mixed = new Set(classes.map((c) => c.geometry)).size > 1;
  return classes.map((c, i) => {
    const parts: string[] = [];
    if (mixed) parts.push(GEOMETRY_EXPRESSION[c.geometry]);
    if (c.where) parts.push(qgisExpression(c.where, column));
    for (const earlier of classes.slice(0, i)) if (earlier.geometry === c.geometry && earlier.where) parts.push(`NOT ${qgisExpression(earlier.where, column)}`);
    return parts.length ? parts.join(' AND ') : 'TRUE';
  });
}

/**
 * QGIS draws a rule-based layer feature by feature, in the order it reads them, unless symbol
 * layers have rendering passes. LandGate draws a kind's classes in reverse, the strictest on top,
 * so class i of n gets pass n − i (a station's buffer ring pass 0, under every station's dot).
 */
function qmlSymbol(c: StyleClass, name: number, pass: number): string {
  const prop = (k: string, v: string) => `<prop k="${k}" v="${xml(v)}"/>`;
  const layer = (cls: string, props: string[], layerPass = pass) => `<layer class="${cls}" enabled="1" locked="0" pass="${layerPass}">${props.join('')}</layer>`;
  const width = c.strokeWidth ?? 1;
  // a dash pattern in line widths, as QGIS's custom dash in millimetres
  const dash = c.dash ? [prop('use_custom_dash', '1'), prop('customdash', c.dash.map((d) => mm(d * width)).join(';')), prop('customdash_unit', 'MM')] : [prop('use_custom_dash', '0')];
  const line = (color: string) => layer('SimpleLine', [prop('line_color', rgba(color)), prop('line_width', mm(width)), prop('line_width_unit', 'MM'), prop('line_style', 'solid'), ...dash, prop('capstyle', 'round'), prop('joinstyle', 'round')]);
  if (c.geometry === 'point') {
    const layers = [
      layer('SimpleMarker', [prop('name', 'circle'), prop('color', rgba(c.fill ?? '#555555')), prop('outline_color', rgba(c.stroke ?? '#ffffff')), prop('outline_width', mm(width)), prop('outline_width_unit', 'MM'), prop('size', mm(2 * (c.radius ?? 4))), prop('size_unit', 'MM')]),
    ];
    if (c.bufferM) {
      // the buffer ring, in metres on the ground whatever the canvas CRS (QGIS's "meters at scale"; MapUnit would be degrees in CGCS2000)
      layers.unshift(
        layer('SimpleMarker', [prop('name', 'circle'), prop('color', rgba(c.fill ?? '#555555', 0.07)), prop('outline_color', rgba(c.fill ?? '#555555', 0.9)), prop('outline_style', 'dash'), prop('outline_width', '0.35'), prop('outline_width_unit', 'MM'), prop('size', String(2 * c.bufferM)), prop('size_unit', 'RenderMetersInMapUnits')], 0),
      );
    }
    return `<symbol type="marker" name="${name}" alpha="1" clip_to_extent="1" force_rhr="0">${layers.join('')}</symbol>`;
  }
  if (c.geometry === 'line') return `<symbol type="line" name="${name}" alpha="1" clip_to_extent="1" force_rhr="0">${line(c.stroke ?? '#333333')}</symbol>`;
  // a dashed outline is a line layer of its own (a simple fill's outline knows only Qt's fixed dashes)
  const outline = c.dash ? [prop('outline_style', 'no')] : [prop('outline_color', rgba(c.stroke ?? '#333333')), prop('outline_style', 'solid'), prop('outline_width', mm(width)), prop('outline_width_unit', 'MM')];
  const fill = layer('SimpleFill', [prop('color', rgba(c.fill ?? '#cccccc', c.fillOpacity ?? 0.5)), prop('style', 'solid'), ...outline, prop('joinstyle', 'round')]);
  const hatch = c.hatched ? layer('SimpleFill', [prop('color', rgba(c.stroke ?? '#333333', 0.85)), prop('style', 'b_diagonal'), prop('outline_style', 'no')]) : '';
  return `<symbol type="fill" name="${name}" alpha="1" clip_to_extent="1" force_rhr="0">${fill}${hatch}${c.dash ? line(c.stroke ?? '#333333') : ''}</symbol>`;
}

export function layerQml(kind: LayerKind, classes: readonly StyleClass[], column: (key: string) => string | undefined): string {
  const filters = ruleFilters(classes, column);
  const rules = classes.map((c, i) => `<rule key="{landgate-${kind}-${c.key}}" symbol="${i}" label="${xml(c.label.zh)}" filter="${xml(filters[i])}"/>`).join('\n      ');
  const symbols = classes.map((c, i) => qmlSymbol(c, i, classes.length - i)).join('\n      ');
  return `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0-Białowieża" styleCategories="Symbology">
  <renderer-v2 type="RuleRenderer" forceraster="0" symbollevels="0" enableorderby="0">
    <rules key="{landgate-${kind}}">
      ${rules}
    </rules>
    <symbols>
      ${symbols}
    </symbols>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerGeometryType>${classes.some((c) => c.geometry === 'area') ? 2 : classes.some((c) => c.geometry === 'line') ? 1 : 0}</layerGeometryType>
</qgis>
`;
}

// ---------------------------------------------------------------------------------------------
// SLD 1.1 (what QGIS exports as "SLD style"), for other GIS

function ogcFilter(condition: StyleCondition, column: (key: string) => string | undefined): string {
  if ('all' in condition) return `<ogc:And>${condition.all.map((c) => ogcFilter(c, column)).join('')}</ogc:And>`;
  if ('not' in condition) return `<ogc:Not>${ogcFilter(condition.not, column)}</ogc:Not>`;
  const name = xml(column(condition.attr) ?? condition.attr);
  const equals = (v: string | number) => `<ogc:PropertyIsEqualTo><ogc:PropertyName>${name}</ogc:PropertyName><ogc:Literal>${xml(String(v))}</ogc:Literal></ogc:PropertyIsEqualTo>`;
  if ('isTrue' in condition) return equals(1);
  return condition.in.length === 1 ? equals(condition.in[0]) : `<ogc:Or>${condition.in.map(equals).join('')}</ogc:Or>`;
}

function sldSymbolizer(c: StyleClass): string {
  const stroke = `<se:Stroke><se:SvgParameter name="stroke">${c.stroke ?? '#333333'}</se:SvgParameter><se:SvgParameter name="stroke-width">${c.strokeWidth ?? 1}</se:SvgParameter>${c.dash ? `<se:SvgParameter name="stroke-dasharray">${c.dash.map((d) => d * (c.strokeWidth ?? 1)).join(' ')}</se:SvgParameter>` : ''}</se:Stroke>`;
  if (c.geometry === 'point') {
    return `<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">${c.fill}</se:SvgParameter></se:Fill>${stroke}</se:Mark><se:Size>${2 * (c.radius ?? 4)}</se:Size></se:Graphic></se:PointSymbolizer>`;
  }
  if (c.geometry === 'line') return `<se:LineSymbolizer>${stroke}</se:LineSymbolizer>`;
  return `<se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">${c.fill}</se:SvgParameter><se:SvgParameter name="fill-opacity">${c.fillOpacity ?? 0.5}</se:SvgParameter></se:Fill>${stroke}</se:PolygonSymbolizer>`;
}

export function layerSld(table: string, title: string, classes: readonly StyleClass[], column: (key: string) => string | undefined): string {
  const rules = classes.map((c, i) => {
    const parts: string[] = [];
    if (c.where) parts.push(ogcFilter(c.where, column));
    for (const earlier of classes.slice(0, i)) if (earlier.geometry === c.geometry && earlier.where) parts.push(`<ogc:Not>${ogcFilter(earlier.where, column)}</ogc:Not>`);
    const filter = parts.length === 0 ? '' : `<ogc:Filter>${parts.length === 1 ? parts[0] : `<ogc:And>${parts.join('')}</ogc:And>`}</ogc:Filter>`;
    return `<se:Rule><se:Name>${xml(c.label.zh)}</se:Name><se:Description><se:Title>${xml(c.label.zh)}</se:Title></se:Description>${filter}${sldSymbolizer(c)}</se:Rule>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer><se:Name>${xml(table)}</se:Name><UserStyle><se:Name>${xml(title)}</se:Name><se:FeatureTypeStyle>${rules.join('')}</se:FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>
`;
}
