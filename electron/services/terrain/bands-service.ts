/**
 * The bands pipeline shared by `landgate bands`, the API and the demo: stream a DEM (file or the
 * project's stored DEM) strip by strip into the band builder (and, on import, into the project's
 * gridded coverage at the same time), then write one `elevation-band` layer.
 */
import { basename } from 'node:path';
import type { Feature, MultiPolygon } from 'geojson';
import { UserInputError } from '../../../shared/model/errors';
import { importNoteEn, importNoteZh, type ImportNote } from '../../../shared/importers/messages';
import { text, textList } from '../../../shared/model/text';
import { BandBuilder } from '../../../shared/terrain/bands';
import { bandFeatureCollection } from '../../../shared/terrain/band-features';
import type { DemRowSource } from '../../../shared/terrain/grid';
import { ProjectStore } from '../project-store';
import { isPostgresUrl } from '../store/postgres/location';
import { openDem } from './dem-source';
import { suspectDemError, ValueCensus } from './dem-plausibility';
import { DemWriter, StoredDem, type StoredDemInfo } from './dem-store';
import { encodeTile } from './dem-tile-encoder';
import { startBandTracer } from './band-tracer';
import { DEM_TILE, tileRowTiles, type TileRowStats, type UncompressedTile } from '../../../shared/terrain/dem-tile-format';

export const DEFAULT_LEVELS = [400, 900];
export const DEFAULT_BAND_TABLE = 'elevation_bands';
// a strip is one tile row of the stored DEM, so a strip's tiles can be made from it alone
const STRIP = DEM_TILE;

export function parseLevels(text: string | undefined): number[] {
  if (text === undefined) return [...DEFAULT_LEVELS];
  const parts = text.split(/[,，\s]+/).filter(Boolean);
  const levels = parts.map(Number);
  if (levels.length === 0 || levels.some((l) => !Number.isFinite(l) || l < -500 || l > 9000)) {
    throw new UserInputError('bands.levels', `高程阈值“${text}”无效，应为逗号分隔的米数，如 400,900。`, `Invalid --levels "${text}" (e.g. 400,900).`);
  }
  return [...new Set(levels)].sort((a, b) => a - b);
}

export interface BandsResult {
  features: Feature<MultiPolygon>[];
  /** Cells without a value: "unknown", never inside a band. */
  nodataCells: number;
  cells: number;
}

/** Streams `source` through the band builder; `onRows` sees every strip (e.g. the DEM writer). */
export async function computeBands(source: DemRowSource, levels: number[], options: { smooth?: boolean; onRows?: (rows: Float32Array, count: number) => void } = {}): Promise<BandsResult> {
  const builder = new BandBuilder(source.cols, levels);
  let nodataCells = 0;
  for (let row0 = 0; row0 < source.rows; row0 += STRIP) {
    const count = Math.min(STRIP, source.rows - row0);
    const strip = await source.readRows(row0, count);
    for (let i = 0; i < strip.length; i++) if (strip[i] !== strip[i]) nodataCells++;
    options.onRows?.(strip, count);
    for (let r = 0; r < count; r++) builder.pushRow(strip.subarray(r * source.cols, (r + 1) * source.cols));
  }
  const bands = builder.finish({ smooth: options.smooth });
  return { features: bandFeatureCollection(bands, source), nodataCells, cells: source.cols * source.rows };
}

/** Same as computeBands for a grid held in memory (the demo's synthetic DEM). */
export function computeBandsSync(source: DemRowSource & { values: ArrayLike<number> }, levels: number[], options: { smooth?: boolean } = {}): BandsResult {
  const builder = new BandBuilder(source.cols, levels);
  const row = new Float64Array(source.cols);
  let nodataCells = 0;
  for (let r = 0; r < source.rows; r++) {
    for (let c = 0; c < source.cols; c++) {
      const v = source.values[r * source.cols + c];
      row[c] = v;
      if (!Number.isFinite(v)) nodataCells++;
    }
    builder.pushRow(row);
  }
  return { features: bandFeatureCollection(builder.finish({ smooth: options.smooth }), source), nodataCells, cells: source.cols * source.rows };
}

/** elevation_bands, or elevation_bands_2, _3 … when taken. */
export function uniqueBandTable(store: ProjectStore): string {
  const taken = new Set(store.listLayers().map((l) => l.table));
  let table = DEFAULT_BAND_TABLE;
  for (let n = 2; taken.has(table); n++) table = `${DEFAULT_BAND_TABLE}_${n}`;
  return table;
}

/** What messages call the project: the file's name, or the shared project's URL (without password). */
function projectName(projectPath: string): string {
  return isPostgresUrl(projectPath) ? projectPath : basename(projectPath);
}

function checkBandTable(projectPath: string, table: string) {
  const store = ProjectStore.open(projectPath, { readonly: true });
  try {
    if (store.listLayers().some((l) => l.table === table)) {
      throw new UserInputError('layer.exists', `项目“${projectName(projectPath)}”中已有图层“${table}”。请用另一个图层名（--name）。`, `Layer "${table}" already exists.`);
    }
  } finally {
    store.close();
  }
}

export interface BandsCommandResult extends BandsResult {
  table: string;
  dem: StoredDemInfo;
  levels: number[];
  /**
   * The findings of a suspect DEM stored with `acceptSuspect` (also recorded on the layer): coded,
   * or the plain Chinese a DEM stored before notes had codes carries.
   */
  warnings: ImportNote[];
}

export interface BandsOptions {
  files?: string[];
  levels: number[];
  table?: string;
  smooth?: boolean;
  /** Store a DEM that looks implausible (its findings become warnings on the band layer). */
  acceptSuspect?: boolean;
  onProgress?: (fraction: number) => void | Promise<void>;
  /** Where the bands of an imported DEM are traced (band-tracer.ts); tests force one or the other. */
  tracerThread?: 'auto' | 'worker' | 'inline';
}

function writeBandLayer(store: ProjectStore, table: string, levels: number[], dem: StoredDemInfo, result: BandsResult, smooth: boolean, warnings: ImportNote[]) {
  store.writeLayer({
    table,
    kind: 'elevation-band',
    title: `清洁取暖高程带（${levels.join(' / ')} m，${dem.files.join('、')}）`,
    sourceFile: dem.files.join(';'),
    originalCrs: dem.crs,
    features: result.features,
  });
  store.appendAudit({ action: 'bands', detail: { table, levels, dem: dem.files, demCrs: dem.crs, size: [dem.cols, dem.rows], nodataCells: result.nodataCells, smooth } });
  // the audit log keeps the Chinese it always recorded (the text of record)
  if (warnings.length > 0) store.appendAudit({ action: 'import-warnings', detail: { table, warnings: warnings.map(importNoteZh) } });
}

/**
 * DEM file(s) → the project's stored DEM and the band layer, in one transaction: a refusal (a
 * suspect DEM without `acceptSuspect`, a read error, a cancel from `onProgress`) or a kill
 * leaves the project exactly as it was, the previous DEM included.
 */
async function importDemWithBands(projectPath: string, files: string[], table: string, options: BandsOptions): Promise<BandsCommandResult> {
  const source = await openDem(files);
  try {
    const given = files.map((f) => basename(f));
    if (source.suspicions.length > 0 && !options.acceptSuspect) throw suspectDemError(files, source.suspicions);
    const census = new ValueCensus(source);
    const writer = new DemWriter(projectPath, source, { integer: source.integer, files: given, background: true });
    // A tracer on its own thread also encodes the DEM's tiles (from the strips it is given anyway);
    // this thread then reads the file, surveys the strips the tracer has no time for and stores
    // the tiles that come back.
    const tracer = startBandTracer(source, { levels: options.levels, smooth: options.smooth, thread: options.tracerThread, dem: { integer: source.integer, store: (tiles) => writer.storeTiles(tiles) } });
    // the next strip's blocks are read from the file (on the thread pool) while this one is worked on
    const read = (row0: number) => {
      const rows = source.readRows(row0, Math.min(STRIP, source.rows - row0));
      rows.catch(() => undefined); // awaited below; a refusal of an earlier strip may leave it unawaited
      return rows;
    };
    let next: Promise<Float32Array> | null = read(0);
    try {
      writer.begin();
      for (let row0 = 0; row0 < source.rows; row0 += STRIP) {
        const count = Math.min(STRIP, source.rows - row0);
        const strip: Float32Array = await next!;
        next = row0 + count < source.rows ? read(row0 + count) : null;
        // Surveyed (blanked, counted, measured) before it is stored or traced: here when the
        // tracer is behind or when the DEM's tiles are encoded here, else by the tracer. A strip
        // surveyed here for a tracer that encodes the tiles has them prepared here too; the last
        // strip's are also compressed and stored here, as this thread has nothing else left to do.
        const last = row0 + count >= source.rows;
        let stats: TileRowStats | undefined;
        let tiles: UncompressedTile[] | undefined;
        if (tracer.behind || !tracer.encodesDem || last) {
          stats = census.survey(strip, row0, count);
          if (tracer.encodesDem) tiles = tileRowTiles(strip, source.cols, count, row0 / DEM_TILE, source.integer, stats);
          if (tiles && last) {
            writer.storeTiles(tiles.map(encodeTile));
            tiles = [];
          }
        }
        if (!tracer.encodesDem) writer.pushRows(strip, count, stats);
        // the tracer takes the strip, so it goes last
        await tracer.push(strip, count, stats, tiles);
        await writer.drain();
        await options.onProgress?.((row0 + count) / source.rows);
      }
      await writer.drain(true);
      const traced = await tracer.finish();
      census.add(traced.census);
      const suspicions = [...source.suspicions, ...census.suspicions()];
      if (suspicions.length > 0 && !options.acceptSuspect) throw suspectDemError(files, suspicions);
      const named = textList(given.map((name) => text('importNote.quoted', { text: name })), 'enum');
      const warnings = suspicions.map((suspicion) => text('importNote.dem.accepted', { files: named, suspicion }));
      const dem = writer.finish({ suspicions: warnings, totals: traced.demTotals });
      // the DEM writer counted the cells without a value (after the census blanked implausible ones)
      const result: BandsResult = { features: traced.features, nodataCells: dem.nodataCells, cells: source.cols * source.rows };
      const store = writer.projectStore;
      store.transaction(() => {
        store.appendAudit({ action: 'dem-import', detail: { files: given, crs: dem.crs, size: [dem.cols, dem.rows], minM: dem.minM, maxM: dem.maxM, nodataCells: dem.nodataCells, suspicions: suspicions.map(importNoteEn) } });
        writeBandLayer(store, table, options.levels, dem, result, !!options.smooth, warnings);
      });
      writer.commit();
      return { ...result, table, dem, levels: options.levels, warnings };
    } catch (error) {
      writer.rollback();
      throw error;
    } finally {
      await next?.catch(() => undefined); // the source is closed only once no read is in flight
      await tracer.close();
    }
  } finally {
    await source.close();
  }
}

/**
 * `landgate bands`: with `files`, imports the DEM into the project and builds the bands in the
 * same pass and the same transaction; without, builds them from the project's stored DEM.
 */
export async function buildBandsLayer(projectPath: string, options: BandsOptions): Promise<BandsCommandResult> {
  const table = options.table ?? DEFAULT_BAND_TABLE;
  checkBandTable(projectPath, table); // also validates that this is a LandGate project
  if (options.files && options.files.length > 0) return importDemWithBands(projectPath, options.files, table, options);
  const stored = StoredDem.open(projectPath);
  if (!stored) throw new UserInputError('bands.no-dem', `项目“${projectName(projectPath)}”中还没有高程数据。请用 --dem 指定 GeoTIFF 或 .hgt 文件。`, 'The project has no DEM; pass --dem <file>.');
  let dem: StoredDemInfo;
  let result: BandsResult;
  try {
    dem = stored.info;
    result = await computeBands(stored, options.levels, { smooth: options.smooth });
  } finally {
    stored.close();
  }
  const warnings = dem.suspicions ?? [];
  const store = ProjectStore.open(projectPath);
  try {
    store.transaction(() => writeBandLayer(store, table, options.levels, dem, result, !!options.smooth, warnings));
  } finally {
    store.close();
  }
  return { ...result, table, dem, levels: options.levels, warnings };
}
