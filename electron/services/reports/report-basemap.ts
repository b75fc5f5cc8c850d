/**
 * The chosen offline basemap under the map of a 审查意见书: the raster tiles of one of the
 * project's basemaps (an MBTiles embedded in the project, or an MBTiles / PMTiles file) that cover
 * the figure, each placed into the parcel's Gauss-Krüger frame by the affine map of three of its
 * corners. A tile is a few hundred metres across at the zoom chosen, where Web Mercator and
 * Gauss-Krüger differ from affine by far less than a printed pixel, so the tiles go into the PDF
 * as they are (PNG or JPEG, which pdfkit embeds) and are never decoded or resampled here.
 *
 * Only raster basemaps can be printed this way; the figure keeps its hillshade when none is
 * chosen or the chosen one has no tiles in the frame.
 */
import { existsSync } from 'node:fs';
import { transformer } from '../../../shared/crs';
import { UserInputError } from '../../../shared/model/errors';
import { BasemapTiles, listBasemapsIn, type BasemapInfo } from '../terrain/basemaps';
import { lonLatBox, type GkZone } from './report-map-data';

type XY = [number, number];

export interface ReportBasemapTile {
  /** The tile as stored (PNG or JPEG). */
  image: Uint8Array;
  /** Its top-left, top-right and bottom-left corners in the figure's Gauss-Krüger plane (easting without zone prefix, northing). */
  corners: [XY, XY, XY];
}

export interface ReportBasemap {
  name: string;
  attribution: string;
  zoom: number;
  tiles: ReportBasemapTile[];
}

/** About this many tile pixels across the figure: sharp at 150 dpi on its 17.5 cm. */
const PIXELS_ACROSS = 1000;
/** At most this many tiles per figure (a basemap without the zooms the figure wants is drawn coarser, not tiled without end). */
const MAX_TILES = 144;
/** Ground metres per pixel of a 256-pixel Web Mercator tile at zoom 0 on the equator. */
const EQUATOR_M_PER_PX = 156543.03392804097;

function basemapError(code: string, zh: string, en: string): UserInputError {
  return new UserInputError(`report.basemap-${code}`, zh, en);
}

/**
 * The project's basemap `id`, checked to be printable: present, raster in PNG or JPEG, and its
 * file (when it is read in place) still there. Refused in words otherwise.
 */
export function printableBasemap(projectPath: string, id: string): BasemapInfo {
  const all = listBasemapsIn(projectPath);
  const info = all.find((b) => b.id === id);
  if (!info) {
    const known = all.map((b) => `${b.id}（${b.name}）`).join('、') || '（无，可用 landgate basemap add 添加）';
    throw basemapError('unknown', `项目中没有底图“${id}”。项目中的底图：${known}。`, `No basemap "${id}" in the project. Basemaps: ${all.map((b) => b.id).join(', ') || 'none'}.`);
  }
  if (info.type !== 'raster' || (info.format !== 'png' && info.format !== 'jpg')) {
    throw basemapError(
      'format',
      `底图“${info.name}”是${info.type === 'vector' ? '矢量瓦片' : `${info.format.toUpperCase()} 瓦片`}，意见书地图只能叠加 PNG 或 JPEG 栅格底图；请选用栅格底图，或不指定底图（使用地形晕渲）。`,
      `Basemap "${info.id}" is ${info.type === 'vector' ? 'a vector' : `a ${info.format}`} tile set; the report map prints PNG or JPEG raster basemaps only.`,
    );
  }
  if (info.storage === 'file' && (!info.path || !existsSync(info.path))) {
    throw basemapError('missing', `底图“${info.name}”的文件“${info.path ?? ''}”不存在，无法绘入意见书地图。`, `Basemap "${info.id}": file "${info.path ?? ''}" is missing.`);
  }
  return info;
}

const tileLon = (x: number, z: number) => (x / 2 ** z) * 360 - 180;
const tileLat = (y: number, z: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
const lonTile = (lon: number, z: number) => Math.floor(((lon + 180) / 360) * 2 ** z);
const latTile = (lat: number, z: number) => {
  const r = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};

/**
 * The basemap tiles covering a figure's Gauss-Krüger extent, at the zoom that gives about
 * PIXELS_ACROSS pixels across it (within the basemap's zooms; a coarser zoom where the wanted one
 * has no tiles there). Null when the basemap has no tile in the frame.
 */
export async function basemapForFigure(tiles: BasemapTiles, info: BasemapInfo, extent: [number, number, number, number], gk: GkZone): Promise<ReportBasemap | null> {
  const [w, s, e, n] = lonLatBox(extent, gk);
  if (info.bounds && (info.bounds[0] > e || info.bounds[2] < w || info.bounds[1] > n || info.bounds[3] < s)) return null;
  const metresPerPixel = (extent[2] - extent[0]) / PIXELS_ACROSS;
  const wanted = Math.ceil(Math.log2((EQUATOR_M_PER_PX * Math.cos((((s + n) / 2) * Math.PI) / 180)) / metresPerPixel));
  const forward = transformer('EPSG:4490', gk.crs);
  const corner = (x: number, y: number, z: number): XY => forward([tileLon(x, z), tileLat(y, z)]) as XY;
  for (let z = Math.max(info.minzoom, Math.min(info.maxzoom, wanted)); z >= info.minzoom; z--) {
    const [x0, x1, y0, y1] = [lonTile(w, z), lonTile(e, z), latTile(n, z), latTile(s, z)];
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES) continue;
    const found: ReportBasemapTile[] = [];
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const tile = await tiles.tile(info, z, x, y);
        if (tile) found.push({ image: tile.body, corners: [corner(x, y, z), corner(x + 1, y, z), corner(x, y + 1, z)] });
      }
    }
    if (found.length > 0) return { name: info.name, attribution: info.attribution.replace(/<[^>]*>/g, '').replace(/&copy;/g, '©').replace(/&amp;/g, '&').trim(), zoom: z, tiles: found };
  }
  return null;
}

/** Reads the basemap for every figure of a report, with one reader of its tiles. */
export async function basemapsForFigures(projectPath: string, id: string, figures: readonly { extent: [number, number, number, number]; gk: GkZone }[]): Promise<(ReportBasemap | null)[]> {
  const info = printableBasemap(projectPath, id);
  const tiles = new BasemapTiles(projectPath);
  try {
    const out: (ReportBasemap | null)[] = [];
    for (const figure of figures) out.push(await basemapForFigure(tiles, info, figure.extent, figure.gk));
    return out;
  } finally {
    tiles.close();
  }
}
