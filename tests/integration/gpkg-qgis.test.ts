/**
 * QGIS and GDAL see a proper GeoPackage: every project (with a DEM, empty, upgraded from schema
 * version 1) passes GDAL's own validator (validate_gpkg.py from python3-gdal), and every layer has
 * its style in the layer_styles table QGIS loads as the layer's default, generated from the same
 * style definition the screen and the 审查意见书 draw with. What QGIS itself makes of those styles
 * is checked by hand (QGIS is too heavy for CI): tests/support/qgis-check.ts, see the README.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProjectStore } from '../../electron/services/project-store';
import { WATER_LEVEL_COLORS, styleClasses, type StyleClass } from '../../shared/map/styles';
import { landgate, repoRoot } from '../support/cli';

const VALIDATOR = ['/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py', '/usr/share/doc/python3-gdal/examples/validate_gpkg.py'].find(existsSync);

let dir: string;
let demo: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-gpkg-'));
  demo = join(dir, '示例 项目.gpkg');
  const r = landgate(['demo', demo]);
  expect(r.status, r.stderr).toBe(0);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GDAL's GeoPackage validator: exit 0 and nothing printed when the file conforms. */
function validate(path: string) {
  expect(VALIDATOR, 'validate_gpkg.py (Debian package python3-gdal) is not installed').toBeDefined();
  const r = spawnSync('/usr/bin/python3', [VALIDATOR!, path], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

function styleRows(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT id, f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time FROM layer_styles ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('GDAL validate_gpkg.py', () => {
  it('passes the demo project, which has a DEM (EPSG:4979 row of the gridded coverage extension)', () => {
    expect(validate(demo)).toEqual({ status: 0, output: '' });
    const db = new Database(demo, { readonly: true });
    expect(db.prepare("SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = 4979").get()).toEqual({ organization: 'EPSG', organization_coordsys_id: 4979 });
    db.close();
  });

  it('passes a fresh empty project', () => {
    const empty = join(dir, 'empty.gpkg');
    expect(landgate(['init', empty]).status).toBe(0);
    expect(validate(empty)).toEqual({ status: 0, output: '' });
  });

  it('passes a project upgraded from schema version 1, which then has its layers styled', () => {
    const old = join(dir, 'v1.gpkg');
    copyFileSync(join(repoRoot, 'tests', 'fixtures', 'projects', 'schema-v1.gpkg'), old);
    expect(styleRows.bind(null, old)).toThrow(/no such table: layer_styles/);
    ProjectStore.open(old).close();
    expect(validate(old)).toEqual({ status: 0, output: '' });
    const tables = styleRows(old).map((r) => r.f_table_name);
    const store = ProjectStore.open(old, { readonly: true });
    expect(tables.sort()).toEqual(store.listLayers().map((l) => l.table).sort());
    store.close();
  });

  it('upgrades a schema-2 project with a DEM: the EPSG:4979 row and the styles are added', () => {
    const old = join(dir, 'v2-dem.gpkg');
    copyFileSync(demo, old);
    const db = new Database(old);
    // as LandGate wrote it at schema version 2
    db.exec("DELETE FROM gpkg_spatial_ref_sys WHERE srs_id = 4979; DROP TABLE layer_styles; DROP TABLE landgate_document_numbers; DELETE FROM gpkg_contents WHERE table_name IN ('layer_styles', 'landgate_document_numbers'); UPDATE landgate_meta SET value = '2' WHERE key = 'schemaVersion'");
    db.prepare("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES ('landgate_parcel_verdicts', 'attributes', 'landgate_parcel_verdicts', '', '2026-01-01T00:00:00.000Z')").run();
    db.close();
    expect(validate(old).output).toMatch(/srs_id=4979|PRIMARY KEY/);
    ProjectStore.open(old).close();
    expect(validate(old)).toEqual({ status: 0, output: '' });
    expect(styleRows(old).length).toBe(styleRows(demo).length);
  });
});

interface QmlLayer {
  class: string;
  pass: string;
  prop: { k: string; v: string }[];
}
/** A layer's LandGate QML as QGIS reads it: its rules in order, each with its symbol's layers. */
function qmlRules(path: string, table: string) {
  const row = styleRows(path).find((r) => r.f_table_name === table && r.styleName === 'LandGate')!;
  const renderer = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(String(row.styleQML)).qgis['renderer-v2'];
  const symbols = [renderer.symbols.symbol].flat() as { name: string; layer: QmlLayer | QmlLayer[] }[];
  return ([renderer.rules.rule].flat() as { label: string; symbol: string }[]).map((rule) => {
    const layers = [symbols.find((s) => s.name === rule.symbol)!.layer].flat().map((l) => ({ class: l.class, pass: Number(l.pass), props: Object.fromEntries([l.prop].flat().map((p) => [p.k, p.v])) as Record<string, string> }));
    return { label: rule.label, layers };
  });
}

describe('layer_styles for QGIS', () => {
  it('has QGIS’s schema and one default LandGate style per layer', () => {
    const info = spawnSync('ogrinfo', ['-ro', '-so', demo, 'layer_styles'], { encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    for (const field of ['f_table_catalog: String (256.0)', 'f_table_schema: String (256.0)', 'f_table_name: String (256.0)', 'f_geometry_column: String (256.0)', 'styleName: String (30.0)', 'styleQML: String', 'styleSLD: String', 'useAsDefault: Integer(Boolean)', 'description: String', 'owner: String (30.0)', 'ui: String (30.0)', 'update_time: DateTime']) {
      expect(info.stdout).toContain(field);
    }
    expect(info.stdout).toMatch(/FID Column = id/);
    const store = ProjectStore.open(demo, { readonly: true });
    const layers = store.listLayers();
    store.close();
    const rows = styleRows(demo);
    expect(rows.map((r) => r.f_table_name).sort()).toEqual(layers.map((l) => l.table).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ f_table_catalog: '', f_table_schema: '', f_geometry_column: 'geom', styleName: 'LandGate', useAsDefault: 1 });
      expect(XMLValidator.validate(String(row.styleQML)), String(row.f_table_name)).toBe(true);
      expect(XMLValidator.validate(String(row.styleSLD)), String(row.f_table_name)).toBe(true);
      expect(String(row.update_time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  });

  it('draws the water-source zones by level, 一级 / 二级 / 准, in the colours of the shared style', () => {
    const row = styleRows(demo).find((r) => r.f_table_name === 'water_source_zones')!;
    const qml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(String(row.styleQML));
    const renderer = qml.qgis['renderer-v2'];
    expect(renderer.type).toBe('RuleRenderer');
    const rules = [renderer.rules.rule].flat() as { label: string; filter: string; symbol: string }[];
    expect(rules.map((r) => r.label)).toEqual(['一级保护区', '二级保护区', '准保护区']);
    expect(rules[1].filter).toContain(`"level" IN ('2')`);
    const symbols = [renderer.symbols.symbol].flat() as { name: string; layer: { prop: { k: string; v: string }[] } }[];
    const colorOf = (name: string) => [symbols.find((s) => s.name === name)!.layer].flat()[0].prop.find((p) => p.k === 'color')!.v;
    const hex = WATER_LEVEL_COLORS['2'];
    const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(',');
    expect(colorOf(rules[1].symbol)).toBe(`${rgb},${Math.round(styleClasses('water-source-zone')[1].fillOpacity! * 255)}`);
    // the SLD carries the same classes
    expect(String(row.styleSLD)).toContain('<se:Name>二级保护区</se:Name>');
  });

  // What QGIS showed of the first styles (tests/support/qgis-check.ts, QGIS 3.22): the 500 m rings in
  // "map units" — degrees in CGCS2000, a grey wash over the whole map — and each layer's features
  // drawn in file order, so a 二级 zone could cover the 一级 zone inside it.
  it('draws the stations’ rings in metres on the ground, under every dot, and the strictest class on top', () => {
    const stations = qmlRules(demo, 'monitoring_stations');
    const classes = styleClasses('monitoring-station');
    expect(stations.map((r) => r.label)).toEqual(classes.map((c) => c.label.zh));
    stations.forEach((rule, i) => {
      const [ring, dot] = rule.layers;
      expect(ring.props).toMatchObject({ size: String(2 * classes[i].bufferM!), size_unit: 'RenderMetersInMapUnits' });
      expect(ring.pass).toBe(0);
      expect(dot.props.size_unit).toBe('MM');
      expect(dot.pass).toBeGreaterThan(0);
    });
    // every kind: rule i's symbol drawn in a later pass than rule i + 1's (rings aside)
    for (const table of ['water_source_zones', 'contaminated_parcels', 'elevation_bands', 'rivers', 'built_up_areas', 'monitoring_stations']) {
      const passes = qmlRules(demo, table).map((r) => r.layers.filter((l) => l.props.size_unit !== 'RenderMetersInMapUnits').map((l) => l.pass));
      for (let i = 0; i + 1 < passes.length; i++) expect(Math.min(...passes[i]), `${table} rule ${i + 1}`).toBeGreaterThan(Math.max(...passes[i + 1]));
    }
  });

  it('dashes lines and outlines as the shared style does (a custom dash in millimetres, not Qt’s fixed patterns)', () => {
    const dashOf = (c: StyleClass) => c.dash!.map((d) => (d * (c.strokeWidth ?? 1) * 0.2646).toFixed(2)).join(';');
    for (const [table, kind] of [['admin_boundary', 'admin-boundary'], ['coal_ban_zones', 'coal-ban-zone']] as const) {
      const [rule] = qmlRules(demo, table);
      const c = styleClasses(kind)[0];
      const line = rule.layers.find((l) => l.class === 'SimpleLine')!;
      expect(line.props, table).toMatchObject({ use_custom_dash: '1', customdash: dashOf(c), customdash_unit: 'MM' });
      // the fill draws no outline of its own under the dashed one
      expect(rule.layers.find((l) => l.class === 'SimpleFill')!.props.outline_style, table).toBe('no');
    }
  });

  it('rewrites LandGate’s styles of a schema-4 project when it is opened, leaving the user’s own', () => {
    const old = join(dir, 'v4-styles.gpkg');
    copyFileSync(demo, old);
    const db = new Database(old);
    // as the first styles had it: the rings in map units; and the user has since made their own style default
    const qml = (db.prepare("SELECT styleQML FROM layer_styles WHERE f_table_name = 'monitoring_stations'").get() as { styleQML: string }).styleQML;
    db.prepare("UPDATE layer_styles SET styleQML = ?, useAsDefault = 0 WHERE f_table_name = 'monitoring_stations'").run(qml.replaceAll('RenderMetersInMapUnits', 'MapUnit'));
    db.prepare("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, description) VALUES ('', '', 'monitoring_stations', 'geom', '局里的样式', '<qgis/>', 1, 'saved in QGIS')").run();
    db.exec("UPDATE landgate_meta SET value = '4' WHERE key = 'schemaVersion'");
    db.close();
    ProjectStore.open(old).close();
    const rows = styleRows(old).filter((r) => r.f_table_name === 'monitoring_stations');
    expect(rows.map((r) => [r.styleName, r.useAsDefault])).toEqual([
      ['LandGate', 0],
      ['局里的样式', 1],
    ]);
    expect(String(rows[0].styleQML)).toContain('RenderMetersInMapUnits');
    expect(rows[1].styleQML).toBe('<qgis/>');
    expect(validate(old)).toEqual({ status: 0, output: '' });
  });

  it('styles a layer when it is imported, and leaves a style the user made default in QGIS the default', () => {
    const path = join(dir, 'import.gpkg');
    expect(landgate(['init', path]).status).toBe(0);
    const db = new Database(path);
    db.prepare("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, description) VALUES ('', '', 'zones', 'geom', '局里的样式', '<qgis/>', 1, 'saved in QGIS')").run();
    db.close();
    const square = (x: number, level: string) => ({ type: 'Feature', properties: { id: `Z${level}`, level }, geometry: { type: 'Polygon', coordinates: [[[x, 35], [x + 0.01, 35], [x + 0.01, 35.01], [x, 35.01], [x, 35]]] } });
    const file = join(dir, '水源地 保护区.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [square(111, '1'), square(111.02, '2')] }));
    for (const [name] of [['zones'], ['zones2']]) {
      const r = landgate(['import', path, file, '--kind', 'water-source-zone', '--name', name, '--crs', 'EPSG:4490']);
      expect(r.status, r.stderr).toBe(0);
    }
    const rows = styleRows(path);
    expect(rows.filter((r) => r.f_table_name === 'zones').map((r) => [r.styleName, r.useAsDefault])).toEqual([
      ['局里的样式', 1],
      ['LandGate', 0],
    ]);
    expect(rows.filter((r) => r.f_table_name === 'zones2').map((r) => [r.styleName, r.useAsDefault])).toEqual([['LandGate', 1]]);
    expect(validate(path)).toEqual({ status: 0, output: '' });
  }, 120_000);
});
