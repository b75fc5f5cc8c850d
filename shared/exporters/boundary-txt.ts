/**
 * Parcels (EPSG:4490 features) → 自然资源部 boundary-point TXT (界址点坐标, domain.md §5), the
 * format 报批/勘测定界 systems exchange (pure; returns text — the Node side encodes it as GBK or
 * UTF-8). Written in a chosen CGCS2000 Gauss-Krüger zone: X = northing, Y = easting (with the zone
 * prefix when the code is a prefixed one), 3 decimals (mm); one header line per parcel
 * (界址点数 incl. closing points, 地块面积 in 公顷 = planar area in that zone, 地块编号, 地块名称,
 * 面, 图幅号, 地块用途, 地类编码, @); 圈号 1 for the first outer ring, 2, 3… for holes and further
 * parts in order; 点号 J1… continue across the rings of a parcel and each ring is closed by
 * repeating its first point (with its 点号), starting from the north-west corner, outer rings clockwise. CRLF line ends.
 */
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { normalizeCrs, transformer } from '../crs';
import { gkZoneOfCode } from '../importers/boundary-txt';
import { UserInputError } from '../model/errors';
import { signedRingArea } from '../geo/rings';

export interface BoundaryTxtExportOptions {
  /** Target CGCS2000 GK code (EPSG:4491–4554); default: the 3° zone (with prefix) of the data's centre. */
  crs?: string;
  /** 数据产生单位 */
  producer?: string;
  /** 数据产生日期 (YYYY-MM-DD); default today. */
  date?: string;
}

export interface BoundaryTxtExport {
  text: string;
  crs: string;
  parcels: number;
  points: number;
}

/** 3° CGCS2000 GK code with zone prefix for a longitude (zones 25–45). */
export function prefixedZoneCrsForLon(lon: number): string {
  const zone = Math.round(lon / 3);
  return `EPSG:${4488 + zone}`;
}


/** Open ring (no closing repeat) with the wanted orientation in the E/N plane. */
function orient(ring: Position[], clockwise: boolean): Position[] {
  const open = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring.slice();
  const oriented = signedRingArea(open) < 0 === clockwise ? open : open.reverse();
  // start at the vertex nearest the north-west corner of the ring's box (the usual J1)
  let minX = Infinity, maxY = -Infinity;
  for (const p of oriented) {
    minX = Math.min(minX, p[0]);
    maxY = Math.max(maxY, p[1]);
  }
  let start = 0;
  let best = Infinity;
  oriented.forEach((p, i) => {
    const d = (p[0] - minX) ** 2 + (p[1] - maxY) ** 2;
    if (d < best) [best, start] = [d, i];
  });
  return [...oriented.slice(start), ...oriented.slice(0, start)];
}

const field = (v: unknown) => (v === null || v === undefined ? '' : String(v).replace(/[,@\r\n]/g, ' ').trim());

export function exportBoundaryTxt(features: Feature[], options: BoundaryTxtExportOptions = {}): BoundaryTxtExport {
  const polygons = features.filter((f): f is Feature<Polygon | MultiPolygon> => f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon');
  if (polygons.length === 0) {
    throw new UserInputError('export.no-parcels', '没有可导出的地块（面要素）。', 'No polygon parcels to export.');
  }
  let crs: string;
  if (options.crs) {
    crs = normalizeCrs(options.crs);
  } else {
    let minX = Infinity, maxX = -Infinity;
    for (const f of polygons) for (const rings of f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) for (const p of rings[0]) {
      minX = Math.min(minX, p[0]);
      maxX = Math.max(maxX, p[0]);
    }
    crs = prefixedZoneCrsForLon((minX + maxX) / 2);
  }
  const zone = gkZoneOfCode(crs);
  if (!zone) {
    throw new UserInputError(
      'export.crs',
      `界址点坐标文件须使用 CGCS2000 高斯-克吕格投影（EPSG:4491–4554），“${crs}”不是。`,
      `Boundary-point TXT needs a CGCS2000 Gauss-Krüger CRS (EPSG:4491-4554), not ${crs}.`,
    );
  }
  const forward = transformer('EPSG:4490', crs);
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const lines = [
    '[属性描述]',
    '格式版本号=1.01',
    `数据产生单位=${field(options.producer ?? 'LandGate 地块准入审查')}`,
    `数据产生日期=${date}`,
    '坐标系=2000国家大地坐标系',
    `几度分带=${zone.zoneWidth}`,
    '投影类型=高斯克吕格',
    '计量单位=米',
    `带号=${zone.zone}`,
    '精度=0.001',
    '转换参数=,,,,,,',
    '[地块坐标]',
  ];
  let points = 0;
  polygons.forEach((feature, index) => {
    const props = feature.properties ?? {};
    const parts = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    const rings: Position[][] = [];
    let areaM2 = 0;
    for (const part of parts) {
      part.forEach((ring, i) => {
        // survey convention: outer rings clockwise, holes counter-clockwise (as seen on the map)
        const projected = orient(ring.map((p) => forward([p[0], p[1]])), i === 0);
        areaM2 += (i === 0 ? 1 : -1) * Math.abs(signedRingArea(projected));
        rings.push(projected);
      });
    }
    const body: string[] = [];
    let n = 0;
    rings.forEach((ring, r) => {
      const first = n + 1;
      for (const p of ring) body.push(`J${++n},${r + 1},${p[1].toFixed(3)},${p[0].toFixed(3)}`);
      body.push(`J${first},${r + 1},${ring[0][1].toFixed(3)},${ring[0][0].toFixed(3)}`);
    });
    points += body.length;
    const id = field(props.id ?? feature.id ?? index + 1);
    lines.push(`${body.length},${(areaM2 / 10000).toFixed(4)},${id},${field(props.name)},面,,${field(props.plannedUse)},${field(props.landUseCode ?? '')},@`, ...body);
  });
  return { text: lines.join('\r\n') + '\r\n', crs, parcels: polygons.length, points };
}
