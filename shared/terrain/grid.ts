/**
 * A DEM grid's georeferencing: north-up, pixel (c, r) covers
 * [originX + c·cellX, originX + (c+1)·cellX] × [originY − (r+1)·cellY, originY − r·cellY]
 * in its CRS (EPSG code). Values are metres; NaN = nodata ("unknown").
 */
export interface DemGridInfo {
  cols: number;
  rows: number;
  /** EPSG:n of the grid's CRS (geographic or projected). */
  crs: string;
  /** Top-left corner of pixel (0, 0). */
  originX: number;
  originY: number;
  /** Positive pixel sizes in CRS units. */
  cellX: number;
  cellY: number;
}

/** Something that can hand out rows of a DEM, top to bottom (NaN = nodata). */
export interface DemRowSource extends DemGridInfo {
  /** Rows [row0, row0 + count) as one row-major Float32Array (count × cols). */
  readRows(row0: number, count: number): Promise<Float32Array>;
}

export function pixelToCrs(info: DemGridInfo, x: number, y: number): [number, number] {
  return [info.originX + x * info.cellX, info.originY - y * info.cellY];
}

export function crsToPixel(info: DemGridInfo, x: number, y: number): [number, number] {
  return [(x - info.originX) / info.cellX, (info.originY - y) / info.cellY];
}

export function gridExtent(info: DemGridInfo): [number, number, number, number] {
  return [info.originX, info.originY - info.rows * info.cellY, info.originX + info.cols * info.cellX, info.originY];
}
