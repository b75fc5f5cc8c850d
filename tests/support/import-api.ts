/** Drives the import API the way the import dialog does: chunked upload, then polling the job. */
import { readFileSync } from 'node:fs';
import type { LandGateApi } from '../../shared/api/contract';

/** Uploads a file (read from `path`) in chunks of `chunk` bytes; returns the upload id. */
export async function uploadFile(api: LandGateApi, path: string, name: string, chunk = 64 * 1024, uploadId?: string): Promise<string> {
  const bytes = readFileSync(path);
  let id = uploadId;
  for (let offset = 0; offset < bytes.length || offset === 0; offset += chunk) {
    const part = bytes.subarray(offset, offset + chunk);
    const res = await api.stageImportFiles({ uploadId: id, files: [{ name, base64: part.toString('base64'), offset, totalBytes: bytes.length }] });
    id = res.uploadId;
    if (bytes.length === 0) break;
  }
  return id!;
}

/** Polls an import job until it leaves 'running' (every 20 ms, at most `attempts` times). */
export async function waitImportJob(api: LandGateApi, jobId: string, attempts = 600) {
  for (let i = 0; i < attempts; i++) {
    const status = await api.getImportJob({ jobId });
    if (status.state !== 'running') return status;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('job did not finish');
}
