/**
 * Worker-thread half of a UI import job (staging.ts). The job must not ship 100 000 features
 * between threads, and the host must keep answering (progress polls, cancel) during a long
 * import, so the worker does the whole import — read, check, repair, transform and the write —
 * through its own connection to the project, inside one transaction (importFile). The main
 * connection sees nothing until that transaction commits (WAL snapshot). Cancel is cooperative:
 * the main thread sets a flag in shared memory, importFile polls it before each feature and
 * throws, the transaction rolls back and the connection is closed — never a terminated thread
 * holding an open transaction (whose SQLite locks would outlive it in this process).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isUserInputError } from '../../../shared/model/errors';
import { ImportCancelled, importFile, type ImportOptions } from '../import-file';
import { ProjectStore } from '../project-store';

interface Input {
  projectPath: string;
  paths: string[];
  options: ImportOptions;
  /** Int32[0] = 1 once the job is cancelled. */
  cancel: SharedArrayBuffer;
}

const { projectPath, paths, options, cancel } = workerData as Input;
const flag = new Int32Array(cancel);
const port = parentPort!;
let store: ProjectStore | null = null;
try {
  store = ProjectStore.open(projectPath);
  const result = importFile(store, paths, options, {
    onProgress: (progress) => port.postMessage({ type: 'progress', ...progress }),
    shouldCancel: () => Atomics.load(flag, 0) === 1,
  });
  port.postMessage({ type: 'done', result });
} catch (error) {
  if (error instanceof ImportCancelled) port.postMessage({ type: 'cancelled' });
  else {
    port.postMessage({
      type: 'error',
      error: isUserInputError(error)
        ? { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn }
        : { code: 'internal', messageZh: `导入失败（内部错误：${(error as Error)?.message ?? String(error)}），项目未改动。`, messageEn: String((error as Error)?.stack ?? error) },
    });
  }
} finally {
  store?.close();
}
