/**
 * Vector tiles of a shared project, cut by PostGIS itself (ST_AsMVTGeom / ST_AsMVT): one statement
 * a tile, and what comes back is the tile's bytes. The JavaScript cutter (map/vector-tiles.ts) reads
 * every feature of the box over the bridge, decodes its WKB and clips it with geojson-vt; on a
 * server the features never leave the database, which is what makes a z10 tile of a county cheap.
 *
 * The map decides what a tile holds (the attributes, the marker grid, the simplification, the
 * station rings; map/vector-tiles.ts) and passes it in an MvtRequest; this module only says it in
 * SQL. It reproduces the JavaScript cut so that a shared project's map looks like its GeoPackage
 * copy: the same features by the same index boxes (SQLite's float32 R*Tree boxes, see rtreeBox), the
 * same properties, one marker per cell with the same winner, rings drawn with the same formula.
 */
import type { BBox } from '../../../../shared/model/layers';
import { quoteId } from '../feature-request';
import { sqlOf } from '../internal';
import type { ColumnSpec } from '../layers';
import type { ProjectDb } from '../project-db';
import { PROJECT_SRS_ID } from '../schema';
import type { MarkerGrid } from '../tile-source';

export interface MvtRequest {
  table: string;
  /** The layer's revision (TileSourceRepository.revision): its columns are read once per revision. */
  revision: string;
  z: number;
  x: number;
  y: number;
  /** Attribute keys the features carry (`id` is the feature id users know, featureIdOf). */
  attributes: readonly string[];
  /** A parcel layer: each feature carries its latest verdict as `verdict`, and a refused parcel wins its marker cell. */
  verdicts: boolean;
  /** EPSG:4490: the tile with its buffer; the features whose index box meets it are cut. */
  box: BBox;
  /** MVT coordinate extent and the buffer kept beyond each edge, in tile units. */
  extent: number;
  buffer: number;
  /** Douglas–Peucker tolerance in tile units; 0 keeps every vertex. */
  simplifyTolerance: number;
  /** Low zoom: features smaller than the grid's minimum become one point per cell, flagged with `attribute`. */
  markers: (MarkerGrid & { attribute: string }) | null;
  /**
   * Stations: a second MVT layer of rings around each point, as display-circle.ts draws them (a
   * `vertices`-gon on the sphere); the points are read from `box`, which reaches a ring's radius
   * beyond the tile, and drawn only where they lie in `pointBox`.
   */
  rings: { layer: string; pointBox: BBox; radiusM: number; vertices: number; earthRadiusM: number } | null;
}

/** Web Mercator's half circumference (EPSG:3857), metres. */
const MERCATOR_HALF_M = 20037508.342789244;

/** Whitespace String.prototype.trim removes: featureIdOf trims ids with it, so the SQL trims the same. */
const JS_WHITESPACE = '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

export class PgTileRepository {
  private readonly columnsOf = new Map<string, { revision: string; columns: ColumnSpec[] }>();
  private verdictTable: boolean | null = null;

  constructor(private readonly db: ProjectDb) {}

  /**
   * Whether the server cuts tiles: ST_TileEnvelope and ST_AsMVT's feature ids came with PostGIS
   * 3.0, and a bureau's server may still run 2.5; there the map keeps the JavaScript cut.
   */
  static available(db: ProjectDb): boolean {
    const row = sqlOf(db).prepare('SELECT postgis_lib_version() AS v').get() as { v: string };
    return Number(row.v.split('.')[0]) >= 3;
  }

  private get sql() {
    return sqlOf(this.db);
  }

  /** One tile's MVT bytes; empty when nothing of the layer is in it. */
  mvt(request: MvtRequest): Uint8Array {
    const { text, params } = this.statement(request);
    const cut = () => this.sql.prepare(text).raw().get(...params) as [Uint8Array | null] | undefined;
    // A low-zoom tile of thousands of features is planned above jit_above_cost, and compiling it
    // took 150 ms of a 1.5 s z8 tile for nothing: the work is in PostGIS's C functions. Off for
    // this statement only (a transaction's SET LOCAL); a high-zoom tile stays one round trip.
    const row = request.markers
      ? this.sql.transaction(() => {
          this.sql.exec('SET LOCAL jit = off');
          return cut();
        })()
      : cut();
    const body = row?.[0];
    return body && body.byteLength ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array(0);
  }

  /** A layer removed from the project: its columns are read again if a layer of that name comes back. */
  forget(table: string): void {
    this.columnsOf.delete(table);
  }

  private columns(table: string, revision: string): ColumnSpec[] {
    const known = this.columnsOf.get(table);
    if (known?.revision === revision) return known.columns;
    const row = this.sql.prepare('SELECT columns FROM landgate_layers WHERE table_name = ?').get(table) as { columns: string } | undefined;
    const columns = row ? (JSON.parse(row.columns) as ColumnSpec[]) : [];
    this.columnsOf.set(table, { revision, columns });
    return columns;
  }

  /**
   * The statement of a tile and its parameters. PostgreSQL's own numbered parameters ($1, not the
   * store's `?`, which PgConnection numbers in order of appearance): the tile's envelope and the
   * layer's name are used in several places of the statement and bound once.
   */
  statement(request: MvtRequest): { text: string; params: unknown[] } {
    const params: unknown[] = [];
    /** A bound value, typed (pg sends parameters as text; the casts say what they are). */
    const bind = (value: unknown, type: 'double precision' | 'integer' | 'text') => {
      params.push(value);
      return `CAST($${params.length} AS ${type})`;
    };
    const num = (value: number) => bind(value, 'double precision');
    const int = (value: number) => bind(value, 'integer');
    const box = ([west, south, east, north]: BBox) => `ST_MakeEnvelope(${num(west)}, ${num(south)}, ${num(east)}, ${num(north)}, ${PROJECT_SRS_ID})`;

    const columns = this.columns(request.table, request.revision);
    const idColumn = columns.find((c) => c.key === 'id');
    // featureIdOf: the trimmed id attribute, else the fid
    const idExpr = idColumn ? `COALESCE(NULLIF(btrim(CAST(t.${quoteId(idColumn.column)} AS text), ${bind(JS_WHITESPACE, 'text')}), ''), CAST(t.fid AS text))` : 'CAST(t.fid AS text)';
    const carried = columns.filter((c) => c.key !== 'id' && request.attributes.includes(c.key));
    const verdicts = request.verdicts && this.hasVerdicts();
    const [west, south, east, north] = request.box;

    // The features whose index box meets the box. The GiST finds them; their boxes, rounded as the
    // GeoPackage's R*Tree rounds them, decide (as the R*Tree does on a GeoPackage) which are in,
    // which are small enough to be a marker and which cell a marker falls in.
    const attributes = carried.map((_, i) => `, a${i}`).join('');
    // (OFFSET 0 keeps each level a level: without it the planner would fold the box's expressions
    // into the next one, and compute each of them several times a row)
    const hit = `hit AS (
      SELECT * FROM (
        SELECT fid, geom, pid${attributes}, ${rtreeBox('x0', 'x1', 'y0', 'y1')}
        FROM (
          SELECT fid, geom, pid${attributes}, ST_XMin(b) AS x0, ST_XMax(b) AS x1, ST_YMin(b) AS y0, ST_YMax(b) AS y1
          FROM (
            SELECT t.fid, t.geom, Box2D(t.geom) AS b, ${idExpr} AS pid${carried.map((c, i) => `, ${propertySql(`t.${quoteId(c.column)}`, c)} AS a${i}`).join('')}
            FROM ${quoteId(request.table)} t
            WHERE t.geom && ${box(request.box)}
            OFFSET 0
          ) boxed
          OFFSET 0
        ) bounds
      ) indexed
      WHERE minx <= ${num(east)} AND maxx >= ${num(west)} AND miny <= ${num(north)} AND maxy >= ${num(south)}
    )`;

    const tile = `ST_TileEnvelope(${int(request.z)}, ${int(request.x)}, ${int(request.y)})`;
    const toTile = (geometry: string, simplify: boolean) => {
      const mercator = `ST_Transform(${geometry}, 3857)`;
      const tolerance = ((2 * MERCATOR_HALF_M) / 2 ** request.z / request.extent) * request.simplifyTolerance;
      const simplified = simplify && tolerance > 0 ? `ST_Simplify(${mercator}, ${num(tolerance)})` : mercator;
      return `ST_AsMVTGeom(${simplified}, ${tile}, ${int(request.extent)}, ${int(request.buffer)}, true)`;
    };

    // what every cut row carries besides its fid and geometry: the feature id and the attributes
    const carry = ['pid', ...carried.map((_, i) => `a${i}`)].join(', ');
    const sameId = (pid: string) => `${pid} COLLATE "default"`; // the layer's ids are "C", the verdicts' the database's: compared in the verdicts' own, their index applies
    let cut: string;
    const ctes = [hit];
    const markers = request.markers;
    if (markers) {
      const refused = verdicts
        ? `${sameId('pid')} IN (SELECT parcel_id FROM landgate_parcel_verdicts WHERE parcel_table = ${bind(request.table, 'text')} AND verdict = 'prohibited')`
        : 'false';
      ctes.push(`sized AS (
        SELECT *, (maxx - minx >= ${num(markers.minWidth)} OR maxy - miny >= ${num(markers.minHeight)}) AS whole FROM hit
      )`);
      // One marker per cell: the refused parcel if the cell holds one, else the lowest fid, so the
      // same feature stands for the cell in every tile and every cut.
      ctes.push(`marker AS (
        SELECT DISTINCT ON (cx, cy) fid, lon, lat, ${carry} FROM (
          SELECT *, floor((lon - ${num(markers.west)}) / ${num(markers.cellWidth)}) AS cx, floor((lat - ${num(markers.south)}) / ${num(markers.cellHeight)}) AS cy, ${refused} AS refused
          FROM (SELECT fid, ${carry}, (minx + maxx) / 2 AS lon, (miny + maxy) / 2 AS lat FROM sized WHERE NOT whole) centred
        ) celled
        ORDER BY cx, cy, refused DESC, fid
      )`);
      cut = `SELECT fid, ${toTile('geom', true)} AS geom, ${carry}, CAST(NULL AS boolean) AS marker FROM sized WHERE whole
        UNION ALL
        SELECT fid, ${toTile(`ST_SetSRID(ST_MakePoint(lon, lat), ${PROJECT_SRS_ID})`, false)}, ${carry}, true FROM marker`;
    } else if (request.rings) {
      // only the stations in the tile are drawn; those around it only lend their rings
      cut = `SELECT fid, ${toTile('geom', false)} AS geom, ${carry} FROM hit WHERE ST_Intersects(geom, ${box(request.rings.pointBox)})`;
    } else {
      cut = `SELECT fid, ${toTile('geom', true)} AS geom, ${carry} FROM hit`;
    }
    // a row of the tile, its properties named as the style reads them (a JSON column names its own)
    const properties = (alias: string) => [`${alias}.pid AS ${quoteId('id')}`, ...carried.map((c, i) => (c.type === 'json' ? `${alias}.a${i}` : `${alias}.a${i} AS ${quoteId(c.key)}`))];
    const layer = (name: string, rows: string, extra: string[] = [], join = '') => `SELECT ST_AsMVT(q, ${bind(name, 'text')}, ${int(request.extent)}, 'mvt_geom', 'mvt_fid') FROM (
      SELECT c.fid AS mvt_fid, c.geom AS mvt_geom, ${[...properties('c'), ...extra].join(', ')}
      FROM (${rows}) c${join}
      WHERE c.geom IS NOT NULL ORDER BY c.fid
    ) q`;

    const main = layer(
      request.table,
      cut,
      [...(verdicts ? [`v.verdict AS ${quoteId('verdict')}`] : []), ...(markers ? [`c.marker AS ${quoteId(markers.attribute)}`] : [])],
      verdicts ? ` LEFT JOIN landgate_parcel_verdicts v ON v.parcel_table = ${bind(request.table, 'text')} AND v.parcel_id = ${sameId('c.pid')}` : '',
    );
    let layers = `(${main})`;
    if (request.rings) {
      const { radiusM, vertices, earthRadiusM } = request.rings;
      // display-circle.ts destination(): the point `radiusM` from the centre on bearing 360 − i·360/n,
      // on a sphere; the ring closes on its first point (i mod n gives the same bearing, bit for bit)
      const delta = num(radiusM / earthRadiusM);
      const n = int(vertices);
      const ring = `SELECT fid, ${toTile(`ST_SetSRID(ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint(degrees(lambda1 + atan2(sin(theta) * sin(delta) * cos(phi1), cos(delta) - sin(phi1) * sin_phi2)), degrees(asin(sin_phi2))) ORDER BY i))), ${PROJECT_SRS_ID})`, true)} AS geom, ${carry}
        FROM hit h CROSS JOIN LATERAL ST_DumpPoints(h.geom) AS d
        CROSS JOIN LATERAL (SELECT ${delta} AS delta, radians(ST_Y(d.geom)) AS phi1, radians(ST_X(d.geom)) AS lambda1) c
        CROSS JOIN LATERAL generate_series(0, ${n}) AS i
        CROSS JOIN LATERAL (SELECT radians(360 - CAST(i % ${n} AS double precision) * 360 / ${n}) AS theta) b
        CROSS JOIN LATERAL (SELECT sin(phi1) * cos(delta) + cos(phi1) * sin(delta) * cos(theta) AS sin_phi2) s
        GROUP BY fid, d.path, ${carry}`;
      // the rings carry the station's properties (no verdict, no marker)
      layers = `(${main}) || (${layer(request.rings.layer, ring)})`;
    }
    return { text: `WITH ${ctes.join(',\n')}\nSELECT ${layers}`, params };
  }

  private hasVerdicts(): boolean {
    return (this.verdictTable ??= this.db.hasTable('landgate_parcel_verdicts'));
  }
}

/**
 * A column's value as the JavaScript cut puts it into a tile (LayerRepository's fromSqlValue, then
 * scalars only): text, numbers and booleans as they are, NaN and infinities left out; a JSON column
 * as a one-key jsonb object, whose scalar value ST_AsMVT writes and whose list or object it skips.
 */
function propertySql(column: string, spec: ColumnSpec): string {
  switch (spec.type) {
    case 'real':
      return `CASE WHEN ${column} IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE ${column} END`;
    case 'json':
      return `jsonb_build_object(${literal(spec.key)}, CAST(${column} AS jsonb))`;
    default:
      return column;
  }
}

/**
 * The box of a feature as SQLite's R*Tree stores it in a GeoPackage: float32, rounded outward as
 * rtree.c's rtreeValueDown / rtreeValueUp round (a double that does not fit is moved by a 2^-23
 * share of itself towards the outside before it is cast). PostGIS's Box2D is exact; without the
 * same rounding a parcel on a cell's edge would stand for a different cell than in the GeoPackage
 * copy of the project, and one on the 4-pixel limit would be a dot in one and an outline in the other.
 */
function rtreeBox(minX: string, maxX: string, minY: string, maxY: string): string {
  const towards = 'CAST(0.99999988079071044921875 AS double precision)'; // 1 − 2^-23
  const away = 'CAST(1.00000011920928955078125 AS double precision)'; // 1 + 2^-23
  const down = (d: string) => `CAST(CASE WHEN CAST(${d} AS real) > ${d} THEN CAST(${d} * CASE WHEN ${d} < 0 THEN ${away} ELSE ${towards} END AS real) ELSE CAST(${d} AS real) END AS double precision)`;
  const up = (d: string) => `CAST(CASE WHEN CAST(${d} AS real) < ${d} THEN CAST(${d} * CASE WHEN ${d} < 0 THEN ${towards} ELSE ${away} END AS real) ELSE CAST(${d} AS real) END AS double precision)`;
  return `${down(minX)} AS minx, ${up(maxX)} AS maxx, ${down(minY)} AS miny, ${up(maxY)} AS maxy`;
}

/** A string literal in SQL (keys of JSON columns, which name no parameter). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
