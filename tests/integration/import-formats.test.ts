/**
 * GeoPackage (written by ogr2ogr in the test, EPSG:4490 and EPSG:4526), KML/KMZ, CSV and XLSX
 * through the registry and the real CLI: layers listed, CRS from srs_id, attributes kept,
 * coordinates right, proposals needing --crs, refusals with exit 2 and the project unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { listGpkgLayers, parseGpkg } from '../../electron/services/importers/gpkg';
import { detectFormat } from '../../electron/services/importers/registry';
import { readFeaturesFile } from '../../electron/services/import-file';
import { ProjectStore } from '../../electron/services/project-store';
import { isUserInputError } from '../../shared/model/errors';
import { landgate, ogrLayers, sha256, sharedData } from '../support/cli';

const COUNTIES = join(sharedData, 'boundaries', 'tianditu_cgcs2000_simplified', 'shanxi_counties_tianditu.geojson');
const CITIES = join(sharedData, 'boundaries', 'tianditu_cgcs2000_simplified', 'shanxi_cities_tianditu.geojson');

let dir: string;
let gpkg4490: string;
let gpkg4526: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'landgate-formats-'));
  gpkg4490 = join(dir, 'qgis_4490.gpkg');
  execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg4490, COUNTIES, '-nln', '区县', '-a_srs', 'EPSG:4490']);
  execFileSync('ogr2ogr', ['-f', 'GPKG', '-update', gpkg4490, CITIES, '-nln', '地级市', '-a_srs', 'EPSG:4490']);
  gpkg4526 = join(dir, 'qgis_4526.gpkg');
  execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg4526, COUNTIES, '-nln', '区县', '-s_srs', 'EPSG:4490', '-t_srs', 'EPSG:4526']);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (path: string) => ({ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) });
const source = JSON.parse(readFileSync(COUNTIES, 'utf8')) as { features: Array<{ properties: Record<string, unknown>; geometry: { coordinates: number[][][] } }> };

describe('GeoPackage import', { timeout: 300_000 }, () => {
  it('lists the layers of a GDAL-written GeoPackage and reads the chosen one (EPSG:4490)', () => {
    expect(detectFormat([file(gpkg4490)]).format).toBe('gpkg');
    expect(listGpkgLayers(file(gpkg4490))).toEqual([
      { name: '区县', srsId: 4490, featureCount: 117 },
      { name: '地级市', srsId: 4490, featureCount: 11 },
    ]);
    const parsed = parseGpkg([file(gpkg4490)], { layers: ['区县'] });
    const layer = parsed.layers[0];
    expect(layer.crs).toMatchObject({ value: 'EPSG:4490', confidence: 'certain' });
    expect(layer.features).toHaveLength(117);
    expect(layer.fields).toContain('district_name');
    const first = layer.features.find((f) => f.properties?.district_adcode === source.features[0].properties.district_adcode)!;
    expect(first.properties?.district_name).toBe(source.features[0].properties.district_name);
    const ring = (first.geometry as { coordinates: number[][][] | number[][][][] }).coordinates.flat(3) as number[];
    expect(ring.slice(0, 2)).toEqual(source.features[0].geometry.coordinates[0][0].slice(0, 2));
  });

  it('reads EPSG:4526 layers and transforms them back to lon/lat within 1 mm', () => {
    const store = ProjectStore.create(join(dir, 'read.gpkg'));
    store.close();
    const read = readFeaturesFile(gpkg4526, { kind: 'admin-boundary' });
    expect(read.originalCrs).toBe('EPSG:4526');
    expect(read.features).toHaveLength(117);
    const f = read.features.find((x) => x.properties?.name === source.features[0].properties.district_name || JSON.stringify(x.properties).includes(String(source.features[0].properties.district_adcode)))!;
    expect(f).toBeDefined();
    const got = (f.geometry as { coordinates: unknown }).coordinates as unknown[];
    const firstPos = (JSON.stringify(got).match(/-?\d+\.\d+,-?\d+\.\d+/) ?? [''])[0].split(',').map(Number);
    const [lon, lat] = source.features[0].geometry.coordinates[0][0];
    // 1 mm ≈ 1e-8° here
    expect(Math.abs(firstPos[0] - lon)).toBeLessThan(2e-8);
    expect(Math.abs(firstPos[1] - lat)).toBeLessThan(2e-8);
  });

  it('refuses unsupported srs with the definition shown; CLI imports a chosen layer, exit 2 without --layer', () => {
    const odd = join(dir, 'odd.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', odd, CITIES, '-nln', 'utm', '-s_srs', 'EPSG:4490', '-t_srs', 'EPSG:32649']);
    try {
      parseGpkg([file(odd)]);
      throw new Error('should refuse');
    } catch (error) {
      expect(isUserInputError(error)).toBe(true);
      expect((error as { messageZh: string }).messageZh).toMatch(/odd\.gpkg.*32649.*UTM/s);
    }
    const p = join(dir, 'cli.gpkg');
    expect(landgate(['init', p]).status).toBe(0);
    const hash = sha256(p);
    const noLayer = landgate(['import', p, gpkg4490, '--kind', 'admin-boundary']);
    expect(noLayer.status).toBe(2);
    expect(noLayer.stderr).toContain('区县');
    expect(sha256(p)).toBe(hash);
    const ok = landgate(['import', p, gpkg4490, '--kind', 'admin-boundary', '--layer', '地级市', '--name', 'cities']);
    expect(ok.stderr).toBe('');
    expect(ogrLayers(p).get('cities')?.featureCount).toBe(11);
  });
});

describe('KML, CSV and XLSX through the CLI', () => {
  it('imports KMZ placemarks, CSV stations (CRS confirmed with --crs) and an XLSX corner list', async () => {
    const p = join(dir, 'mixed.gpkg');
    expect(landgate(['init', p]).status).toBe(0);
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>监测站</name>
<Placemark><name>夏县站</name><ExtendedData><Data name="站点类型"><value>国控</value></Data></ExtendedData><Point><coordinates>111.2201,35.1408,0</coordinates></Point></Placemark>
<Placemark><name>城区站</name><ExtendedData><Data name="站点类型"><value>省控</value></Data></ExtendedData><Point><coordinates>112.8512,35.4978,0</coordinates></Point></Placemark>
</Folder></Document></kml>`;
    const kmz = join(dir, 'stations.kmz');
    writeFileSync(kmz, zipSync({ 'doc.kml': new TextEncoder().encode(kml) }));
    const r1 = landgate(['import', p, kmz, '--kind', 'monitoring-station', '--name', 'kml_stations']);
    expect(r1.stderr).toBe('');
    expect(r1.status).toBe(0);

    const csv = join(dir, 'stations.csv');
    writeFileSync(csv, '\uFEFF站点名称,类型,经度,纬度\r\n夏县站,国控,111.2201,35.1408\r\n城区站,省控,112.8512,35.4978\r\n');
    const hash = sha256(p);
    const proposed = landgate(['import', p, csv, '--kind', 'monitoring-station', '--name', 'csv_stations']);
    expect(proposed.status).toBe(2);
    expect(proposed.stderr).toContain('--crs');
    expect(sha256(p)).toBe(hash);
    expect(landgate(['import', p, csv, '--kind', 'monitoring-station', '--name', 'csv_stations', '--crs', 'EPSG:4490']).status).toBe(0);

    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('界址点');
    sheet.addRow(['地块编号', '地块名称', '点号', 'X坐标', 'Y坐标']);
    for (const [pt, x, y] of [['J1', 4194120, 38372400], ['J2', 4194120, 38372480], ['J3', 4194065, 38372480], ['J4', 4194065, 38372400]] as const) sheet.addRow(['TY-9', '表格地块', pt, x, y]);
    const xlsx = join(dir, 'corners.xlsx');
    writeFileSync(xlsx, new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(landgate(['import', p, xlsx, '--kind', 'parcel', '--name', 'xlsx_parcels', '--crs', 'EPSG:4526']).status).toBe(0);

    const layers = ogrLayers(p);
    expect(layers.get('kml_stations')).toMatchObject({ featureCount: 2 });
    expect(layers.get('csv_stations')).toMatchObject({ featureCount: 2 });
    expect(layers.get('xlsx_parcels')).toMatchObject({ featureCount: 1 });
    const store = ProjectStore.open(p, { readonly: true });
    try {
      const st = store.readFeatures('csv_stations').features;
      expect(st.map((f) => f.properties?.type).sort()).toEqual(['air-national', 'air-provincial'].sort());
      const parcel = store.readFeatures('xlsx_parcels').features[0];
      expect(parcel.properties).toMatchObject({ id: 'TY-9', name: '表格地块' });
    } finally {
      store.close();
    }
  }, 300_000);
});
