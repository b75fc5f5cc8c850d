/**
 * GeoPackage geometry blobs (OGC 12-128r18 §2.1.3): the `GP` header (version 0, flags, srs_id,
 * envelope [minx, maxx, miny, maxy]) followed by little-endian ISO WKB. Written by hand instead of
 * a WKB library because we only need 2D points, lines, polygons, their multi forms and
 * collections, and the reader must also accept what GDAL/QGIS write (big-endian, Z/M, no envelope).
 */
import type { Geometry, Position } from 'geojson';

const WKB_TYPE: Record<Geometry['type'], number> = {
  Point: 1,
  LineString: 2,
  Polygon: 3,
  MultiPoint: 4,
  MultiLineString: 5,
  MultiPolygon: 6,
  GeometryCollection: 7,
};

/** [minX, minY, maxX, maxY] of a geometry, or null when it has no coordinates. */
export function geometryEnvelope(geometry: Geometry): [number, number, number, number] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (p: Position) => {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  };
  forEachPosition(geometry, visit);
  return minX === Infinity ? null : [minX, minY, maxX, maxY];
}

export function forEachPosition(geometry: Geometry, visit: (p: Position) => void): void {
  switch (geometry.type) {
    case 'Point':
      if (geometry.coordinates.length >= 2) visit(geometry.coordinates);
      return;
    case 'LineString':
    case 'MultiPoint':
      geometry.coordinates.forEach(visit);
      return;
    case 'Polygon':
    case 'MultiLineString':
      geometry.coordinates.forEach((ring) => ring.forEach(visit));
      return;
    case 'MultiPolygon':
      geometry.coordinates.forEach((poly) => poly.forEach((ring) => ring.forEach(visit)));
      return;
    case 'GeometryCollection':
      geometry.geometries.forEach((g) => forEachPosition(g, visit));
      return;
  }
}

function isEmptyGeometry(geometry: Geometry): boolean {
  return geometryEnvelope(geometry) === null;
}

// ---------------------------------------------------------------------------------------------
// Writer

class ByteWriter {
  private buffer = new ArrayBuffer(256);
  private view = new DataView(this.buffer);
  length = 0;

  private ensure(extra: number) {
    if (this.length + extra <= this.buffer.byteLength) return;
    let size = this.buffer.byteLength * 2;
    while (size < this.length + extra) size *= 2;
    const next = new ArrayBuffer(size);
    new Uint8Array(next).set(new Uint8Array(this.buffer, 0, this.length));
    this.buffer = next;
    this.view = new DataView(next);
  }
  u8(v: number) {
    this.ensure(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u32(v: number) {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number) {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number) {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.buffer.slice(0, this.length));
  }
}

function writeWkb(w: ByteWriter, geometry: Geometry) {
  w.u8(1); // little endian
  w.u32(WKB_TYPE[geometry.type]);
  const point = (p: Position) => {
    w.f64(p[0]);
    w.f64(p[1]);
  };
  const points = (ps: Position[]) => {
    w.u32(ps.length);
    ps.forEach(point);
  };
  const rings = (rs: Position[][]) => {
    w.u32(rs.length);
    rs.forEach(points);
  };
  switch (geometry.type) {
    case 'Point':
      if (geometry.coordinates.length < 2) {
        w.f64(NaN); // empty point per GeoPackage convention
        w.f64(NaN);
      } else point(geometry.coordinates);
      return;
    case 'LineString':
      points(geometry.coordinates);
      return;
    case 'Polygon':
      rings(geometry.coordinates);
      return;
    case 'MultiPoint':
      w.u32(geometry.coordinates.length);
      geometry.coordinates.forEach((p) => writeWkb(w, { type: 'Point', coordinates: p }));
      return;
    case 'MultiLineString':
      w.u32(geometry.coordinates.length);
      geometry.coordinates.forEach((l) => writeWkb(w, { type: 'LineString', coordinates: l }));
      return;
    case 'MultiPolygon':
      w.u32(geometry.coordinates.length);
      geometry.coordinates.forEach((p) => writeWkb(w, { type: 'Polygon', coordinates: p }));
      return;
    case 'GeometryCollection':
      w.u32(geometry.geometries.length);
      geometry.geometries.forEach((g) => writeWkb(w, g));
      return;
  }
}

/** Encodes a 2D GeoJSON geometry as a GeoPackage blob (little endian, xy envelope unless empty). */
export function encodeGpkgGeometry(geometry: Geometry, srsId: number): Uint8Array {
  const w = new ByteWriter();
  const envelope = geometryEnvelope(geometry);
  const empty = envelope === null || isEmptyGeometry(geometry);
  w.u8(0x47); // G
  w.u8(0x50); // P
  w.u8(0); // version 0 = GeoPackage 1.x
  // flags: bit0 byte order (1 = LE), bits1-3 envelope (1 = xy), bit4 empty, bit5 standard binary.
  const flags = 0b1 | ((empty ? 0 : 1) << 1) | ((empty ? 1 : 0) << 4);
  w.u8(flags);
  w.i32(srsId);
  if (!empty && envelope) {
    w.f64(envelope[0]);
    w.f64(envelope[2]);
    w.f64(envelope[1]);
    w.f64(envelope[3]);
  }
  writeWkb(w, geometry);
  return w.bytes();
}

/**
 * A 2D GeoJSON geometry as little-endian ISO WKB alone, without the GeoPackage header: what
 * PostGIS reads with ST_GeomFromWKB.
 */
export function encodeWkb(geometry: Geometry): Uint8Array {
  const w = new ByteWriter();
  writeWkb(w, geometry);
  return w.bytes();
}

// ---------------------------------------------------------------------------------------------
// Reader

export interface GpkgHeader {
  srsId: number;
  empty: boolean;
  /** [minX, maxX, minY, maxY] when the blob carries an envelope. */
  envelope: [number, number, number, number] | null;
  /** Byte offset of the WKB. */
  wkbOffset: number;
}

export class GpkgGeometryError extends Error {}

function viewOf(blob: Uint8Array): DataView {
  return new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
}

export function readGpkgHeader(blob: Uint8Array): GpkgHeader {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new GpkgGeometryError('not a GeoPackage geometry blob (missing GP magic)');
  const view = viewOf(blob);
  const flags = blob[3];
  const le = (flags & 1) === 1;
  const envelopeKind = (flags >> 1) & 0b111;
  const empty = ((flags >> 4) & 1) === 1;
  const srsId = view.getInt32(4, le);
  const envelopeDoubles = [0, 4, 6, 6, 8][envelopeKind];
  if (envelopeDoubles === undefined) throw new GpkgGeometryError(`invalid envelope indicator ${envelopeKind}`);
  let envelope: GpkgHeader['envelope'] = null;
  if (envelopeDoubles > 0) {
    envelope = [view.getFloat64(8, le), view.getFloat64(16, le), view.getFloat64(24, le), view.getFloat64(32, le)];
  }
  return { srsId, empty, envelope, wkbOffset: 8 + envelopeDoubles * 8 };
}

class WkbReader {
  offset: number;
  private readonly view: DataView;
  constructor(private readonly blob: Uint8Array, offset: number) {
    this.view = viewOf(blob);
    this.offset = offset;
  }
  geometry(): Geometry {
    if (this.offset + 5 > this.blob.length) throw new GpkgGeometryError('truncated WKB');
    const le = this.view.getUint8(this.offset) === 1;
    this.offset += 1;
    let type = this.view.getUint32(this.offset, le);
    this.offset += 4;
    // EWKB-style flags (GDAL's old 2.5D) and ISO Z/M/ZM codes (1000/2000/3000 + base).
    let dims = 2;
    if (type & 0x80000000) dims += 1;
    if (type & 0x40000000) dims += 1;
    type &= 0x0fffffff;
    const iso = Math.floor(type / 1000);
    type %= 1000;
    if (iso === 1 || iso === 2) dims = Math.max(dims, 3);
    if (iso === 3) dims = 4;
    const u32 = () => {
      const v = this.view.getUint32(this.offset, le);
      this.offset += 4;
      return v;
    };
    const point = (): Position => {
      const x = this.view.getFloat64(this.offset, le);
      const y = this.view.getFloat64(this.offset + 8, le);
      this.offset += 8 * dims;
      return [x, y];
    };
    const points = () => Array.from({ length: u32() }, point);
    const rings = () => Array.from({ length: u32() }, points);
    switch (type) {
      case 1: {
        const p = point();
        return { type: 'Point', coordinates: Number.isNaN(p[0]) ? [] : p };
      }
      case 2:
        return { type: 'LineString', coordinates: points() };
      case 3:
        return { type: 'Polygon', coordinates: rings() };
      case 4:
        return { type: 'MultiPoint', coordinates: Array.from({ length: u32() }, () => (this.geometry() as { coordinates: Position }).coordinates) };
      case 5:
        return { type: 'MultiLineString', coordinates: Array.from({ length: u32() }, () => (this.geometry() as { coordinates: Position[] }).coordinates) };
      case 6:
        return { type: 'MultiPolygon', coordinates: Array.from({ length: u32() }, () => (this.geometry() as { coordinates: Position[][] }).coordinates) };
      case 7:
        return { type: 'GeometryCollection', geometries: Array.from({ length: u32() }, () => this.geometry()) };
      default:
        throw new GpkgGeometryError(`unsupported WKB geometry type ${type}`);
    }
  }
}

/** A geometry from WKB alone (ISO or EWKB-flagged, either byte order): what ST_AsBinary returns. */
export function decodeWkb(wkb: Uint8Array): Geometry {
  return new WkbReader(wkb, 0).geometry();
}

/** The WKB inside a GeoPackage blob (a view, no copy). */
export function gpkgBlobWkb(blob: Uint8Array): Uint8Array {
  return blob.subarray(readGpkgHeader(blob).wkbOffset);
}

export function decodeGpkgGeometry(blob: Uint8Array): Geometry {
  const header = readGpkgHeader(blob);
  return new WkbReader(blob, header.wkbOffset).geometry();
}

/** [minX, maxX, minY, maxY] from the header, or computed from the WKB when the header has none. */
export function gpkgBlobEnvelope(blob: Uint8Array): { empty: boolean; minX: number; maxX: number; minY: number; maxY: number } {
  const header = readGpkgHeader(blob);
  if (header.envelope) {
    const [minX, maxX, minY, maxY] = header.envelope;
    return { empty: header.empty, minX, maxX, minY, maxY };
  }
  const env = geometryEnvelope(decodeGpkgGeometry(blob));
  if (!env) return { empty: true, minX: NaN, maxX: NaN, minY: NaN, maxY: NaN };
  return { empty: header.empty, minX: env[0], maxX: env[2], minY: env[1], maxY: env[3] };
}
