/**
 * One client of the deadlock test (tests/integration/pg-retry.test.ts), in a worker thread of
 * its own: the store is synchronous, so two clients blocking on each other's locks need two
 * threads. It opens the shared project, and in one retrying transaction writes project setting
 * `first`, waits (first run only) until the other client has written its own first setting, then
 * writes `second`: two clients with opposite orders deadlock, and the server rolls one back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ProjectDb } from '../../electron/services/store/project-db';

const { url, label, first, second, barrier } = workerData as { url: string; label: string; first: string; second: string; barrier: Int32Array };

const db = ProjectDb.open(url);
let runs = 0;
const retried: string[] = [];
try {
  db.retryingTransaction(() => {
    runs++;
    db.setMetaRaw(first, label);
    if (runs === 1) {
      // Both clients hold their first row before either asks for its second.
      Atomics.add(barrier, 0, 1);
      Atomics.notify(barrier, 0);
      for (let seen = Atomics.load(barrier, 0); seen < 2; seen = Atomics.load(barrier, 0)) Atomics.wait(barrier, 0, seen);
    }
    db.setMetaRaw(second, label);
    db.setMetaRaw(`deadlock-test:${label}`, String(runs));
  }, { onRetry: (_attempt, state) => retried.push(state) });
  parentPort!.postMessage({ ok: true, runs, retried });
} catch (error) {
  parentPort!.postMessage({ ok: false, runs, code: (error as { code?: string }).code, message: String((error as Error).message) });
} finally {
  db.close();
}
