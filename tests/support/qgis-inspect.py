#!/usr/bin/python3
"""
What QGIS makes of a LandGate project: opens every feature layer of a GeoPackage the way QGIS's
Browser does (the OGR provider, the layer's default style from the layer_styles table), prints as
JSON what QGIS applied — the styles it lists in the database, whether the default style loaded, the
renderer and its rules or categories, each symbol layer's colours, widths and units, labels, and
which rule every feature falls in — and, with --png DIR, renders each layer (and all of them in
LandGate's drawing order, --order) to a PNG and counts the colours drawn.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/support/qgis-inspect.py project.gpkg [--png DIR] [--order t1,t2,…]

Needs QGIS's Python bindings (Debian: python3-qgis). Headless: Qt's offscreen platform.
"""
import argparse
import json
import math
import os
import sqlite3
import sys
import tempfile

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
if 'XDG_RUNTIME_DIR' not in os.environ:
    os.environ['XDG_RUNTIME_DIR'] = tempfile.mkdtemp(prefix='qgis-runtime-')

from qgis.core import (  # noqa: E402
    Qgis,
    QgsApplication,
    QgsDistanceArea,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsGeometry,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsRenderContext,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def color(c: QColor) -> dict:
    return {'hex': c.name(), 'alpha': round(c.alphaF(), 3)}


def symbol_layer(sl) -> dict:
    props = sl.properties()
    out = {'class': sl.layerType(), 'enabled': sl.enabled(), 'pass': sl.renderingPass()}
    # the colours as QGIS parsed them (a colour it could not read comes back black or default)
    out['color'] = color(sl.color())
    if sl.layerType() in ('SimpleFill', 'SimpleMarker'):
        out['strokeColor'] = color(sl.strokeColor())
    for key in ('style', 'outline_style', 'line_style', 'use_custom_dash', 'customdash', 'customdash_unit', 'name', 'size', 'size_unit', 'outline_width', 'outline_width_unit', 'line_width', 'line_width_unit'):
        if isinstance(props.get(key), str):
            out[key] = props[key]
    return out


def symbol(sym) -> dict | None:
    if sym is None:
        return None
    return {'type': sym.type(), 'opacity': round(sym.opacity(), 3), 'color': color(sym.color()), 'layers': [symbol_layer(sym.symbolLayer(i)) for i in range(sym.symbolLayerCount())]}


def renderer(r) -> dict:
    out = {'type': r.type()}
    if r.type() == 'RuleRenderer':
        out['rules'] = [{'key': rule.ruleKey(), 'label': rule.label(), 'filter': rule.filterExpression(), 'symbol': symbol(rule.symbol())} for rule in r.rootRule().children()]
    elif r.type() == 'categorizedSymbol':
        out['attribute'] = r.classAttribute()
        out['categories'] = [{'value': c.value(), 'label': c.label(), 'symbol': symbol(c.symbol())} for c in r.categories()]
    elif r.type() == 'graduatedSymbol':
        out['attribute'] = r.classAttribute()
        out['ranges'] = [{'lower': g.lowerValue(), 'upper': g.upperValue(), 'label': g.label(), 'symbol': symbol(g.symbol())} for g in r.ranges()]
    elif r.type() == 'singleSymbol':
        out['symbol'] = symbol(r.symbol())
    return out


def features_by_rule(layer) -> dict:
    """Each feature (by fid) → the keys of the rules (legend entries) QGIS draws it with."""
    r = layer.renderer().clone()
    ctx = QgsRenderContext()
    ectx = QgsExpressionContext()
    ectx.appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    ctx.setExpressionContext(ectx)
    r.startRender(ctx, layer.fields())
    root = r.rootRule().ruleKey() if r.type() == 'RuleRenderer' else None
    out = {}
    for f in layer.getFeatures():
        ectx.setFeature(f)
        key = str(f.id())
        out[key] = sorted(k for k in r.legendKeysForFeature(f, ctx) if k != root)
    r.stopRender(ctx)
    return out


def map_settings(layers, extent, size: int, antialiasing: bool = True) -> QgsMapSettings:
    settings = QgsMapSettings()
    settings.setLayers(layers)  # first on top
    settings.setDestinationCrs(layers[0].crs())
    settings.setOutputSize(QSize(size, size))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputDpi(96)
    settings.setFlag(QgsMapSettings.Antialiasing, antialiasing)
    return settings


def rendered(settings):
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def window(image, settings, point: QgsPointXY, half: int) -> dict:
    """The colours drawn in the (2·half+1)² pixels around a map point: each colour's count, most frequent first."""
    pixel = settings.mapToPixel().transform(point)
    cx, cy = int(round(pixel.x())), int(round(pixel.y()))
    counts: dict[str, int] = {}
    for y in range(cy - half, cy + half + 1):
        for x in range(cx - half, cx + half + 1):
            if 0 <= x < image.width() and 0 <= y < image.height():
                h = f'#{image.pixel(x, y) & 0xFFFFFF:06x}'
                counts[h] = counts.get(h, 0) + 1
    return {'pixel': [cx, cy], 'colors': [{'hex': h, 'count': n} for h, n in sorted(counts.items(), key=lambda kv: -kv[1])]}


def probes(layer) -> list:
    """
    Each feature drawn by QGIS as the layer's only layer, without antialiasing (so colours are exact),
    zoomed on the feature, and the colours read back: inside an area (its pole of inaccessibility,
    with every feature of the layer that covers the spot), on its outline, on a line, at a point
    symbol's centre and inside its buffer ring (250 m north, with every station whose 500 m ring
    covers the spot).
    """
    da = QgsDistanceArea()
    da.setSourceCrs(layer.crs(), QgsProject.instance().transformContext())
    da.setEllipsoid(layer.crs().ellipsoidAcronym() or 'WGS84')
    geographic = layer.crs().isGeographic()
    features = [(str(f.id()), QgsGeometry(f.geometry())) for f in layer.getFeatures() if f.hasGeometry()]

    def offset(p: QgsPointXY, metres: float, azimuth: float) -> QgsPointXY:
        if not geographic:
            return QgsPointXY(p.x() + metres * math.sin(azimuth), p.y() + metres * math.cos(azimuth))
        return da.computeSpheroidProject(p, metres, azimuth)

    out = []
    for fid, geom in features:
        kind = QgsWkbTypes.geometryType(geom.wkbType())
        if kind == QgsWkbTypes.PointGeometry:
            p = geom.asMultiPoint()[0] if geom.isMultipart() else geom.asPoint()
            north, east = offset(p, 1200, 0), offset(p, 1200, math.pi / 2)
            extent = QgsRectangle(2 * p.x() - east.x(), 2 * p.y() - north.y(), east.x(), north.y())
            settings = map_settings([layer], extent, 256, False)
            image = rendered(settings)
            ring_probe = offset(p, 250, 0)
            rings = [other for other, g in features if da.measureLine(ring_probe, g.asMultiPoint()[0] if g.isMultipart() else g.asPoint()) < 500]
            out.append({'id': fid, 'at': 'point', **window(image, settings, p, 0)})
            out.append({'id': fid, 'at': 'ring', 'covering': rings, **window(image, settings, ring_probe, 2)})
            continue
        extent = QgsRectangle(geom.boundingBox())
        extent.scale(1.25)
        settings = map_settings([layer], extent, 256, False)
        image = rendered(settings)
        if kind == QgsWkbTypes.PolygonGeometry:
            inside = geom.poleOfInaccessibility(max(extent.width(), extent.height()) / 500)[0].asPoint()
            covering = [other for other, g in features if g.contains(QgsGeometry.fromPointXY(inside))]
            out.append({'id': fid, 'at': 'inside', 'covering': covering, **window(image, settings, inside, 2)})
            outline = geom.convertToType(QgsWkbTypes.LineGeometry, True)
            out.append({'id': fid, 'at': 'outline', **window(image, settings, outline.interpolate(outline.length() / 2).asPoint(), 4)})
        elif kind == QgsWkbTypes.LineGeometry:
            out.append({'id': fid, 'at': 'line', **window(image, settings, geom.interpolate(geom.length() / 2).asPoint(), 4)})
    return out


def sld(layer_uri: str, name: str, text: str | None) -> dict | None:
    """Whether QGIS reads the SLD we store beside the QML (for other GIS), and what it makes of it."""
    if not text:
        return None
    options = QgsVectorLayer.LayerOptions()
    options.loadDefaultStyle = False
    layer = QgsVectorLayer(layer_uri, name, 'ogr', options)
    with tempfile.NamedTemporaryFile('w', suffix='.sld', delete=False, encoding='utf-8') as f:
        f.write(text)
    message, ok = layer.loadSldStyle(f.name)
    os.unlink(f.name)
    return {'loaded': bool(ok), 'message': message, 'renderer': renderer(layer.renderer()) if ok else None}


def render(layers, path: str, size: int = 480) -> dict:
    extent = QgsRectangle(layers[0].extent())
    for layer in layers[1:]:
        extent.combineExtentWith(layer.extent())
    extent.scale(1.08)
    image = rendered(map_settings(layers, extent, size))
    image.save(path, 'PNG')
    # colours drawn (ignoring white), most frequent first
    counts: dict[str, int] = {}
    for y in range(image.height()):
        for x in range(image.width()):
            rgb = image.pixel(x, y) & 0xFFFFFF
            if rgb != 0xFFFFFF:
                h = f'#{rgb:06x}'
                counts[h] = counts.get(h, 0) + 1
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:24]
    return {'png': path, 'pixels': sum(counts.values()), 'colors': [{'hex': h, 'count': n} for h, n in top]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('gpkg')
    parser.add_argument('--png', help='render each layer (and all layers) into this folder')
    parser.add_argument('--order', help='tables bottom → top for the all-layers image (default: gpkg_contents order)')
    args = parser.parse_args()

    QgsApplication.setPrefixPath('/usr', True)
    app = QgsApplication([], False)
    app.initQgis()

    db = sqlite3.connect(f'file:{args.gpkg}?mode=ro', uri=True)
    tables = [t for (t,) in db.execute("SELECT c.table_name FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) WHERE c.data_type = 'features' ORDER BY c.rowid")]
    try:
        slds = dict(db.execute("SELECT f_table_name, styleSLD FROM layer_styles WHERE styleName = 'LandGate'").fetchall())
    except sqlite3.OperationalError:
        slds = {}
    db.close()

    report = {'qgis': Qgis.QGIS_VERSION, 'layers': {}}
    loaded = {}
    for table in tables:
        uri = f'{args.gpkg}|layername={table}'
        # what QGIS draws without the project's style: one random colour (to tell the two apart)
        options = QgsVectorLayer.LayerOptions()
        options.loadDefaultStyle = False
        bare = QgsVectorLayer(uri, table, 'ogr', options)
        layer = QgsVectorLayer(uri, table, 'ogr')  # as QGIS opens it: the default style loaded
        if not layer.isValid():
            report['layers'][table] = {'valid': False, 'error': layer.error().summary()}
            continue
        count, ids, names, descriptions, error = layer.listStylesInDatabase()
        # QGIS 3.22 lists every other table's style once per other style sharing its update_time
        others = list(dict.fromkeys(zip(ids[count:], names[count:])))
        message, default_ok = layer.loadDefaultStyle()
        info = {
            'valid': True,
            'featureCount': layer.featureCount(),
            'geometryType': layer.geometryType(),
            'styles': {'own': [{'id': i, 'name': n, 'description': d} for i, n, d in zip(ids[:count], names[:count], descriptions[:count])], 'otherTables': len(others), 'listedEntries': len(ids), 'error': error},
            'defaultStyle': {'loaded': bool(default_ok), 'message': message},
            'bareRenderer': bare.renderer().type() if bare.renderer() else None,
            'opacity': layer.opacity(),
            'labels': {'enabled': layer.labelsEnabled(), 'type': layer.labeling().type() if layer.labeling() else None},
            'renderer': renderer(layer.renderer()),
            'features': features_by_rule(layer),
            'probes': probes(layer),
            'sld': sld(uri, table, slds.get(table)),
        }
        report['layers'][table] = info
        loaded[table] = layer

    if args.png:
        os.makedirs(args.png, exist_ok=True)
        for table, layer in loaded.items():
            report['layers'][table]['image'] = render([layer], os.path.join(args.png, f'{table}.png'))
        order = args.order.split(',') if args.order else list(loaded)
        stack = [loaded[t] for t in reversed(order) if t in loaded]
        if stack:
            report['all'] = render(stack, os.path.join(args.png, 'all.png'), 900)

    json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write('\n')
    sys.stdout.flush()
    # no exitQgis() and no interpreter teardown: PyQt freeing the layers and QgsApplication
    # afterwards segfaults (QGIS 3.22), and everything is written by now
    os._exit(0)


if __name__ == '__main__':
    main()
