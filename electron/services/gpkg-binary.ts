/**
 * GeoPackage geometry blobs (OGC 12-128r18 §2.1.3): the `GP` header (version 0, flags, srs_id,
 * envelope [minx, maxx, miny, maxy]) followed by little-endian ISO WKB. Written by hand instead of
 * a WKB library because we only need 2D points, lines, polygons, their multi forms and
 * collections, and the reader must also accept what GDAL/QGIS write (big-endian, Z/M, no envelope).
 */
import type { Geometry, Position } from 'geojson';
import { geodesicAreaM2, geodesicRingAreaOfDoubles } from '../../shared/geo/geodesy';

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

// ---------------------------------------------------------------------------------------------
// Writer

/** A GeoPackage blob, the envelope written into it and whether every coordinate it was given is a finite number. */
export interface EncodedGeometry {
  blob: Uint8Array;
  /** [minX, minY, maxX, maxY]; null for an empty geometry (no envelope in the blob). */
  envelope: [number, number, number, number] | null;
  finite: boolean;
}

/** Bytes of the little-endian WKB of a 2D geometry. */
function wkbLength(geometry: Geometry): number {
  switch (geometry.type) {
    case 'Point':
      return 21;
    case 'LineString':
      return 9 + 16 * geometry.coordinates.length;
    case 'Polygon': {
      let n = 9;
      for (const ring of geometry.coordinates) n += 4 + 16 * ring.length;
      return n;
    }
    case 'MultiPoint':
      return 9 + 21 * geometry.coordinates.length;
    case 'MultiLineString': {
      let n = 9;
      for (const line of geometry.coordinates) n += 9 + 16 * line.length;
      return n;
    }
    case 'MultiPolygon': {
      let n = 9;
      for (const polygon of geometry.coordinates) {
        n += 9;
        for (const ring of polygon) n += 4 + 16 * ring.length;
      }
      return n;
    }
    case 'GeometryCollection': {
      let n = 9;
      for (const g of geometry.geometries) n += wkbLength(g);
      return n;
    }
  }
}

/**
 * Writes WKB into a buffer of the right size in one pass over the coordinates, taking the
 * envelope and the finiteness check on the way (what geometryEnvelope and forEachPosition give).
 */
class WkbEncoder {
  offset: number;
  minX = Infinity;
  minY = Infinity;
  maxX = -Infinity;
  maxY = -Infinity;
  finite = true;
  constructor(
    private readonly view: DataView,
    offset: number,
  ) {
    this.offset = offset;
  }

  private head(type: number, count: number) {
    this.view.setUint8(this.offset, 1); // little endian
    this.view.setUint32(this.offset + 1, type, true);
    this.view.setUint32(this.offset + 5, count, true);
    this.offset += 9;
  }

  /** Counts a position in the envelope and the finiteness check. */
  private track(p: Position) {
    const x = p[0], y = p[1];
    if (x < this.minX) this.minX = x;
    if (x > this.maxX) this.maxX = x;
    if (y < this.minY) this.minY = y;
    if (y > this.maxY) this.maxY = y;
    if (!Number.isFinite(x) || !Number.isFinite(y)) this.finite = false;
  }

  private xy(p: Position) {
    this.track(p);
    this.view.setFloat64(this.offset, p[0], true);
    this.view.setFloat64(this.offset + 8, p[1], true);
    this.offset += 16;
  }

  private points(ps: Position[]) {
    this.view.setUint32(this.offset, ps.length, true);
    this.offset += 4;
    for (let i = 0; i < ps.length; i++) this.xy(ps[i]);
  }

  private polygon(rings: Position[][]) {
    this.head(WKB_TYPE.Polygon, rings.length);
    for (const ring of rings) this.points(ring);
  }

  /**
   * A Point's own WKB. One with fewer than two coordinates is written as NaN, NaN (empty); as a
   * member of a MultiPoint it still counts in the envelope and the check, as a Point does not.
   */
  private point(p: Position, member: boolean) {
    this.view.setUint8(this.offset, 1);
    this.view.setUint32(this.offset + 1, WKB_TYPE.Point, true);
    this.offset += 5;
    if (p.length >= 2) {
      this.xy(p);
      return;
    }
    if (member) this.track(p);
    this.view.setFloat64(this.offset, NaN, true);
    this.view.setFloat64(this.offset + 8, NaN, true);
    this.offset += 16;
  }

  geometry(geometry: Geometry) {
    switch (geometry.type) {
      case 'Point':
        this.point(geometry.coordinates, false);
        return;
      case 'LineString':
        this.view.setUint8(this.offset, 1);
        this.view.setUint32(this.offset + 1, WKB_TYPE.LineString, true);
        this.offset += 5;
        this.points(geometry.coordinates);
        return;
      case 'Polygon':
        this.polygon(geometry.coordinates);
        return;
      case 'MultiPoint':
        this.head(WKB_TYPE.MultiPoint, geometry.coordinates.length);
        for (const p of geometry.coordinates) this.point(p, true);
        return;
      case 'MultiLineString':
        this.head(WKB_TYPE.MultiLineString, geometry.coordinates.length);
        for (const line of geometry.coordinates) {
          this.view.setUint8(this.offset, 1);
          this.view.setUint32(this.offset + 1, WKB_TYPE.LineString, true);
          this.offset += 5;
          this.points(line);
        }
        return;
      case 'MultiPolygon':
        this.head(WKB_TYPE.MultiPolygon, geometry.coordinates.length);
        for (const polygon of geometry.coordinates) this.polygon(polygon);
        return;
      case 'GeometryCollection':
        this.head(WKB_TYPE.GeometryCollection, geometry.geometries.length);
        for (const g of geometry.geometries) this.geometry(g);
        return;
    }
  }
}

const HEADER = 8;
const ENVELOPE = 32;

/**
 * Writes the GeoPackage blob of `geometry` at `at` (the WKB's `wkb` bytes and HEADER + ENVELOPE
 * before it must fit), in one pass over the coordinates; the blob's length and what the pass saw.
 * An empty geometry has no envelope: its WKB is moved up behind the header.
 */
function writeBlob(bytes: Uint8Array, view: DataView, at: number, geometry: Geometry, wkb: number, srsId: number): { length: number; encoder: WkbEncoder } {
  const encoder = new WkbEncoder(view, at + HEADER + ENVELOPE);
  encoder.geometry(geometry);
  const empty = encoder.minX === Infinity;
  bytes[at] = 0x47; // G
  bytes[at + 1] = 0x50; // P
  bytes[at + 2] = 0; // version 0 = GeoPackage 1.x
  // flags: bit0 byte order (1 = LE), bits1-3 envelope (1 = xy), bit4 empty, bit5 standard binary.
  bytes[at + 3] = 0b1 | ((empty ? 0 : 1) << 1) | ((empty ? 1 : 0) << 4);
  view.setInt32(at + 4, srsId, true);
  if (empty) {
    bytes.copyWithin(at + HEADER, at + HEADER + ENVELOPE, at + HEADER + ENVELOPE + wkb);
    return { length: HEADER + wkb, encoder };
  }
  view.setFloat64(at + 8, encoder.minX, true);
  view.setFloat64(at + 16, encoder.maxX, true);
  view.setFloat64(at + 24, encoder.minY, true);
  view.setFloat64(at + 32, encoder.maxY, true);
  return { length: HEADER + ENVELOPE + wkb, encoder };
}

const envelopeOf = (e: WkbEncoder): EncodedGeometry['envelope'] => (e.minX === Infinity ? null : [e.minX, e.minY, e.maxX, e.maxY]);

/**
 * Encodes a 2D GeoJSON geometry as a GeoPackage blob (little endian, xy envelope unless empty)
 * and returns the envelope with it, in one pass over the coordinates.
 */
export function encodeGpkgGeometryWithEnvelope(geometry: Geometry, srsId: number): EncodedGeometry {
  const wkb = wkbLength(geometry);
  const out = new Uint8Array(HEADER + ENVELOPE + wkb);
  const { length, encoder } = writeBlob(out, new DataView(out.buffer), 0, geometry, wkb, srsId);
  return { blob: length === out.length ? out : out.slice(0, length), envelope: envelopeOf(encoder), finite: encoder.finite };
}

/**
 * GeoPackage blobs written back to back into one buffer that grows as needed: a batch of rows
 * for another thread, without a buffer of its own for every row. A buffer per row is memory
 * outside V8's heap that lives as long as its batch, and is given back only when the heap is
 * next compacted: on a 100 000-feature import that was tens of megabytes.
 */
const BLOB_BUFFER_BYTES = 1 << 16;

export class GpkgBlobBuffer {
  private bytes: Uint8Array;
  private view: DataView;
  /** Bytes written. */
  length = 0;
  constructor(buffer: ArrayBuffer = new ArrayBuffer(BLOB_BUFFER_BYTES)) {
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }
  /** Appends the blob of `geometry`: bytes [the length before, `length`). */
  append(geometry: Geometry, srsId: number): Omit<EncodedGeometry, 'blob'> {
    const wkb = wkbLength(geometry);
    const need = this.length + HEADER + ENVELOPE + wkb;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.bytes.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const { length, encoder } = writeBlob(this.bytes, this.view, this.length, geometry, wkb, srsId);
    this.length += length;
    return { envelope: envelopeOf(encoder), finite: encoder.finite };
  }
  /** The blobs written (a view into the buffer). */
  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
  /** Gives up the buffer (to transfer it) and starts again, empty, on `next` or a new one. */
  take(next?: ArrayBuffer): ArrayBuffer {
    const { buffer } = this.bytes;
    this.bytes = new Uint8Array(next ?? new ArrayBuffer(BLOB_BUFFER_BYTES));
    this.view = new DataView(this.bytes.buffer);
    this.length = 0;
    return buffer as ArrayBuffer;
  }
}

/** Encodes a 2D GeoJSON geometry as a GeoPackage blob (little endian, xy envelope unless empty). */
export function encodeGpkgGeometry(geometry: Geometry, srsId: number): Uint8Array {
  return encodeGpkgGeometryWithEnvelope(geometry, srsId).blob;
}

/**
 * A 2D GeoJSON geometry as little-endian ISO WKB alone, without the GeoPackage header: what
 * PostGIS reads with ST_GeomFromWKB.
 */
export function encodeWkb(geometry: Geometry): Uint8Array {
  const out = new Uint8Array(wkbLength(geometry));
  new WkbEncoder(new DataView(out.buffer), 0).geometry(geometry);
  return out;
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

/**
 * geodesicAreaM2 of a blob's geometry, read from the WKB where it lies (no GeoJSON made): the
 * same rings in the same order, so the same figure, bit for bit. Only 2D polygons, multipolygons
 * and collections have an area; anything else LandGate does not store is decoded first.
 */
export function gpkgBlobGeodesicAreaM2(blob: Uint8Array): number {
  const view = viewOf(blob);
  let offset = readGpkgHeader(blob).wkbOffset;
  let plain = true;
  const u32 = (le: boolean) => {
    const v = view.getUint32(offset, le);
    offset += 4;
    return v;
  };
  /** geodesicRingAreaM2 of the ring at `offset`; moves past it. */
  const ring = (le: boolean) => {
    const count = u32(le);
    if (offset + 16 * count > blob.length) throw new GpkgGeometryError('truncated WKB');
    const area = geodesicRingAreaOfDoubles(view, offset, count, 16, le);
    offset += 16 * count;
    return area;
  };
  /** polygonArea (geodesy.ts) of the polygon whose ring count is at `offset`. */
  const polygon = (le: boolean) => {
    const rings = u32(le);
    if (rings === 0) return 0;
    const shell = ring(le);
    let holes = 0;
    for (let i = 1; i < rings; i++) holes += ring(le);
    return Math.max(0, shell - holes);
  };
  const geometry = (): number => {
    if (offset + 5 > blob.length) throw new GpkgGeometryError('truncated WKB');
    const le = view.getUint8(offset) === 1;
    offset += 1;
    const type = u32(le);
    if (type === 3) return polygon(le);
    let sum = 0;
    if (type === 6) {
      const parts = u32(le);
      for (let i = 0; i < parts; i++) {
        // each part has its own byte order and type (a 2D polygon's unless Z or M)
        const partLe = view.getUint8(offset) === 1;
        offset += 1;
        if (u32(partLe) !== 3) {
          plain = false;
          return 0;
        }
        sum += polygon(partLe);
      }
      return sum;
    }
    if (type === 7) {
      const parts = u32(le);
      for (let i = 0; i < parts && plain; i++) sum += geometry();
      return sum;
    }
    plain = false; // points, lines, Z or M: decoded below
    return 0;
  };
  const area = geometry();
  return plain ? area : geodesicAreaM2(decodeGpkgGeometry(blob));
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
