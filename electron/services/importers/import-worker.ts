/**
 * Worker-thread half of a UI import job (staging.ts): reads, parses, checks and transforms the
 * staged files off the main thread, so the host keeps answering (progress polls, cancel) and a
 * cancel can stop a long parse at once (the worker is terminated). The project is never touched
 * here: the features go back to the main thread, which writes them in one transaction.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Feature } from 'geojson';
import { isUserInputError } from '../../../shared/model/errors';
import { readFeaturesFile, type ImportOptions } from '../import-file';

interface Input {
  paths: string[];
  options: Omit<ImportOptions, 'table' | 'title'>;
  reference: Feature[] | null;
}

const { paths, options, reference } = workerData as Input;
const port = parentPort!;
try {
  port.postMessage({ type: 'phase', progress: 0.1, phaseZh: '读取、解析并检查文件' });
  const read = readFeaturesFile(paths, { ...options, referenceFeatures: reference ? () => reference : undefined });
  port.postMessage({ type: 'done', read });
} catch (error) {
  port.postMessage({
    type: 'error',
    error: isUserInputError(error)
      ? { code: error.code, messageZh: error.messageZh, messageEn: error.messageEn }
      : { code: 'internal', messageZh: `导入失败（内部错误：${(error as Error)?.message ?? String(error)}），项目未改动。`, messageEn: String((error as Error)?.stack ?? error) },
  });
}
