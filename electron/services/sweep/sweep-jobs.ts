/**
 * Sweep jobs for the UI (全部审查): one at a time per project, polled by getSweepJob, cancelled
 * by cancelSweep. The results stream into the project (run-sweep.ts); the job holds only counts.
 */
import type { SweepJob } from '../../../shared/api/contract';
import { isUserInputError } from '../../../shared/model/errors';
import type { Profile } from '../../../shared/rules/profile';
import type { ProjectStore } from '../project-store';
import { BatchCancelled, parcelLayersOf, runSweep, type SweepReferences } from './run-sweep';

/** The job state is exactly what the API returns (shared/api/contract.ts). */
export type SweepJobState = SweepJob;

export class SweepJobs {
  private readonly jobs = new Map<string, { state: SweepJobState; abort: AbortController; finished: Promise<void> }>();
  private seq = 0;
  private running: string | null = null;

  constructor(
    private readonly store: ProjectStore,
    private readonly references: () => SweepReferences,
    private readonly options: { workers?: number; chunkSize?: number } = {},
  ) {}

  /** Starts a sweep; returns at once. A second sweep while one runs returns the running job. */
  start(profile: Profile): string {
    if (this.running && this.jobs.get(this.running)?.state.state === 'running') return this.running;
    const references = this.references();
    const total = parcelLayersOf(this.store).reduce((n, l) => n + l.total, 0);
    const jobId = `sweep-${++this.seq}`;
    const job: SweepJobState = { state: 'running', done: 0, total, profile: profile.id };
    const abort = new AbortController();
    this.running = jobId;
    const finished = (async () => {
      try {
        const outcome = await runSweep(this.store, references, profile, {
          trigger: 'ui',
          signal: abort.signal,
          workers: this.options.workers,
          chunkSize: this.options.chunkSize,
          onStarted: (sweepId) => (job.sweepId = sweepId),
          onProgress: (done) => (job.done = done),
        });
        const v = outcome.summary.verdicts;
        job.summary = { prohibited: v.prohibited, conditional: v.conditional, permitted: v.permitted, checkIds: [], seconds: outcome.seconds };
        job.done = job.total;
        job.state = 'done';
      } catch (error) {
        if (error instanceof BatchCancelled || abort.signal.aborted) {
          job.state = 'cancelled';
        } else {
          job.state = 'failed';
          // A UI import writes through its own connection for as long as it runs; a batch then waits
          // out SQLite's busy timeout and fails: say so in words (the sweep's rows are discarded).
          const said = (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY'
            ? {
                zh: '项目文件正在被另一项操作写入（如正在导入数据），全部审查已停止，已审查的结果已丢弃；请待其完成后再试。',
                en: 'The project file is being written by another operation (such as an import): the sweep stopped and its results were discarded; try again when that has finished.',
              }
            : isUserInputError(error)
              ? { zh: error.messageZh, en: error.messageEn }
              : { zh: error instanceof Error ? error.message : String(error), en: error instanceof Error ? error.message : String(error) };
          job.error = said.zh;
          job.errorEn = said.en;
        }
      }
    })();
    this.jobs.set(jobId, { state: job, abort, finished });
    return jobId;
  }

  get(jobId: string): SweepJobState | undefined {
    const job = this.jobs.get(jobId)?.state;
    return job ? copy(job) : undefined;
  }

  /** Stops a running job and waits until its workers are gone and its rows deleted. */
  async cancel(jobId: string): Promise<SweepJobState | undefined> {
    const entry = this.jobs.get(jobId);
    if (!entry) return undefined;
    if (entry.state.state === 'running') {
      entry.abort.abort();
      await entry.finished;
    }
    return copy(entry.state);
  }

  /**
   * Stops every running job without waiting (the project is closing): workers are terminated;
   * rows that can no longer be deleted stay unlisted (incomplete) and a later sweep clears them.
   */
  abortAll(): void {
    for (const entry of this.jobs.values()) if (entry.state.state === 'running') entry.abort.abort();
  }

  /** Waits for a job to end (tests, shutdown). */
  async settled(jobId: string): Promise<void> {
    await this.jobs.get(jobId)?.finished;
  }
}

function copy(job: SweepJobState): SweepJobState {
  return { ...job, ...(job.summary ? { summary: { ...job.summary, checkIds: [...job.summary.checkIds] } } : {}) };
}
