/**
 * The one check service behind the API, the CLI and the sweep: checks parcels against the
 * project's reference index, built once per data version (ProjectDb.dataVersion, bumped by every
 * write to a reference layer or a project profile) and reused for every check until the data
 * changes. A single check reads its parcel by id; nothing reads a whole layer per click.
 *
 * Where the index lives: in a pool of check-host workers when they can start (the desktop app,
 * browser mode), otherwise in this thread, built on first use (the CLI, tests). The pool is sized
 * to the cores (at most MAX_CHECK_WORKERS, or LANDGATE_CHECK_WORKERS): the first worker builds its
 * index from the moment the project opens, the others start once it is ready (so the first check
 * is not slowed by several builds at once), and each check goes to the ready worker with the fewest
 * checks waiting, so checks from many clients run side by side. Every worker holds its own index
 * and reads the data version from the project itself before each check: a write from this
 * process, another worker or another process is seen by all of them, each rebuilding on its next
 * check. The thread serving requests still reads the parcel and records the check (one writer).
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
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

/**
 * Most check workers, whatever the cores: each holds a whole reference index (the benchmark
 * county's adds ≈ 230 MB to the server's peak), so memory rather than cores bounds a large
 * machine: three keep that county's server under 1 GB.
 */
export const MAX_CHECK_WORKERS = 3;

/** How many check workers this machine gets: LANDGATE_CHECK_WORKERS when set, else one per core up to MAX_CHECK_WORKERS. */
export function checkWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.LANDGATE_CHECK_WORKERS);
  if (Number.isInteger(given) && given >= 1) return given;
  return Math.max(1, Math.min(availableParallelism(), MAX_CHECK_WORKERS));
}

export interface CheckServiceOptions {
  /** Keep the index in worker threads (default: when they can start). */
  worker?: boolean;
  /** Check workers in the pool (default: checkWorkerCount()). */
  workers?: number;
}

/** What the service knows of its index, for benchmarks and the log. */
export interface IndexStatus {
  dataVersion: number | null;
  /** Milliseconds the last index build took (null until one was built). */
  lastBuildMs: number | null;
  where: 'worker' | 'this-thread';
  /** Check workers running (0 when the index is in this thread), and how many have built their index. */
  workers: number;
  readyWorkers: number;
  /** Checks each running worker has answered. */
  checksPerWorker: number[];
}

/** A check-host worker of the pool: what it has been sent and not answered, whether its index is built. */
interface Host {
  worker: Worker;
  pending: number;
  ready: boolean;
  checks: number;
}

/** Results of recent single-parcel checks kept for an identical repeat (a reviewer clicking back and forth). */
const REPEAT_MEMO_SIZE = 256;

export class CheckService {
  private readonly repeats = new Map<string, CheckReport>();
  private readonly hosts: Host[] = [];
  private workersFailed = false;
  /** The pool has been filled up to its size (after the first worker's index was built). */
  private grown = false;
  private readonly poolSize: number;
  private nextRequest = 1;
  private readonly pending = new Map<number, { host: Host; resolve: (reply: CheckHostReply) => void; reject: (error: Error) => void }>();
  private local: { version: number; index: ReferenceIndex } | null = null;
  private readonly status: IndexStatus;

  constructor(
    private readonly store: ProjectStore,
    private readonly options: CheckServiceOptions = {},
  ) {
    this.poolSize = Math.max(1, options.workers ?? checkWorkerCount());
    this.status = { dataVersion: null, lastBuildMs: null, where: options.worker === false ? 'this-thread' : 'worker', workers: 0, readyWorkers: 0, checksPerWorker: [] };
  }

  /** Starts building the index in the background (a project was opened); resolves when the first worker has it. */
  warm(): Promise<void> {
    const host = this.firstHost();
    if (!host) return Promise.resolve();
    return this.request(host, { type: 'warm', requestId: 0 }).then(
      () => undefined,
      () => undefined, // a failed warm-up is reported by the check that needs the index
    );
  }

  indexStatus(): IndexStatus {
    return { ...this.status, workers: this.hosts.length, readyWorkers: this.hosts.filter((h) => h.ready).length, checksPerWorker: this.hosts.map((h) => h.checks) };
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
    const key = createHash('sha256').update(JSON.stringify([this.store.db.dataVersion(), profileText(profile), parcel])).digest('base64');
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
    // a worker that dies (out of memory, killed) leaves the pool: the check goes to another, or
    // is made in this thread when none is left
    for (let host = this.pick(); host; host = this.pick()) {
      try {
        const reply = await this.request(host, { type: 'check', requestId: 0, parcels, profile, includeGeometry: options.includeGeometry === true, checkedAt, elevation });
        if (reply.type === 'result') return reply.report;
        break;
      } catch (error) {
        if (!(error instanceof WorkerGone)) throw error;
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
   * Ends the workers at once. Their connections only ever read, so nothing is lost; asking them to
   * close would let a final checkpoint land after the caller has moved on (a later byte
   * comparison of the file would see it).
   */
  close(): void {
    const hosts = this.hosts.splice(0);
    this.workersFailed = true;
    for (const { reject } of this.pending.values()) reject(new WorkerGone('check service closed'));
    this.pending.clear();
    for (const host of hosts) void host.worker.terminate();
  }

  /** The pool's first worker, started if need be (null when workers cannot run here). */
  private firstHost(): Host | null {
    if (this.hosts.length === 0) this.startHost();
    return this.hosts[0] ?? null;
  }

  /** The worker for the next check: a ready one with the fewest checks waiting, else the first. */
  private pick(): Host | null {
    const first = this.firstHost();
    if (!first) return null;
    let best: Host | null = null;
    for (const host of this.hosts) if (host.ready && (!best || host.pending < best.pending)) best = host;
    return best ?? first;
  }

  /** The rest of the pool, once the first worker has its index (each warms its own in the background). */
  private grow(): void {
    if (this.grown) return;
    this.grown = true;
    while (this.hosts.length < this.poolSize && !this.workersFailed) {
      const host = this.startHost();
      if (!host) break;
      this.request(host, { type: 'warm', requestId: 0 }).catch(() => undefined);
    }
  }

  private startHost(): Host | null {
    if (this.workersFailed || this.options.worker === false) return null;
    const entry = workerEntry(import.meta.url, { bundled: 'check-host.worker.cjs', source: './check-host.worker.ts' });
    if (!entry) {
      this.workersFailed = true;
      return null;
    }
    let worker: Worker;
    try {
      worker = startWorker(entry, { workerData: { projectPath: this.store.path } });
    } catch {
      this.workersFailed = true;
      return null;
    }
    const host: Host = { worker, pending: 0, ready: false, checks: 0 };
    worker.unref(); // an idle index must not keep the CLI or a test process alive
    worker.on('message', (reply: CheckHostReply) => {
      const waiting = this.pending.get(reply.requestId);
      if (!waiting) return;
      this.pending.delete(reply.requestId);
      if (reply.type === 'error') waiting.reject(new Error(reply.message));
      else {
        host.ready = true;
        if (reply.type === 'result') host.checks++;
        this.status.dataVersion = reply.dataVersion;
        if (reply.buildMs !== null) this.status.lastBuildMs = reply.buildMs;
        waiting.resolve(reply);
        this.grow();
      }
    });
    const gone = (why: string) => {
      const at = this.hosts.indexOf(host);
      if (at >= 0) this.hosts.splice(at, 1);
      // a pool that has lost every worker checks in this thread from now on
      if (this.hosts.length === 0) this.workersFailed = true;
      for (const [id, waiting] of this.pending) {
        if (waiting.host !== host) continue;
        this.pending.delete(id);
        waiting.reject(new WorkerGone(why));
      }
    };
    worker.on('error', (error) => gone(error.message));
    worker.on('exit', (code) => gone(`exit ${code}`));
    this.hosts.push(host);
    return host;
  }

  private request(host: Host, message: CheckHostRequest): Promise<CheckHostReply> {
    if (!this.hosts.includes(host)) return Promise.reject(new WorkerGone('no worker'));
    const requestId = this.nextRequest++;
    return new Promise<CheckHostReply>((resolve, reject) => {
      this.pending.set(requestId, { host, resolve, reject });
      // a pending request keeps the process alive until its answer arrives
      if (host.pending++ === 0) host.worker.ref();
      host.worker.postMessage({ ...message, requestId });
    }).finally(() => {
      if (--host.pending === 0) host.worker.unref();
    });
  }
}

class WorkerGone extends Error {}

/** A profile's JSON, kept per profile object (resolved profiles are the same objects from check to check). */
const profileTexts = new WeakMap<Profile, string>();
function profileText(profile: Profile): string {
  let text = profileTexts.get(profile);
  if (text === undefined) profileTexts.set(profile, (text = JSON.stringify(profile)));
  return text;
}

/** CheckReport.checkedAt as the engine writes it: ISO 8601 UTC to the second. */
function checkedAtStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
