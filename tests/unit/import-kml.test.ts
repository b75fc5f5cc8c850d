import { zipSync } from 'fflate';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { kmlModule, parseKml } from '../../shared/importers/kml';
import { isUserInputError } from '../../shared/model/errors';
import { importNoteZh } from '../../shared/importers/messages';

const KML = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><name>测试文档</name>
<Placemark><name>站点A</name><ExtendedData><Data name="类型"><value>国控</value></Data></ExtendedData><Point><coordinates>112.5,37.8,0</coordinates></Point></Placemark>
<Folder><name>地块</name>
<Placemark><name>地块1</name><description><![CDATA[<b>用途</b> 住宅]]></description><ExtendedData><SchemaData schemaUrl="#s"><SimpleData name="地块编号">TY-1</SimpleData></SchemaData></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>112.5,37.8 112.51,37.8 112.51,37.81 112.5,37.8</coordinates></LinearRing></outerBoundaryIs>
<innerBoundaryIs><LinearRing><coordinates>112.502,37.801 112.505,37.801 112.505,37.803 112.502,37.801</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark>
<Placemark><name>多</name><MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>
  112.1,37.1 112.2,37.1 112.2,37.2 112.1,37.1
</coordinates></LinearRing></outerBoundaryIs></Polygon><Polygon><outerBoundaryIs><LinearRing><coordinates>112.3,37.3 112.4,37.3 112.4,37.4 112.3,37.3</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>
<Placemark><name>只有名字</name></Placemark>
</Folder>
<Folder><name>河流</name><Placemark><name>汾河</name><LineString><coordinates>112.1,37.1 112.2,37.2</coordinates></LineString></Placemark></Folder>
</Document></kml>`;

const bytes = (t: string) => new TextEncoder().encode(t);

describe('KML/KMZ importer', () => {
  it('reads placemarks by folder with attributes, holes and multi-geometries', () => {
    const files = [{ name: 'a.kml', bytes: bytes(KML) }];
    expect(kmlModule.sniff(files)).toBe(true);
    const source = parseKml(files);
    expect(source.format).toBe('kml');
    expect(source.layers.map((l) => [l.name, l.features.length])).toEqual([
      ['测试文档', 1],
      ['地块', 2],
      ['河流', 1],
    ]);
    const [points, parcels, rivers] = source.layers;
    expect(points.features[0].geometry).toEqual({ type: 'Point', coordinates: [112.5, 37.8] });
    expect(points.features[0].properties).toEqual({ name: '站点A', 类型: '国控' });
    expect(points.crs).toMatchObject({ value: 'EPSG:4326', confidence: 'certain' });
    const p1 = parcels.features[0];
    expect(p1.properties).toMatchObject({ name: '地块1', 地块编号: 'TY-1', description: '用途 住宅' });
    expect((p1.geometry as Polygon).coordinates).toHaveLength(2);
    expect((parcels.features[1].geometry as MultiPolygon).type).toBe('MultiPolygon');
    expect((parcels.features[1].geometry as MultiPolygon).coordinates[0][0][0]).toEqual([112.1, 37.1]);
    expect(parcels.warnings.map(importNoteZh).join()).toContain('1 个地标没有几何图形');
    expect(parcels.fields).toEqual(['name', 'description', '地块编号']);
    expect(rivers.features[0].geometry.type).toBe('LineString');
  });

  it('reads KMZ (zipped doc.kml) and filters layers', () => {
    const kmz = zipSync({ 'files/icon.png': new Uint8Array([1, 2, 3]), 'doc.kml': bytes(KML) });
    const source = parseKml([{ name: 'a.kmz', bytes: kmz }], { layers: ['河流'] });
    expect(source.format).toBe('kmz');
    expect(source.layers.map((l) => l.name)).toEqual(['河流']);
  });

  it('refuses broken XML, non-KML and bad coordinates with the file name', () => {
    for (const [text, code] of [
      ['<kml><Document><Placemark>', 'import.invalid-kml'],
      ['<gpx></gpx>', 'import.invalid-kml'],
      [KML.replace('112.5,37.8,0', '112.5;37.8'), 'import.invalid-kml'],
      ['<kml><Document></Document></kml>', 'import.empty'],
    ] as const) {
      try {
        parseKml([{ name: '坏.kml', bytes: bytes(text) }]);
        throw new Error('should fail');
      } catch (error) {
        expect(isUserInputError(error)).toBe(true);
        expect((error as { code: string }).code).toBe(code);
        expect((error as { messageZh: string }).messageZh).toContain('坏.kml');
      }
    }
    try {
      parseKml([{ name: '坏.kmz', bytes: new Uint8Array([0x50, 0x4b, 1, 2, 3]) }]);
      throw new Error('should fail');
    } catch (error) {
      expect((error as { code: string }).code).toBe('import.invalid-kmz');
    }
  });
});
