/**
 * Imports from the UI: files arrive as base64 chunks (so every request fits the browser-mode
 * host's body limit and the same JSON works over IPC), are written to a temp dir owned by this
 * object, previewed (parse only, nothing written) as often as the user changes encoding / CRS /
 * layer / kind, then imported as a job with per-feature progress (features done / total) and
 * cancel. The job runs importFile — open, check, repair, transform and write in one transaction,
 * feature by feature — in a worker thread with its own connection (`importInWorker` says why),
 * so a cancelled or failed job rolls back and leaves the project unchanged. Staged files are
 * deleted after the import, on cancel and on dispose.
 *
 * DEM files (GeoTIFF .tif/.tiff, SRTM .hgt, several tiles at once) take the same route: the
 * preview reads them with the `landgate bands` DEM reader (size, cell size, CRS, extent, elevation
 * range, nodata) and the job runs the same service as `landgate bands --dem` (the DEM is stored in
 * the project and the elevation-band layer written; a failure or cancel rolls the DEM back).
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  buildPreview,
  previewSample,
  type ImportJobStatus,
  type ImportPreview,
  type PreviewImportRequest,
  type StageImportFilesRequest,
  type StageImportFilesResponse,
  type StartImportRequest,
} from '../../../shared/importers/preview';
import { crsLabelText } from '../../../shared/crs';
import type { ParsedLayer, ParsedSource } from '../../../shared/importers/types';
import { isUserInputError, UserInputError } from '../../../shared/model/errors';
import { text, type CodedText } from '../../../shared/model/text';
import { importNoteZh } from '../../../shared/importers/messages';
import { gridExtent } from '../../../shared/terrain/grid';
import { isLayerKind } from '../../../shared/model/layers';
import { defaultTableName, ImportCancelled, importFile, progressText, readSourceFiles, type ImportOptions, type ImportResult } from '../import-file';
import type { ProjectStore } from '../project-store';
import { buildBandsLayer, DEFAULT_LEVELS, parseLevels, uniqueBandTable } from '../terrain/bands-service';
import { openDem } from '../terrain/dem-source';
import { ValueCensus } from '../terrain/dem-plausibility';
import { listGpkgLayers } from './gpkg';
import { detectFormat } from './registry';
import { startWorker, workerEntry } from '../worker-entry';

/** The UI import's worker (see worker-entry.ts); better-sqlite3 stays in node_modules, so the bundle is not unpacked. */
export function importWorkerEntry(base: string = import.meta.url): ReturnType<typeof workerEntry> {
  return workerEntry(base, { bundled: 'import.worker.cjs', source: './import-worker.ts' });
}

/** Largest upload accepted through the UI (all files together). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;
const TABLE_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;
const DEM_RE = /\.(tiff?|hgt)$/i;
/** Files that may travel with a DEM and are not read (GDAL statistics, world files, overviews). */
const DEM_SIDECAR_RE = /\.(aux\.xml|tfw|tifw|xml|prj|ovr)$/i;

/** The DEM files of an upload of only DEM tiles (and their sidecars), else null. */
function demPaths(paths: string[]): string[] | null {
  const dem = paths.filter((p) => DEM_RE.test(p));
  return dem.length > 0 && paths.every((p) => DEM_RE.test(p) || DEM_SIDECAR_RE.test(p)) ? dem : null;
}

class Cancelled extends Error {}

function jobError(error: unknown): { code: string; messageZh: string; messageEn: string } {
  return isUserInputError(error)
    ? { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn }
    : { code: 'internal', messageZh: `导入失败（内部错误：${(error as Error)?.message ?? String(error)}），项目未改动。`, messageEn: String((error as Error)?.message ?? error) };
}

interface Upload {
  dir: string;
  files: Map<string, { totalBytes: number; received: number }>;
}

interface Job {
  status: ImportJobStatus;
  cancelled: boolean;
  /** Tells the worker of a running job to stop (it rolls back at the next feature). */
  requestCancel?: () => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function safeName(name: string): string {
  const base = basename(String(name).replace(/\\/g, '/'));
  if (base === '' || base === '.' || base === '..' || /[\u0000-\u001f]/.test(base)) {
    throw new UserInputError('import.bad-name', `文件名“${name}”无效。`, `Invalid file name "${name}".`);
  }
  return base;
}

export class ImportStaging {
  private readonly root: string;
  private readonly uploads = new Map<string, Upload>();
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly store: ProjectStore, private readonly onImported: () => void = () => {}) {
    this.root = mkdtempSync(join(tmpdir(), 'landgate-upload-'));
  }

  stage(request: StageImportFilesRequest): StageImportFilesResponse {
    let uploadId = request.uploadId;
    let upload = uploadId ? this.uploads.get(uploadId) : undefined;
    if (uploadId && !upload) throw this.unknownUpload();
    if (!upload) {
      uploadId = randomUUID();
      upload = { dir: join(this.root, uploadId), files: new Map() };
      mkdirSync(upload.dir);
      this.uploads.set(uploadId, upload);
    }
    for (const chunk of request.files ?? []) {
      const name = safeName(chunk.name);
      const bytes = Buffer.from(String(chunk.base64 ?? ''), 'base64');
      const total = Number(chunk.totalBytes);
      const offset = Number(chunk.offset);
      if (!Number.isSafeInteger(total) || total < 0 || !Number.isSafeInteger(offset) || offset < 0 || offset + bytes.length > total) {
        throw new UserInputError('import.bad-chunk', `上传文件“${name}”的数据块无效（偏移 ${offset}，长度 ${bytes.length}，总长 ${total}）。`, `Bad chunk for "${name}".`);
      }
      let entry = upload.files.get(name);
      if (!entry) {
        const sum = [...upload.files.values()].reduce((s, f) => s + f.totalBytes, 0) + total;
        if (sum > MAX_UPLOAD_BYTES) {
          throw new UserInputError('import.too-large', `上传的文件共 ${(sum / 1024 ** 3).toFixed(1)} GB，超过 2 GB 上限；请用命令行 landgate import 导入。`, 'Upload larger than 2 GB.');
        }
        entry = { totalBytes: total, received: 0 };
        upload.files.set(name, entry);
      }
      const fd = openSync(join(upload.dir, name), existsSync(join(upload.dir, name)) ? 'r+' : 'w');
      try {
        if (bytes.length > 0) writeSync(fd, bytes, 0, bytes.length, offset);
      } finally {
        closeSync(fd);
      }
      entry.received += bytes.length;
    }
    return { uploadId: uploadId!, received: Object.fromEntries([...upload.files].map(([n, f]) => [n, f.received])) };
  }

  private unknownUpload(): UserInputError {
    return new UserInputError('import.unknown-upload', '上传的文件已失效（可能已导入或已取消），请重新选择文件。', 'Unknown or expired upload.');
  }

  /** The fully uploaded files of an upload (e.g. a review package to import), main file first. */
  stagedPaths(uploadId: string): string[] {
    return this.paths(uploadId);
  }

  /** Staged paths, the main file first (.shp, .gpkg, … before sidecars). */
  private paths(uploadId: string): string[] {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw this.unknownUpload();
    if (upload.files.size === 0) throw new UserInputError('import.no-files', '没有选择要导入的文件。', 'No files to import.');
    for (const [name, f] of upload.files) {
      if (f.received < f.totalBytes) {
        throw new UserInputError('import.incomplete-upload', `文件“${name}”还没有上传完（${f.received}/${f.totalBytes} 字节）。`, `"${name}" is not fully uploaded.`);
      }
    }
    const SIDECARS = new Set(['.dbf', '.shx', '.prj', '.cpg', '.qpj', '.sbn', '.sbx', '.xml']);
    const names = [...upload.files.keys()].sort((a, b) => Number(SIDECARS.has(extname(a).toLowerCase())) - Number(SIDECARS.has(extname(b).toLowerCase())));
    return names.map((n) => join(upload.dir, n));
  }

  preview(request: PreviewImportRequest): ImportPreview | Promise<ImportPreview> {
    const paths = this.paths(request.uploadId);
    const dem = demPaths(paths);
    if (dem) return this.previewDem(request.uploadId, paths, dem);
    const files = readSourceFiles(paths);
    const module = detectFormat(files);
    // all layers (names and counts), then the chosen one with the user's encoding / CRS; a
    // GeoPackage lists its tables cheaply, so only the chosen table is read
    let layers: Array<{ name: string; featureCount: number }> | null = null;
    let only: string[] | undefined;
    if (module.format === 'gpkg') {
      layers = listGpkgLayers(files[0]).map(({ name, featureCount }) => ({ name, featureCount }));
      only = [request.layer && layers.some((l) => l.name === request.layer) ? request.layer : layers[0]?.name].filter((n): n is string => !!n);
    }
    const parseOptions = { encoding: request.encoding || undefined, crs: request.crs || undefined, layers: only };
    let source: ParsedSource;
    let layer: ParsedLayer;
    if (module.open) {
      // a table streams: counted in full, only a sample of its features held (previewSample)
      const opened = module.open(files, parseOptions);
      layers = opened.layers.map((l) => ({ name: l.name, featureCount: l.total ?? 0 }));
      layer = previewSample((request.layer && opened.layers.find((l) => l.name === request.layer)) || opened.layers[0]);
      source = { format: opened.format, formatLabel: opened.formatLabel, layers: opened.layers.map((l) => (l.name === layer.name ? layer : { name: l.name, features: [], crs: l.crs, warnings: l.warnings, fields: l.fields })) };
    } else {
      source = module.parse(files, parseOptions);
      layers ??= source.layers.map((l) => ({ name: l.name, featureCount: l.features.length }));
      layer = (request.layer && source.layers.find((l) => l.name === request.layer)) || source.layers[0];
    }
    if (request.kind !== undefined && !isLayerKind(request.kind)) {
      throw new UserInputError('import.bad-kind', `未知的图层类型“${String(request.kind)}”。`, `Unknown layer kind "${String(request.kind)}".`);
    }
    const main = basename(paths[0]);
    const kind = request.kind;
    const existing = this.store.listLayers().map((l) => l.table);
    const preview = buildPreview({ uploadId: request.uploadId, files: paths.map((p) => basename(p)), source, layers, layer, kind, table: '' });
    preview.table = defaultTableName(source.layers.length > 1 || /\.zip$/i.test(main) ? `${layer.name}.x` : main, preview.kind, existing);
    return preview;
  }

  /** DEM preview: read with the `landgate bands` reader (one pass for the elevation range); nothing written. */
  private async previewDem(uploadId: string, paths: string[], dem: string[]): Promise<ImportPreview> {
    const source = await openDem(dem);
    let min = Infinity, max = -Infinity, nodataCells = 0;
    // the same plausibility census the import applies, so the dialog can ask before it refuses
    const census = new ValueCensus(source);
    try {
      for (let row0 = 0; row0 < source.rows; row0 += 256) {
        const count = Math.min(256, source.rows - row0);
        const strip = await source.readRows(row0, count);
        const stats = census.survey(strip, row0, count);
        for (let tc = 0; tc < stats.known.length; tc++) {
          nodataCells += Math.min(stats.width, source.cols - tc * stats.width) * count - stats.known[tc];
          if (stats.known[tc] > 0) {
            min = Math.min(min, stats.min[tc]);
            max = Math.max(max, stats.max[tc]);
          }
        }
      }
    } finally {
      await source.close();
    }
    const extent = gridExtent(source);
    const hgt = dem.every((p) => /\.hgt$/i.test(p));
    const names = dem.map((p) => basename(p));
    const cells = source.cols * source.rows;
    return {
      uploadId,
      files: paths.map((p) => basename(p)),
      format: hgt ? 'hgt' : 'geotiff',
      formatLabel: dem.length > 1 ? text('importNote.format.demMosaic', { kind: hgt ? 'SRTM .hgt' : 'GeoTIFF', count: dem.length }) : text('importNote.format.dem', { kind: hgt ? 'SRTM .hgt' : 'GeoTIFF' }),
      layers: [],
      layer: names.join('、'),
      encoding: null,
      crs: { value: source.crs, source: 'declared', confidence: 'certain' },
      crsOptions: [],
      needsParameters: false,
      kind: 'elevation-band',
      canonicalKeys: [],
      fieldMap: {},
      table: uniqueBandTable(this.store),
      title: '',
      featureCount: 0,
      geometryTypes: [],
      bbox: extent,
      outline: [[[extent[0], extent[1]], [extent[2], extent[1]], [extent[2], extent[3]], [extent[0], extent[3]], [extent[0], extent[1]]]],
      fields: [],
      rows: [],
      warnings: nodataCells > 0 ? [text('importNote.dem.nodataShare', { count: nodataCells, pct: ((100 * nodataCells) / cells).toFixed(1) })] : [],
      dem: {
        cols: source.cols,
        rows: source.rows,
        crs: source.crs,
        crsLabel: crsLabelText(source.crs),
        cellX: source.cellX,
        cellY: source.cellY,
        extent,
        minM: Number.isFinite(min) ? min : null,
        maxM: Number.isFinite(max) ? max : null,
        nodataCells,
        levels: [...DEFAULT_LEVELS],
        suspicions: [...source.suspicions, ...census.suspicions()],
      },
    };
  }

  start(request: StartImportRequest): { jobId: string } {
    const paths = this.paths(request.uploadId);
    if (!isLayerKind(request.kind)) throw new UserInputError('import.bad-kind', `未知的图层类型“${String(request.kind)}”。`, `Unknown layer kind "${String(request.kind)}".`);
    if (!TABLE_NAME_RE.test(request.table ?? '')) {
      throw new UserInputError('layer.invalid-name', `图层名“${request.table}”无效：只能用小写英文字母、数字和下划线，以字母开头，最长 63 个字符。`, `Invalid layer name "${request.table}".`);
    }
    if (this.store.listLayers().some((l) => l.table.toLowerCase() === request.table.toLowerCase())) {
      throw new UserInputError('layer.exists', `项目中已有名为“${request.table}”的图层，请换一个图层名。`, `Layer "${request.table}" already exists.`);
    }
    const dem = demPaths(paths);
    const levels = dem ? (request.levels?.length ? parseLevels(request.levels.join(',')) : [...DEFAULT_LEVELS]) : [];
    const jobId = randomUUID();
    const job: Job = { status: { jobId, state: 'running', progress: 0, ...phaseOf(text('importNote.phase.preparing')) }, cancelled: false };
    this.jobs.set(jobId, job);
    void (dem ? this.runDem(job, dem, request, levels) : this.run(job, paths, request));
    return { jobId };
  }

  /** `landgate bands --dem` as a job: the DEM is stored and the band layer written by the same service. */
  private async runDem(job: Job, dem: string[], request: StartImportRequest, levels: number[]): Promise<void> {
    const set = (progress: number, phase: CodedText) => Object.assign(job.status, { progress, ...phaseOf(phase) });
    try {
      set(0.02, text('importNote.phase.readingDem'));
      await tick();
      if (job.cancelled) throw new Cancelled();
      const result = await buildBandsLayer(this.store.path, {
        files: dem,
        levels,
        table: request.table,
        acceptSuspect: request.acceptSuspect === true,
        onProgress: async (fraction) => {
          if (job.cancelled) throw new Cancelled();
          set(0.05 + 0.85 * fraction, text('importNote.phase.storingDem', { pct: Math.round(fraction * 100) }));
          await tick();
        },
      });
      const layer = this.store.getLayer(result.table);
      this.onImported();
      const warnings = [...result.warnings, ...(result.nodataCells > 0 ? [text('importNote.dem.nodata', { count: result.nodataCells })] : [])];
      Object.assign(job.status, { state: 'done', progress: 1, ...phaseOf(text('importNote.phase.done')), layer, warnings });
    } catch (error) {
      if (error instanceof Cancelled) Object.assign(job.status, { state: 'cancelled', ...phaseOf(text('importNote.phase.cancelled')) });
      else Object.assign(job.status, { state: 'failed', ...phaseOf(text('importNote.phase.failed')), error: jobError(error) });
    } finally {
      this.discard(request.uploadId);
    }
  }

  private async run(job: Job, paths: string[], request: StartImportRequest): Promise<void> {
    const set = (progress: number, phase: CodedText) => Object.assign(job.status, { progress, ...phaseOf(phase) });
    try {
      set(0.02, text('importNote.phase.readingFile'));
      await tick();
      if (job.cancelled) {
        Object.assign(job.status, { state: 'cancelled', ...phaseOf(text('importNote.phase.cancelled')) });
        return;
      }
      const options: ImportOptions = {
        kind: request.kind,
        table: request.table,
        title: request.title || undefined,
        crs: request.crs || undefined,
        encoding: request.encoding || undefined,
        layer: request.layer || undefined,
        towgs84: request.towgs84 || undefined,
        fieldMap: request.fieldMap && Object.keys(request.fieldMap).length > 0 ? request.fieldMap : undefined,
      };
      const onProgress = ({ done, total }: { done: number; total: number | null }) =>
        Object.assign(job.status, {
          // 5 %–95 % for the features; the rest is opening the file and the commit
          progress: total ? 0.05 + (0.9 * done) / Math.max(total, 1) : 0.5,
          ...phaseOf(progressText(done, total)),
          featuresDone: done,
          featuresTotal: total ?? undefined,
        });
      const result = await this.importInWorker(job, paths, options, onProgress);
      if (result === null) {
        Object.assign(job.status, { state: 'cancelled', ...phaseOf(text('importNote.phase.cancelled')) });
        return;
      }
      this.onImported();
      Object.assign(job.status, { state: 'done', progress: 1, ...phaseOf(text('importNote.phase.done')), layer: this.store.getLayer(result.table), warnings: result.warnings, featuresDone: result.featureCount });
    } catch (error) {
      Object.assign(job.status, { state: 'failed', ...phaseOf(text('importNote.phase.failed')), error: jobError(error) });
    } finally {
      job.requestCancel = undefined;
      this.discard(request.uploadId);
    }
  }

  /**
   * The import itself, in a worker thread that writes through its own connection in one
   * transaction (import-worker.ts says why), so the host keeps answering and only progress
   * messages cross threads, never the features. The worker is the bundled import.worker.cjs in the
   * desktop build, the TypeScript source through tsx otherwise (worker-entry.ts). Where there is no
   * worker, or it cannot start (it ends before its first message: nothing was opened, let alone
   * written), the import runs here on the main connection — the same single transaction, but
   * progress and cancel are only seen before and after it. Resolves to null when cancelled.
   */
  private importInWorker(job: Job, paths: string[], options: ImportOptions, onProgress: (p: { done: number; total: number | null }) => void): Promise<ImportResult | null> {
    const inProcess = (): ImportResult | null => {
      try {
        return importFile(this.store, paths, options, { onProgress, shouldCancel: () => job.cancelled });
      } catch (error) {
        if (error instanceof ImportCancelled) return null;
        throw error;
      }
    };
    const entry = importWorkerEntry();
    if (!entry) return Promise.resolve().then(inProcess);
    return new Promise<ImportResult | null>((resolve, reject) => {
      const cancel = new SharedArrayBuffer(4);
      const flag = new Int32Array(cancel);
      const worker = startWorker(entry, { workerData: { projectPath: this.store.path, paths, options, cancel } });
      let heard = false;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      const fallBack = () =>
        finish(() => {
          try {
            resolve(inProcess());
          } catch (error) {
            reject(error);
          }
        });
      job.requestCancel = () => Atomics.store(flag, 0, 1);
      if (job.cancelled) job.requestCancel();
      worker.on('message', (message: { type: string; done?: number; total?: number | null; result?: ImportResult; error?: { code: string; messageZh: string; messageEn: string } }) => {
        heard = true;
        if (message.type === 'progress') onProgress({ done: message.done!, total: message.total ?? null });
        else if (message.type === 'done') finish(() => resolve(message.result!));
        else if (message.type === 'cancelled') finish(() => resolve(null));
        else if (message.type === 'error') finish(() => reject(new UserInputError(message.error!.code, message.error!.messageZh, message.error!.messageEn)));
      });
      worker.on('error', (error) => (heard ? finish(() => reject(error)) : fallBack()));
      // the worker ends by itself after its last message (its connection closed)
      worker.on('exit', (code) => {
        if (!heard && !job.cancelled) fallBack();
        else finish(() => (job.cancelled ? resolve(null) : reject(new Error(`import worker exited with code ${code}`))));
      });
    });
  }

  job(jobId: string): ImportJobStatus {
    const job = this.jobs.get(jobId);
    if (!job) throw new UserInputError('import.unknown-job', '没有这个导入任务。', `Unknown import job ${jobId}.`);
    return { ...job.status };
  }

  cancel(jobId: string): ImportJobStatus {
    const job = this.jobs.get(jobId);
    if (!job) throw new UserInputError('import.unknown-job', '没有这个导入任务。', `Unknown import job ${jobId}.`);
    if (job.status.state === 'running') {
      job.cancelled = true;
      job.requestCancel?.();
    }
    return { ...job.status };
  }

  /** Drops a staged upload (the dialog was closed without importing). */
  discard(uploadId: string): void {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    this.uploads.delete(uploadId);
    rmSync(upload.dir, { recursive: true, force: true });
  }

  dispose(): void {
    for (const id of [...this.uploads.keys()]) this.discard(id);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A job's phase, coded for the reader's language and in Chinese. */
function phaseOf(phase: CodedText): { phase: CodedText; phaseZh: string } {
  return { phase, phaseZh: importNoteZh(phase) };
}
