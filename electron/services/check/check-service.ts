/**
 * The one check service behind the API, the CLI and the sweep: checks parcels against the
 * project's reference index, built once per data version (ProjectDb.dataVersion, bumped by every
 * write to a reference layer or a project profile) and reused for every check until the data
 * changes. A single check reads its parcel by id; nothing reads a whole layer per click.
 *
 * Where the index lives: in the check-host worker when it can start (the desktop app, browser
 * mode: the build runs in the background from the moment the project opens, and never stalls the
 * thread serving the map), otherwise in this thread, built on first use (the CLI, tests).
 */
import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { CheckReport } from '../../../shared/model/check';
import { buildReferenceIndex, checkParcels, type ReferenceIndex } from '../../../shared/rules/engine';
import type { Profile } from '../../../shared/rules/profile';
import type { ProjectStore } from '../project-store';
import { attachElevation } from '../terrain/parcel-elevation';
import { startWorker, workerEntry } from '../worker-entry';
import type { CheckHostReply, CheckHostRequest } from './check-host.worker';
import { readParcel, readReferenceLayers } from './reference-data';

export interface CheckServiceOptions {
  /** Keep the index in a worker thread (default: when one can start). */
  worker?: boolean;
}

/** What the service knows of its index, for benchmarks and the log. */
export interface IndexStatus {
  dataVersion: number | null;
  /** Milliseconds the last index build took (null until one was built). */
  lastBuildMs: number | null;
  where: 'worker' | 'this-thread';
}

/** Results of recent single-parcel checks kept for an identical repeat (a reviewer clicking back and forth). */
const REPEAT_MEMO_SIZE = 256;

export class CheckService {
  private readonly repeats = new Map<string, CheckReport>();
  private worker: Worker | null = null;
  private workerFailed = false;
  private nextRequest = 1;
  private readonly pending = new Map<number, { resolve: (reply: CheckHostReply) => void; reject: (error: Error) => void }>();
  private local: { version: number; index: ReferenceIndex } | null = null;
  private readonly status: IndexStatus;

  constructor(
    private readonly store: ProjectStore,
    private readonly options: CheckServiceOptions = {},
  ) {
    this.status = { dataVersion: null, lastBuildMs: null, where: options.worker === false ? 'this-thread' : 'worker' };
  }

  /** Starts building the index in the background (a project was opened); resolves when it is ready. */
  warm(): Promise<void> {
    const worker = this.startWorker();
    if (!worker) return Promise.resolve();
    return this.request({ type: 'warm', requestId: 0 }).then(
      () => undefined,
      () => undefined, // a failed warm-up is reported by the check that needs the index
    );
  }

  indexStatus(): IndexStatus {
    return { ...this.status };
  }

  /**
   * Checks one parcel of a parcel layer, with its elevation evidence, and records the check (the
   * query record of 沁政办发〔2021〕19号 土壤 9).
   */
  async checkParcel(table: string, parcelId: string, profile: Profile, trigger: 'ui' | 'cli' = 'ui'): Promise<CheckReport> {
    const parcel = readParcel(this.store, table, parcelId);
    const report = await this.checkRepeatable(parcel, profile);
    this.store.recordCheck(report, { parcelTable: table, parcelsSource: `${this.store.path}#${table}`, trigger });
    return report;
  }

  /**
   * A check's result depends on nothing but the reference data (its data version, which a DEM or
   * band import bumps too), the profile and the parcel as stored: an identical repeat is answered
   * from the memo, stamped with its own time, without another trip through the rules.
   */
  private async checkRepeatable(parcel: Feature<Polygon | MultiPolygon>, profile: Profile): Promise<CheckReport> {
    const checkedAt = new Date();
    const key = createHash('sha256').update(JSON.stringify([this.store.db.dataVersion(), profile, parcel])).digest('base64');
    const known = this.repeats.get(key);
    if (known) {
      this.repeats.delete(key); // most recently used last
      this.repeats.set(key, known);
      return { ...structuredClone(known), checkedAt: checkedAtStamp(checkedAt) };
    }
    const report = await this.check([parcel], profile, { includeGeometry: true, elevation: true, checkedAt });
    this.repeats.set(key, structuredClone(report));
    if (this.repeats.size > REPEAT_MEMO_SIZE) this.repeats.delete(this.repeats.keys().next().value as string);
    return report;
  }

  /**
   * Checks parcels (not recorded: the caller records them with their source). With `elevation`,
   * the DEM evidence is attached where the check ran: in the worker that is off the thread serving
   * requests, with the DEM kept open (sampling a parcel's DEM tiles costs more than the rules).
   */
  async check(parcels: Feature<Polygon | MultiPolygon>[], profile: Profile, options: { includeGeometry?: boolean; checkedAt?: Date; elevation?: boolean } = {}): Promise<CheckReport> {
    const checkedAt = (options.checkedAt ?? new Date()).toISOString();
    const elevation = options.elevation === true;
    const worker = this.startWorker();
    if (worker) {
      try {
        const reply = await this.request({ type: 'check', requestId: 0, parcels, profile, includeGeometry: options.includeGeometry === true, checkedAt, elevation });
        if (reply.type === 'result') return reply.report;
      } catch (error) {
        if (!(error instanceof WorkerGone)) throw error;
        // the worker died (out of memory, killed): check in this thread instead
      }
    }
    const report = checkParcels(this.localIndex(), parcels, profile, { checkedAt: new Date(checkedAt), includeGeometry: options.includeGeometry === true });
    return elevation ? attachElevation(this.store, report, parcels) : report;
  }

  /** The index in this thread, for the current data version (the CLI and in-thread fallbacks). */
  localIndex(): ReferenceIndex {
    const version = this.store.db.dataVersion();
    if (this.local?.version !== version) {
      this.local = null;
      const started = performance.now();
      this.local = { version, index: buildReferenceIndex(readReferenceLayers(this.store)) };
      this.status.lastBuildMs = performance.now() - started;
      this.status.dataVersion = version;
      this.status.where = 'this-thread';
    }
    return this.local.index;
  }

  /**
   * Ends the worker at once. Its connection only ever read, so nothing is lost; asking it to close
   * would let its final checkpoint land after the caller has moved on (a later byte comparison of
   * the file would see it).
   */
  close(): void {
    const worker = this.worker;
    this.worker = null;
    this.workerFailed = true;
    for (const { reject } of this.pending.values()) reject(new WorkerGone('check service closed'));
    this.pending.clear();
    void worker?.terminate();
  }

  private startWorker(): Worker | null {
    if (this.worker || this.workerFailed || this.options.worker === false) return this.worker;
    const entry = workerEntry(import.meta.url, { bundled: 'check-host.worker.cjs', source: './check-host.worker.ts' });
    if (!entry) {
      this.workerFailed = true;
      return null;
    }
    try {
      const worker = startWorker(entry, { workerData: { projectPath: this.store.path } });
      worker.unref(); // an idle index must not keep the CLI or a test process alive
      worker.on('message', (reply: CheckHostReply) => {
        const waiting = this.pending.get(reply.requestId);
        if (!waiting) return;
        this.pending.delete(reply.requestId);
        if (reply.type === 'error') waiting.reject(new Error(reply.message));
        else {
          this.status.dataVersion = reply.dataVersion;
          if (reply.buildMs !== null) this.status.lastBuildMs = reply.buildMs;
          waiting.resolve(reply);
        }
      });
      const gone = (why: string) => {
        if (this.worker === worker) this.worker = null;
        this.workerFailed = true;
        for (const { reject } of this.pending.values()) reject(new WorkerGone(why));
        this.pending.clear();
      };
      worker.on('error', (error) => gone(error.message));
      worker.on('exit', (code) => gone(`exit ${code}`));
      this.worker = worker;
      return worker;
    } catch {
      this.workerFailed = true;
      return null;
    }
  }

  private request(message: CheckHostRequest): Promise<CheckHostReply> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new WorkerGone('no worker'));
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      // a pending request keeps the process alive until its answer arrives
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...message, requestId });
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    }) as Promise<CheckHostReply>;
  }
}

class WorkerGone extends Error {}

/** CheckReport.checkedAt as the engine writes it: ISO 8601 UTC to the second. */
function checkedAtStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
