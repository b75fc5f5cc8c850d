/**
 * Sends picked/dropped files to the Node side as base64 chunks (each request ≈ 4 MB of base64,
 * far under the browser-mode host's 10 MB body limit; the same JSON travels over IPC).
 */
import { api } from '../platform/api';

const CHUNK_BYTES = 3 * 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Uploads every file; `onProgress(0..1)`; resolves to the upload id. */
export async function uploadFiles(files: readonly File[], onProgress: (fraction: number) => void, signal?: { cancelled: boolean }): Promise<string> {
  const total = files.reduce((s, f) => s + f.size, 0) || 1;
  let sent = 0;
  let uploadId: string | undefined;
  for (const file of files) {
    for (let offset = 0; offset < file.size || offset === 0; offset += CHUNK_BYTES) {
      if (signal?.cancelled) throw new Error('cancelled');
      const bytes = new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer());
      const res = await api.stageImportFiles({ uploadId, files: [{ name: file.name, base64: toBase64(bytes), offset, totalBytes: file.size }] });
      uploadId = res.uploadId;
      sent += bytes.length;
      onProgress(sent / total);
      if (file.size === 0) break;
    }
  }
  if (!uploadId) throw new Error('no files');
  return uploadId;
}
