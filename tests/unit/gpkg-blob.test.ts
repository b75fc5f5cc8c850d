/**
 * GeoPackage blobs written into a batch buffer, and the geodesic area read straight from a blob:
 * both must give what the one-blob encoder and geodesicAreaM2 of the decoded geometry give, byte
 * for byte and bit for bit, since the import sums areas measured either way.
 */
import { describe, expect, it } from 'vitest';
import type { Geometry, Position } from 'geojson';
import { decodeGpkgGeometry, encodeGpkgGeometryWithEnvelope, GpkgBlobBuffer, gpkgBlobGeodesicAreaM2 } from '../../electron/services/gpkg-binary';
import { geodesicAreaM2 } from '../../shared/geo/geodesy';
import { mulberry32 } from '../../electron/services/demo/prng';

const SRS = 4490;

/** Random geometries of every kind around Shanxi, with the cases an area must get right. */
function geometries(seed: number, count: number): Geometry[] {
  const random = mulberry32(seed);
  const ring = (n: number, closed: boolean): Position[] => {
    const cx = 110.5 + random() * 3;
    const cy = 35 + random() * 4;
    const r = 10 ** (-5 + random() * 4); // about 1 m to 10 km
    const points: Position[] = [];
    for (let k = 0; k < n; k++) {
      const a = (2 * Math.PI * k) / n + random() * 0.3;
      points.push([cx + r * Math.cos(a) * (0.5 + random()), cy + r * Math.sin(a) * (0.5 + random())]);
    }
    if (random() < 0.5) points.reverse();
    if (closed) points.push([...points[0]]);
    return points;
  };
  const polygon = (): Position[][] => {
    const rings = [ring(3 + Math.floor(random() * 40), random() < 0.9)];
    const holes = random() < 0.3 ? 1 + Math.floor(random() * 3) : 0;
    for (let h = 0; h < holes; h++) rings.push(ring(3 + Math.floor(random() * 10), true));
    if (random() < 0.05) rings[0][Math.floor(random() * rings[0].length)] = [NaN, NaN]; // a non-finite point is left out
    return rings;
  };
  const out: Geometry[] = [
    { type: 'Polygon', coordinates: [] },
    { type: 'Polygon', coordinates: [[[111, 36], [111.001, 36], [111, 36]]] }, // degenerate: 0
    { type: 'MultiPolygon', coordinates: [] },
    { type: 'GeometryCollection', geometries: [] },
    { type: 'Point', coordinates: [] },
  ];
  for (let i = 0; i < count; i++) {
    const pick = random();
    if (pick < 0.5) out.push({ type: 'Polygon', coordinates: polygon() });
    else if (pick < 0.8) out.push({ type: 'MultiPolygon', coordinates: Array.from({ length: 1 + Math.floor(random() * 3) }, polygon) });
    else if (pick < 0.85) out.push({ type: 'Point', coordinates: ring(1, false)[0] });
    else if (pick < 0.9) out.push({ type: 'LineString', coordinates: ring(5, false) });
    else if (pick < 0.93) out.push({ type: 'MultiLineString', coordinates: [ring(4, false), ring(3, false)] });
    else if (pick < 0.96) out.push({ type: 'MultiPoint', coordinates: ring(4, false) });
    else out.push({ type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: polygon() }, { type: 'Point', coordinates: ring(1, false)[0] }] });
  }
  return out;
}

describe('GpkgBlobBuffer', () => {
  it('writes, back to back, the blobs and envelopes the one-blob encoder gives, growing past its first size', () => {
    const all = geometries(7, 3000);
    // one geometry far bigger than the buffer's first 64 KiB
    all.splice(1500, 0, { type: 'Polygon', coordinates: [Array.from({ length: 20_000 }, (_, k): Position => [111 + Math.cos(k / 3183) * 0.01, 36 + Math.sin(k / 3183) * 0.01])] });
    const buffer = new GpkgBlobBuffer();
    const ends: number[] = [];
    const expected: Uint8Array[] = [];
    for (const geometry of all) {
      const one = encodeGpkgGeometryWithEnvelope(geometry, SRS);
      const appended = buffer.append(geometry, SRS);
      expect(appended.envelope).toEqual(one.envelope);
      expect(appended.finite).toBe(one.finite);
      expected.push(one.blob);
      ends.push(buffer.length);
    }
    const written = buffer.written();
    expect(written.length).toBeGreaterThan(1 << 16);
    let at = 0;
    all.forEach((_, i) => {
      expect(Buffer.from(written.subarray(at, ends[i])).equals(Buffer.from(expected[i]))).toBe(true);
      at = ends[i];
    });
  });

  it('hands its buffer over and starts again on the one it is given', () => {
    const buffer = new GpkgBlobBuffer();
    buffer.append({ type: 'Point', coordinates: [111, 36] }, SRS);
    const spare = new ArrayBuffer(1024);
    const taken = buffer.take(spare);
    expect(Buffer.from(new Uint8Array(taken, 0, 8 + 32 + 21)).equals(Buffer.from(encodeGpkgGeometryWithEnvelope({ type: 'Point', coordinates: [111, 36] }, SRS).blob))).toBe(true);
    expect(buffer.length).toBe(0);
    buffer.append({ type: 'Point', coordinates: [112, 37] }, SRS);
    expect(buffer.written().buffer).toBe(spare);
  });
});

describe('gpkgBlobGeodesicAreaM2', () => {
  it('is geodesicAreaM2 of the decoded geometry, bit for bit, for every kind', () => {
    let polygons = 0;
    for (const geometry of geometries(11, 4000)) {
      const blob = encodeGpkgGeometryWithEnvelope(geometry, SRS).blob;
      const reference = geodesicAreaM2(decodeGpkgGeometry(blob));
      expect(Object.is(gpkgBlobGeodesicAreaM2(blob), reference)).toBe(true);
      if (reference > 0) polygons++;
    }
    expect(polygons).toBeGreaterThan(2500);
  });

  it('reads big-endian WKB and falls back to decoding for Z polygons', () => {
    const ring: Position[] = [[111, 36], [111.01, 36], [111.01, 36.01], [111, 36.01], [111, 36]];
    const expected = geodesicAreaM2({ type: 'Polygon', coordinates: [ring] });
    /** A one-ring polygon's blob without envelope: WKB type `type`, `z` metres as a third ordinate when given. */
    const blob = (littleEndian: boolean, type: number, z?: number) => {
      const stride = z === undefined ? 16 : 24;
      const out = Buffer.alloc(8 + 13 + stride * ring.length);
      const u32 = (v: number, at: number) => (littleEndian ? out.writeUInt32LE(v, at) : out.writeUInt32BE(v, at));
      const f64 = (v: number, at: number) => (littleEndian ? out.writeDoubleLE(v, at) : out.writeDoubleBE(v, at));
      out.write('GP', 0, 'latin1');
      out[3] = littleEndian ? 1 : 0; // no envelope
      if (littleEndian) out.writeInt32LE(SRS, 4);
      else out.writeInt32BE(SRS, 4);
      out[8] = littleEndian ? 1 : 0;
      u32(type, 9);
      u32(1, 13);
      u32(ring.length, 17);
      ring.forEach(([x, y], i) => {
        f64(x, 21 + stride * i);
        f64(y, 29 + stride * i);
        if (z !== undefined) f64(z, 37 + stride * i);
      });
      return new Uint8Array(out);
    };
    expect(gpkgBlobGeodesicAreaM2(blob(false, 3))).toBe(expected);
    expect(gpkgBlobGeodesicAreaM2(blob(true, 1003, 1000))).toBe(expected); // ISO Polygon Z
  });
});
