/**
 * The Node-side implementation of the renderer contract (shared/api/contract.ts) for one open
 * project. The desktop app's IPC handlers and the browser-mode HTTP routes both call this object,
 * so the two modes cannot drift apart.
 */
import { API_METHODS, type LandGateApi } from '../../shared/api/contract';
import { UserInputError } from '../../shared/model/errors';
import { SweepJobs } from './sweep/sweep-jobs';
import { sweepReferencesFor } from './sweep/run-sweep';
import { listAllProfiles, resolveProfile, saveProfile } from './profiles';
import { ProjectStore } from './project-store';
import { createReviewApi } from './review/review-api';
import { createSyncApi } from './sync/sync-api';
import { TerrainService, type TileResponse } from './terrain/tiles';
import { buildBandsLayer, DEFAULT_LEVELS, parseLevels, uniqueBandTable } from './terrain/bands-service';
import { ImportStaging } from './importers/staging';
import { saveParcel } from './parcel-edit';
import { getParcelAttributes, setParcelAttributes } from './parcel-attributes';
import { CheckService } from './check/check-service';
import { createAttributeTableApi } from './map/attribute-table';
import { createFeatureApi } from './map/feature-api';
import { VectorTileService } from './map/vector-tiles';
import { createParcelQueryApi } from './parcels/parcel-query';
import { createSweepResultsApi } from './sweep/sweep-api';

export interface ApiService extends LandGateApi {
  close(): void;
  /** GET /tiles/… (the layers' vector tiles, terrain-RGB and basemap tiles) for the browser-mode host and the app:// protocol. */
  tile?(pathname: string): Promise<TileResponse | null>;
}

export { readParcelLayer, readReferenceLayers } from './check/reference-data';

export function createApiService(projectPath: string): ApiService {
  const store = ProjectStore.open(projectPath);
  // The reference index is built in the background from the moment the project opens, once per
  // data version (every write to a reference layer or profile bumps it, whichever process makes it).
  const checks = new CheckService(store);
  void checks.warm();
  // UI imports: staged uploads + jobs (an import bumps the data version in its own transaction)
  let staging: ImportStaging | null = null;
  const imports = () => (staging ??= new ImportStaging(store, () => undefined));

  let vectorTileService: VectorTileService | null = null;
  const vectorTiles = () => (vectorTileService ??= new VectorTileService(store));

  let terrainService: TerrainService | null = null;
  const terrain = () => (terrainService ??= new TerrainService(store.db));

  // 全部审查 (sweep) jobs on worker threads.
  let sweepJobs: SweepJobs | null = null;
  const sweeps = () => (sweepJobs ??= new SweepJobs(store, () => sweepReferencesFor(store)));

  const parcelQuery = createParcelQueryApi(store);
  const service: ApiService = {
    ...createReviewApi(store, imports), // the package import reads its file from the staged uploads
    ...createSyncApi(store, imports),
    async getProject() {
      return store.info();
    },
    async getLayerExtent({ table }) {
      return { table, bbox: store.layers.extent(table) };
    },
    async renameLayer({ table, title }) {
      store.layers.rename(table, title);
      return store.getLayer(table);
    },
    async removeLayer({ table }) {
      // the check service keys its reference index on the data version the removal bumps
      const { title, featureCount } = store.layers.remove(table);
      vectorTileService?.forget(table);
      return { table, title, featureCount };
    },
    ...createFeatureApi(store),
    ...createAttributeTableApi(store),
    ...parcelQuery,
    async listProfiles() {
      return listAllProfiles(store).map(({ profile: p, source }) => ({ id: p.id, name: p.name, version: p.version, description: p.description, source, ...(p.basedOn ? { basedOn: p.basedOn } : {}) }));
    },
    async getProfile({ id }) {
      return resolveProfile(id, store);
    },
    async saveProfile({ profile }) {
      const saved = saveProfile(store, profile, `编辑器中的配置 ${String((profile as { id?: unknown } | null)?.id ?? '')}`);
      return { id: saved.id, name: saved.name, version: saved.version, description: saved.description, source: 'project' as const, ...(saved.basedOn ? { basedOn: saved.basedOn } : {}) };
    },
    async startSweep({ profile }) {
      return { jobId: sweeps().start(resolveProfile(profile, store)) };
    },
    async getSweepJob({ jobId }) {
      const job = sweeps().get(jobId);
      if (!job) throw new UserInputError('sweep.unknown-job', `没有编号为“${jobId}”的全部审查任务。`, `No sweep job "${jobId}".`);
      return job;
    },
    ...createSweepResultsApi(store, () => sweeps()),
    async checkParcel({ table, parcelId, profile }) {
      return checks.checkParcel(table, parcelId, resolveProfile(profile, store));
    },
    async stageImportFiles(request) {
      return imports().stage(request);
    },
    async previewImport(request) {
      return imports().preview(request);
    },
    async startImport(request) {
      return imports().start(request);
    },
    async getImportJob({ jobId }) {
      return imports().job(jobId);
    },
    async cancelImport({ jobId }) {
      return imports().cancel(jobId);
    },
    async discardImport({ uploadId }) {
      imports().discard(uploadId);
      return { ok: true as const };
    },
    async getTerrainInfo() {
      return terrain().terrainInfo();
    },
    async getTerrainContours() {
      return terrain().contours();
    },
    async listBasemaps() {
      return terrain().basemaps();
    },
    async buildElevationBands(request) {
      const levels = request?.levels?.length ? parseLevels(request.levels.join(',')) : [...DEFAULT_LEVELS];
      const table = request?.table || uniqueBandTable(store);
      const result = await buildBandsLayer(store.path, { levels, table, smooth: !!request?.smooth });
      return { table: result.table, levels: result.levels, nodataCells: result.nodataCells };
    },
    async saveParcel(request) {
      // Parcels are not reference layers: the cached reference index stays valid.
      return saveParcel(store, request);
    },
    async getParcelAttributes(request) {
      return getParcelAttributes(store, request);
    },
    async setParcelAttributes(request) {
      const profile = resolveProfile(request?.profile, store); // an unknown profile is refused before anything is written
      const { parcel, changed } = setParcelAttributes(store, request);
      // Parcels are not reference layers: the index stays valid, and the re-check is recorded as a click's is.
      const report = await checks.checkParcel(parcel.table, parcel.id, profile);
      const summary = await parcelQuery.getParcel({ table: parcel.table, id: parcel.id });
      return { parcel: summary, report, changed };
    },
    async tile(pathname) {
      return vectorTiles().handle(pathname) ?? terrain().handle(pathname);
    },
    close() {
      sweepJobs?.abortAll();
      checks.close();
      terrainService?.close();
      staging?.dispose();
      store.close();
    },
  };
  return withBusyMessage(service, store.db.fileName);
}

/**
 * A UI import writes through its own connection in one transaction (importers/import-worker.ts),
 * so the app stays responsive meanwhile; a write from here then waits for SQLite's busy timeout
 * and fails. The user gets that in words (and the project is unchanged: the write never began).
 */
function withBusyMessage(service: ApiService, fileName: string): ApiService {
  for (const method of API_METHODS) {
    const call = service[method] as (request: unknown) => Promise<unknown>;
    (service as unknown as Record<string, unknown>)[method] = async (request: unknown) => {
      try {
        return await call.call(service, request);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === 'SQLITE_BUSY') {
          throw new UserInputError(
            'project.busy',
            `项目文件“${fileName}”正在被另一项操作写入（如正在导入数据），请待其完成后再试；本次操作未改动项目。`,
            `The project is being written by another operation (e.g. an import); try again when it has finished. Nothing was changed.`,
          );
        }
        throw error;
      }
    };
  }
  return service;
}
