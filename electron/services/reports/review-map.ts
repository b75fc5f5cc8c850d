/**
 * The map figure of a 审查意见书, drawn with pdfkit in the parcel's Gauss-Krüger plane: the chosen
 * offline basemap's tiles, else hillshade (when the project has a DEM), every reference layer inside the frame in the styles the screen
 * uses (shared/map/styles.ts), the overlaps and distance lines, the parcel on top; a graticule
 * with CGCS2000 longitude/latitude on the frame, the corner coordinates, north arrow, scale bar,
 * and a legend of what is drawn, each entry once.
 */
import type {} from 'pdfkit';
import type { Feature, Geometry, Position } from 'geojson';
import { transformer } from '../../../shared/crs';
import { bboxOf } from '../../../shared/geo/geodesy';
import { OVERLAP, SUBJECT_PARCEL, classesFor, classOf, styleClasses, type LayerClassValues, type StyleClass } from '../../../shared/map/styles';
import type { LayerKind } from '../../../shared/model/layers';
import type { BoundaryPoint } from './report-data';
import type { ParcelMapData } from './report-map-data';

type Doc = PDFKit.PDFDocument;
type XY = [number, number];

export interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One legend entry: what it is called and how its swatch is drawn. */
export interface LegendEntry {
  label: string;
  draw: (doc: Doc, x: number, y: number) => void;
}

/** Screen pixels → points on paper: the figure is smaller than a screen, so lines are thinner. */
const PAPER = 0.6;

function niceLength(target: number): number {
  const p = 10 ** Math.floor(Math.log10(target));
  for (const m of [5, 2, 1]) if (m * p <= target) return m * p;
  return p;
}

const family = (g: Geometry): 'area' | 'line' | 'point' | null =>
  g.type === 'Polygon' || g.type === 'MultiPolygon' ? 'area' : g.type === 'LineString' || g.type === 'MultiLineString' ? 'line' : g.type === 'Point' || g.type === 'MultiPoint' ? 'point' : null;

/** Distinct values of the attributes a kind's classes depend on, from the features drawn. */
function classValues(features: readonly Feature[]): LayerClassValues {
  const below = new Set<number>();
  for (const f of features) {
    const v = Number((f.properties ?? {}).belowM);
    if (Number.isFinite(v)) below.add(v);
  }
  return { belowM: [...below] };
}

function swatch(c: StyleClass): LegendEntry['draw'] {
  return (doc, x, y) => {
    doc.save();
    if (c.geometry === 'point') {
      if (c.bufferM) doc.circle(x + 7, y + 4.5, 5).lineWidth(0.6).dash(1.5, { space: 1.5 }).strokeColor(c.fill ?? '#555').stroke().undash();
      doc.circle(x + 7, y + 4.5, 2.6).lineWidth(0.8).fillAndStroke(c.fill ?? '#555', '#ffffff');
    } else if (c.geometry === 'line') {
      doc.moveTo(x, y + 4.5).lineTo(x + 14, y + 4.5).lineWidth(Math.max(0.8, (c.strokeWidth ?? 1) * PAPER));
      if (c.dash) doc.dash(c.dash[0] * 1.2, { space: (c.dash[1] ?? c.dash[0]) * 1.2 });
      doc.strokeColor(c.stroke ?? '#333').stroke().undash();
    } else {
      doc.rect(x, y, 14, 9).fillOpacity(Math.min(0.85, (c.fillOpacity ?? 0.5) + 0.15)).fill(c.fill ?? '#ccc');
      doc.fillOpacity(1).rect(x, y, 14, 9).lineWidth(Math.max(0.6, (c.strokeWidth ?? 1) * PAPER));
      if (c.dash) doc.dash(2, { space: 1.5 });
      doc.strokeColor(c.stroke ?? '#333').stroke().undash();
      if (c.hatched) {
        doc.rect(x, y, 14, 9).clip();
        for (let d = -9; d < 14; d += 3) doc.moveTo(x + d, y + 9).lineTo(x + d + 9, y).lineWidth(0.4).strokeColor(c.stroke ?? '#333').stroke();
      }
    }
    doc.restore();
  };
}

/** Draws the figure for one parcel; returns the legend entries of what it drew, each once. */
export function drawParcelMap(doc: Doc, map: ParcelMapData, frame: Frame, options: { boundaryPoints?: readonly BoundaryPoint[] } = {}): LegendEntry[] {
  const forward = transformer('EPSG:4490', map.gk.crs);
  const inverse = transformer(map.gk.crs, 'EPSG:4490');
  const [minE, minN, maxE, maxN] = map.extent;
  const s = Math.min(frame.w / (maxE - minE), frame.h / (maxN - minN));
  const cx = (minE + maxE) / 2;
  const cy = (minN + maxN) / 2;
  const gkToPage = ([e, n]: XY): XY => [frame.x + frame.w / 2 + (e - cx) * s, frame.y + frame.h / 2 - (n - cy) * s];
  const toPage = (p: Position): XY => gkToPage(forward([p[0], p[1]]));
  const pageToGk = ([px, py]: XY): XY => [cx + (px - frame.x - frame.w / 2) / s, cy - (py - frame.y - frame.h / 2) / s];

  const path = (geometry: Geometry) => {
    const rings: Position[][] =
      geometry.type === 'Polygon' ? geometry.coordinates : geometry.type === 'MultiPolygon' ? geometry.coordinates.flat() : geometry.type === 'LineString' ? [geometry.coordinates] : geometry.type === 'MultiLineString' ? geometry.coordinates : [];
    for (const ring of rings) {
      ring.forEach((p, i) => {
        const [x, y] = toPage(p);
        if (i === 0) doc.moveTo(x, y);
        else doc.lineTo(x, y);
      });
      if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') doc.closePath();
    }
  };
  /** Whether any of a geometry's box falls inside the frame (a layer's legend entry only then). */
  const visible = (geometry: Geometry): boolean => {
    const b = bboxOf(geometry);
    const corners = [toPage([b[0], b[1]]), toPage([b[2], b[3]]), toPage([b[0], b[3]]), toPage([b[2], b[1]])];
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    return Math.max(...xs) >= frame.x && Math.min(...xs) <= frame.x + frame.w && Math.max(...ys) >= frame.y && Math.min(...ys) <= frame.y + frame.h;
  };
  const points = (geometry: Geometry): Position[] => (geometry.type === 'Point' ? [geometry.coordinates] : geometry.type === 'MultiPoint' ? geometry.coordinates : []);

  const legend = new Map<string, LegendEntry>();
  const addLegend = (label: string, draw: LegendEntry['draw']) => {
    if (!legend.has(label)) legend.set(label, { label, draw });
  };

  doc.save();
  doc.rect(frame.x, frame.y, frame.w, frame.h).fill('#fbfaf7');
  doc.rect(frame.x, frame.y, frame.w, frame.h).clip();
  if (map.basemap) {
    // each tile mapped by the affine transform of its corners; grown by half a tile pixel so
    // neighbours overlap instead of leaving hairlines between them
    const grow = 0.5 / 256;
    for (const tile of map.basemap.tiles) {
      const [tl, tr, bl] = tile.corners.map(gkToPage);
      const ax = tr[0] - tl[0];
      const ay = tr[1] - tl[1];
      const bx = bl[0] - tl[0];
      const by = bl[1] - tl[1];
      doc.save();
      doc.transform(ax * (1 + 2 * grow), ay * (1 + 2 * grow), bx * (1 + 2 * grow), by * (1 + 2 * grow), tl[0] - grow * (ax + bx), tl[1] - grow * (ay + by));
      doc.image(Buffer.from(tile.image), 0, 0, { width: 1, height: 1 });
      doc.restore();
    }
    addLegend(`底图：${map.basemap.name}`, (d, x, y) => {
      d.save().rect(x, y, 14, 9).fill('#d8dccf');
      d.rect(x, y, 7, 4.5).fill('#b9c4a8').rect(x + 7, y + 4.5, 7, 4.5).fill('#c9c2ae').restore();
    });
  } else if (map.hillshade) {
    doc.image(Buffer.from(map.hillshade), frame.x + frame.w / 2 - ((maxE - minE) * s) / 2, frame.y + frame.h / 2 - ((maxN - minN) * s) / 2, { width: (maxE - minE) * s, height: (maxN - minN) * s });
    addLegend('地形晕渲（项目高程数据）', (d, x, y) => {
      d.save().rect(x, y, 14, 9).fill('#d9d6cf');
      d.polygon([x, y + 9], [x + 7, y + 1], [x + 14, y + 9]).fill('#8f8a80').restore();
    });
  }

  // Reference layers, bottom → top; within a layer the strictest class last, so it stays visible.
  for (const { layer, features } of map.layers) {
    const kind = layer.kind as LayerKind;
    const classes = styleClasses(kind, classValues(features));
    const groups = new Map<StyleClass, { feature: Feature; geometry: 'area' | 'line' | 'point' }[]>();
    for (const feature of features) {
      const g = feature.geometry && family(feature.geometry);
      if (!g) continue;
      const c = classOf(classes, (feature.properties ?? {}) as Record<string, unknown>, g);
      if (!c) continue;
      if (!groups.has(c)) groups.set(c, []);
      groups.get(c)!.push({ feature, geometry: g });
    }
    const order = [...(['area', 'line', 'point'] as const).flatMap((g) => classesFor(classes, g))].reverse();
    for (const c of order) {
      const list = groups.get(c);
      if (!list) continue;
      let drawn = false;
      for (const { feature, geometry } of list) {
        const g = feature.geometry!;
        if (geometry === 'point') {
          for (const p of points(g)) {
            const [x, y] = toPage(p);
            if (c.bufferM) {
              doc.save().circle(x, y, c.bufferM * s).fillOpacity(0.06).fill(c.fill ?? '#555').restore();
              doc.save().circle(x, y, c.bufferM * s).lineWidth(0.7).dash(3, { space: 2 }).strokeColor(c.fill ?? '#555').stroke().undash().restore();
            }
            doc.save().circle(x, y, (c.radius ?? 4) * PAPER + 0.8).lineWidth(0.8).fillAndStroke(c.fill ?? '#555', c.stroke ?? '#fff').restore();
            drawn = drawn || (x >= frame.x && x <= frame.x + frame.w && y >= frame.y && y <= frame.y + frame.h);
          }
          continue;
        }
        doc.save();
        path(g);
        if (geometry === 'area') {
          if ((c.fillOpacity ?? 0) > 0) doc.fillOpacity(c.fillOpacity!).fill(c.fill ?? '#ccc', 'even-odd');
          if (c.hatched) {
            doc.restore().save();
            path(g);
            doc.clip('even-odd');
            for (let d = -frame.h; d < frame.w; d += 5) doc.moveTo(frame.x + d, frame.y + frame.h).lineTo(frame.x + d + frame.h, frame.y).lineWidth(0.4).strokeColor(c.stroke ?? '#333').stroke();
          }
          doc.restore().save();
          path(g);
        }
        doc.fillOpacity(1).lineWidth(Math.max(0.4, (c.strokeWidth ?? 1) * PAPER)).lineJoin('round');
        if (c.dash) doc.dash(c.dash[0] * (c.strokeWidth ?? 1) * PAPER, { space: (c.dash[1] ?? c.dash[0]) * (c.strokeWidth ?? 1) * PAPER });
        doc.strokeColor(c.stroke ?? '#333').stroke().undash();
        doc.restore();
        drawn = drawn || visible(g);
      }
      if (drawn) addLegend(c.label.zh, swatch(c));
    }
  }

  // Overlap polygons and distance lines.
  for (const f of map.findings) {
    if (!f.geometry) continue;
    if (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') {
      doc.save();
      path(f.geometry);
      doc.fillOpacity(0.6).lineWidth(0.8).fillAndStroke(OVERLAP.fill, OVERLAP.edge, 'even-odd');
      doc.restore();
      addLegend('重叠区域', (d, x, y) => d.save().fillOpacity(0.6).rect(x, y, 14, 9).fillAndStroke(OVERLAP.fill, OVERLAP.edge).restore());
    } else if (f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString') {
      doc.save();
      path(f.geometry);
      doc.lineWidth(1).dash(4, { space: 3 }).strokeColor('#333').stroke().undash();
      doc.restore();
      addLegend('最近距离', (d, x, y) => d.save().lineWidth(1).dash(4, { space: 3 }).moveTo(x, y + 4.5).lineTo(x + 14, y + 4.5).strokeColor('#333').stroke().undash().restore());
    }
  }

  // The parcel on top.
  doc.save();
  path(map.geometry);
  doc.lineWidth(2).strokeColor(SUBJECT_PARCEL.line).stroke();
  doc.restore();
  const subjectSwatch: LegendEntry['draw'] = (d, x, y) => d.save().lineWidth(2).strokeColor(SUBJECT_PARCEL.line).rect(x, y, 14, 9).stroke().restore();
  legend.delete('报件地块');
  const bps = options.boundaryPoints ?? [];
  if (bps.length > 0 && bps.length <= 40) {
    doc.font('zh').fontSize(6.5).fillColor('#000');
    for (const bp of bps.slice(0, -1)) {
      const [x, y] = gkToPage([bp.y - map.gk.zone * 1_000_000, bp.x]);
      doc.circle(x, y, 1.6).fill(SUBJECT_PARCEL.line);
      doc.fillColor('#000').text(bp.name, x + 2, y - 8, { lineBreak: false });
    }
  }
  const graticuleLabels = graticule(doc, frame, { inverse, forward, gkToPage, pageToGk });
  doc.restore();
  doc.font('zh').fontSize(6).fillColor('#444');
  for (const l of graticuleLabels) doc.text(l.text, l.x, l.y, { lineBreak: false, ...(l.width ? { width: l.width, align: 'center' as const } : {}) });
  doc.save().lineWidth(1).strokeColor('#000').rect(frame.x, frame.y, frame.w, frame.h).stroke().restore();

  // North arrow (grid north of the GK plane; meridian convergence is under 1.5° inside a zone).
  const nx = frame.x + frame.w - 24;
  const ny = frame.y + 16;
  doc.save().circle(nx, ny + 12, 15).fillOpacity(0.8).fill('#fff').restore();
  doc.save().polygon([nx, ny], [nx - 7, ny + 22], [nx, ny + 16], [nx + 7, ny + 22]).fill('#000').restore();
  doc.font('zh').fontSize(7).fillColor('#000').text('N', nx - 2.5, ny - 9, { lineBreak: false });

  // Scale bar.
  const barM = niceLength(frame.w / 4 / s);
  const barPt = barM * s;
  const bx = frame.x + 12;
  const by = frame.y + frame.h - 18;
  doc.save().rect(bx - 4, by - 12, barPt + 78, 26).fillOpacity(0.85).fill('#fff').restore();
  for (let i = 0; i < 4; i++) doc.save().rect(bx + (i * barPt) / 4, by, barPt / 4, 4).lineWidth(0.5).fillAndStroke(i % 2 ? '#fff' : '#000', '#000').restore();
  doc.font('zh').fontSize(7).fillColor('#000');
  doc.text('0', bx - 2, by - 9, { lineBreak: false });
  doc.text(barM >= 1000 ? `${barM / 1000} km` : `${barM} m`, bx + barPt - 6, by - 9, { lineBreak: false });
  const denominator = Math.round(1 / s / 0.000352778);
  doc.text(`比例尺 1:${denominator.toLocaleString('en-US')}`, bx + barPt + 8, by - 2, { lineBreak: false });

  // The basemap's attribution, as its licence asks, in the frame's corner.
  if (map.basemap?.attribution) {
    const credit = `底图 ${map.basemap.attribution}`;
    doc.font('zh').fontSize(6);
    const cw = Math.min(frame.w / 2, doc.widthOfString(credit));
    doc.save().rect(frame.x + frame.w - cw - 8, frame.y + frame.h - 12, cw + 6, 10).fillOpacity(0.85).fill('#fff').restore();
    doc.fillColor('#333').text(credit, frame.x + frame.w - cw - 5, frame.y + frame.h - 10.5, { lineBreak: false, width: cw, ellipsis: true });
  }

  // CGCS2000 coordinates of two corners (lon/lat and GK X/Y).
  const label = (px: number, py: number) => {
    const gk = pageToGk([px, py]);
    const [lon, lat] = inverse(gk);
    return `${dms(lon, 'E')} ${dms(lat, 'N')}  (X ${gk[1].toFixed(1)}, Y ${(map.gk.zone * 1_000_000 + gk[0]).toFixed(1)})`;
  };
  doc.font('zh').fontSize(6.5).fillColor('#333');
  doc.text(`左上角 ${label(frame.x, frame.y)}`, frame.x, frame.y - 19, { lineBreak: false });
  doc.text(`右下角 ${label(frame.x + frame.w, frame.y + frame.h)}`, frame.x, frame.y + frame.h + 11, { width: frame.w, align: 'right', lineBreak: false });
  doc.fillColor('#000');
  return [{ label: '报件地块', draw: subjectSwatch }, ...legend.values()];
}

/** 111°02′30″E */
export function dms(value: number, hemisphere: 'E' | 'N'): string {
  let seconds = Math.round(Math.abs(value) * 3600);
  const d = Math.floor(seconds / 3600);
  seconds -= d * 3600;
  const m = Math.floor(seconds / 60);
  const sec = seconds - m * 60;
  return `${d}°${String(m).padStart(2, '0')}′${String(sec).padStart(2, '0')}″${hemisphere}`;
}

/** A longitude/latitude grid over the frame; returns its labels where it meets the frame's edges (drawn outside the clip). */
function graticule(
  doc: Doc,
  frame: Frame,
  t: { inverse: (p: XY) => XY; forward: (p: XY) => XY; gkToPage: (p: XY) => XY; pageToGk: (p: XY) => XY },
): { text: string; x: number; y: number; width?: number }[] {
  const labels: { text: string; x: number; y: number; width?: number }[] = [];
  const corners = [t.inverse(t.pageToGk([frame.x, frame.y])), t.inverse(t.pageToGk([frame.x + frame.w, frame.y + frame.h])), t.inverse(t.pageToGk([frame.x, frame.y + frame.h])), t.inverse(t.pageToGk([frame.x + frame.w, frame.y]))];
  const lons = corners.map((c) => c[0]);
  const lats = corners.map((c) => c[1]);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  // about three lines across: steps of whole seconds or minutes
  const steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((sec) => sec / 3600);
  const step = steps.find((st) => (e - w) / st <= 4) ?? 1;
  doc.save().lineWidth(0.35).strokeColor('#7a7a7a').strokeOpacity(0.7).dash(2, { space: 2 });
  for (let lon = Math.ceil(w / step) * step; lon <= e; lon += step) {
    const top = t.gkToPage(t.forward([lon, n + step]));
    const bottom = t.gkToPage(t.forward([lon, s - step]));
    doc.moveTo(top[0], top[1]).lineTo(bottom[0], bottom[1]).stroke();
    // where the meridian meets the top edge
    const f = (frame.y - top[1]) / (bottom[1] - top[1]);
    const x = top[0] + f * (bottom[0] - top[0]);
    if (x > frame.x + 20 && x < frame.x + frame.w - 40) labels.push({ text: dms(lon, 'E'), x: x - 25, y: frame.y - 8, width: 50 });
  }
  for (let lat = Math.ceil(s / step) * step; lat <= n; lat += step) {
    const left = t.gkToPage(t.forward([w - step, lat]));
    const right = t.gkToPage(t.forward([e + step, lat]));
    doc.moveTo(left[0], left[1]).lineTo(right[0], right[1]).stroke();
    const f = (frame.x + frame.w - left[0]) / (right[0] - left[0]);
    const y = left[1] + f * (right[1] - left[1]);
    if (y > frame.y + 10 && y < frame.y + frame.h - 10) labels.push({ text: dms(lat, 'N'), x: frame.x + frame.w + 2, y: y - 3 });
  }
  doc.undash().restore();
  return labels;
}

/** The legend under a figure: entries in rows, wrapping at the frame's width; returns the y below it. */
export function drawLegend(doc: Doc, entries: readonly LegendEntry[], x0: number, y0: number, width: number): number {
  doc.font('zh').fontSize(8).fillColor('#000').text('图例：', x0, y0, { lineBreak: false });
  let x = x0 + 30;
  let y = y0;
  for (const entry of entries) {
    const w = 18 + doc.widthOfString(entry.label) + 12;
    if (x + w > x0 + width) {
      x = x0 + 30;
      y += 13;
    }
    entry.draw(doc, x, y);
    doc.fillColor('#000').text(entry.label, x + 18, y, { lineBreak: false });
    x += w;
  }
  return y + 15;
}
