/**
 * A demo project (`landgate demo`) in a temp dir for one test file, and a way to run code against
 * a fresh API service on it that is closed afterwards (so its connections, and the check
 * service's worker, fold the WAL back into the file before the next hash is taken).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiService, type ApiService } from '../../electron/services/api-service';
import { landgate } from './cli';

export interface DemoProject {
  /** The project file (valid once the file's beforeAll ran). */
  readonly path: string;
  withApi<T>(fn: (api: ApiService) => Promise<T>): Promise<T>;
}

export function useDemoProject(prefix: string): DemoProject {
  let dir = '';
  const project = {
    path: '',
    async withApi<T>(fn: (api: ApiService) => Promise<T>): Promise<T> {
      const api = createApiService(project.path);
      try {
        return await fn(api);
      } finally {
        api.close();
      }
    },
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    project.path = join(dir, 'demo.gpkg');
    const result = landgate(['demo', project.path]);
    expect(result.status, result.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return project;
}
