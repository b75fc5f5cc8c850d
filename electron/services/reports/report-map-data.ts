/**
 * What the map of a 审查意见书 shows for one parcel: its extent in the parcel's Gauss-Krüger plane
 * (the parcel with a margin, widened to show short distance lines, shaped like the figure), the
 * reference features inside it (by the R*Tree, never a whole layer), a hillshade of the project's
 * DEM when it has one, and the chosen offline basemap's tiles when one is chosen (report-basemap.ts).
 */
import type { Feature, Geometry, MultiPolygon, Polygon } from 'geojson';
import { deflateSync } from 'node:zlib';
import { transformer } from '../../../shared/crs';
import { bboxOf } from '../../../shared/geo/geodesy';
import { KIND_DRAW_ORDER } from '../../../shared/map/styles';
import type { Finding } from '../../../shared/model/check';
import type { BBox, LayerInfo, LayerKind } from '../../../shared/model/layers';
import { encodePngRgba } from '../../../shared/terrain/png';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';
import { StoredDem } from '../terrain/dem-store';
import type { ReportBasemap } from './report-basemap';

export interface GkZone {
  crs: string;
  zone: number;
  centralMeridian: number;
}

export interface ParcelMapData {
  parcelId: string;
  parcelName: string | null;
  geometry: Polygon | MultiPolygon;
  findings: Finding[];
  gk: GkZone;
  /** Easting/northing box of the figure, m (easting without the zone prefix). */
  extent: [number, number, number, number];
  /** Reference layers with features in the figure, bottom → top. */
  layers: { layer: LayerInfo; features: Feature[] }[];
  /** Greyscale hillshade PNG covering `extent` exactly, or null without a DEM there. */
  hillshade: Uint8Array | null;
  /** The chosen offline basemap's tiles in the frame; drawn instead of the hillshade. */
  basemap?: ReportBasemap | null;
}

/** Most features one layer contributes to a figure: a county's dense layer still prints at once. */
const MAX_FEATURES_PER_LAYER = 4000;
/** Width : height of the figure on the page. */
export const MAP_ASPECT = 495 / 280;

export function mapExtent(geometry: Geometry, findings: readonly Finding[], gk: GkZone): [number, number, number, number] {
  const forward = transformer('EPSG:4490', gk.crs);
  let minE = Infinity;
  let maxE = -Infinity;
  let minN = Infinity;
  let maxN = -Infinity;
  const add = (b: number[]) => {
    for (const [lon, lat] of [[b[0], b[1]], [b[2], b[3]], [b[0], b[3]], [b[2], b[1]]]) {
      const [e, n] = forward([lon, lat]);
      minE = Math.min(minE, e);
      maxE = Math.max(maxE, e);
      minN = Math.min(minN, n);
      maxN = Math.max(maxN, n);
    }
  };
  add(bboxOf(geometry));
  // short distance lines (≤ 3 km) are shown in full
  for (const f of findings) if (f.distanceM !== undefined && f.distanceM <= 3000 && f.geometry) add(bboxOf(f.geometry));
  const pad = Math.max(maxE - minE, maxN - minN) * 0.35 + 60;
  minE -= pad;
  maxE += pad;
  minN -= pad;
  maxN += pad;
  // the figure's shape, so reference features fill the frame
  const w = maxE - minE;
  const h = maxN - minN;
  if (w / h < MAP_ASPECT) {
    const grow = (h * MAP_ASPECT - w) / 2;
    minE -= grow;
    maxE += grow;
  } else {
    const grow = (w / MAP_ASPECT - h) / 2;
    minN -= grow;
    maxN += grow;
  }
  return [minE, minN, maxE, maxN];
}

/** The CGCS2000 longitude/latitude box around a Gauss-Krüger extent (edges sampled: they curve). */
export function lonLatBox(extent: [number, number, number, number], gk: GkZone): BBox {
  const inverse = transformer(gk.crs, 'EPSG:4490');
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (let i = 0; i <= 4; i++) {
    const fx = extent[0] + ((extent[2] - extent[0]) * i) / 4;
    const fy = extent[1] + ((extent[3] - extent[1]) * i) / 4;
    for (const p of [[fx, extent[1]], [fx, extent[3]], [extent[0], fy], [extent[2], fy]]) {
      const [lon, lat] = inverse(p as [number, number]);
      w = Math.min(w, lon);
      s = Math.min(s, lat);
      e = Math.max(e, lon);
      n = Math.max(n, lat);
    }
  }
  return [w, s, e, n];
}

export function gatherParcelMap(
  store: ProjectStore,
  layers: readonly LayerInfo[],
  parcel: { id: string; name: string | null; geometry: Polygon | MultiPolygon; findings: Finding[]; gk: GkZone },
  dem: StoredDem | null,
): ParcelMapData {
  const extent = mapExtent(parcel.geometry, parcel.findings, parcel.gk);
  const box = lonLatBox(extent, parcel.gk);
  const drawn: ParcelMapData['layers'] = [];
  const ordered = layers.filter((l) => l.kind !== 'parcel').sort((a, b) => KIND_DRAW_ORDER.indexOf(a.kind as LayerKind) - KIND_DRAW_ORDER.indexOf(b.kind as LayerKind));
  for (const layer of ordered) {
    if (layer.bbox && (layer.bbox[0] > box[2] || layer.bbox[2] < box[0] || layer.bbox[1] > box[3] || layer.bbox[3] < box[1])) continue;
    // a station just outside the frame still draws the part of its 500 m ring inside
    const margin = layer.kind === 'monitoring-station' ? 0.006 : 0;
    const features = store
      .requestFeatures(layer.table, { bbox: [box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin], limit: MAX_FEATURES_PER_LAYER })
      .map(toGeoJsonFeature)
      .filter((f) => f.geometry);
    if (features.length) drawn.push({ layer, features });
  }
  return { parcelId: parcel.id, parcelName: parcel.name, geometry: parcel.geometry, findings: parcel.findings, gk: parcel.gk, extent, layers: drawn, hillshade: dem ? hillshadePng(dem, extent, parcel.gk) : null };
}

/** Pixels across the hillshade image (its height follows the extent). */
const HILLSHADE_WIDTH = 600;

/**
 * A hillshade (sun from the north-west at 45°, as topographic maps light relief) of the DEM over
 * a Gauss-Krüger extent, as a PNG whose grey carries the shade and alpha its strength; null when
 * the DEM does not reach the extent.
 */
export function hillshadePng(dem: StoredDem, extent: [number, number, number, number], gk: GkZone): Uint8Array | null {
  const width = HILLSHADE_WIDTH;
  const height = Math.max(2, Math.round((width * (extent[3] - extent[1])) / (extent[2] - extent[0])));
  const cell = (extent[2] - extent[0]) / width;
  const toDem = dem.crs === gk.crs ? (p: [number, number]) => p : transformer(gk.crs, dem.crs);
  const heights = new Float64Array((width + 2) * (height + 2));
  let valid = 0;
  for (let row = 0; row < height + 2; row++) {
    const n = extent[3] - (row - 0.5) * cell;
    for (let col = 0; col < width + 2; col++) {
      const e = extent[0] + (col - 0.5) * cell;
      const [x, y] = toDem([e, n]);
      const h = dem.sample(x, y);
      heights[row * (width + 2) + col] = h;
      if (h === h) valid++;
    }
  }
  if (valid === 0) return null;
  const altitude = (45 * Math.PI) / 180;
  const azimuth = (315 * Math.PI) / 180; // clockwise from north
  const sun = [Math.sin(azimuth) * Math.cos(altitude), Math.cos(azimuth) * Math.cos(altitude), Math.sin(altitude)];
  const rgba = new Uint8Array(width * height * 4);
  const at = (r: number, c: number, fallback: number) => {
    const h = heights[r * (width + 2) + c];
    return h === h ? h : fallback;
  };
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const centre = heights[(row + 1) * (width + 2) + col + 1];
      const k = (row * width + col) * 4;
      if (centre !== centre) continue; // nodata: transparent
      // Horn's gradient from the 3 × 3 neighbourhood (rows run north → south), lit by the sun's unit vector
      const z = (dr: number, dc: number) => at(row + 1 + dr, col + 1 + dc, centre);
      const dzdEast = (z(-1, 1) + 2 * z(0, 1) + z(1, 1) - (z(-1, -1) + 2 * z(0, -1) + z(1, -1))) / (8 * cell);
      const dzdNorth = (z(-1, -1) + 2 * z(-1, 0) + z(-1, 1) - (z(1, -1) + 2 * z(1, 0) + z(1, 1))) / (8 * cell);
      const norm = Math.hypot(dzdEast, dzdNorth, 1);
      const shade = (-dzdEast * sun[0] - dzdNorth * sun[1] + sun[2]) / norm;
      // flat ground (shade ≈ cos 45°) stays clear; slopes away from the sun darken, towards it lighten
      const flat = sun[2];
      const delta = shade - flat;
      const grey = delta < 0 ? 40 : 255;
      const alpha = Math.min(200, Math.round(Math.abs(delta) * (delta < 0 ? 360 : 220)));
      rgba[k] = grey;
      rgba[k + 1] = grey;
      rgba[k + 2] = grey;
      rgba[k + 3] = alpha;
    }
  }
  return encodePngRgba(rgba, width, height, 6, (raw) => deflateSync(raw, { level: 6 }));
}
