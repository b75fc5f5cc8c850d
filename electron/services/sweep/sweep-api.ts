/** Stored sweep (全部审查) results: listed, paged, filtered and exported; running sweeps cancelled. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { zipSync } from 'fflate';
import type { LandGateApi } from '../../../shared/api/contract';
import { UserInputError } from '../../../shared/model/errors';
import type { ProjectStore } from '../project-store';
import { SweepResults } from '../store/sweep-results';
import { validateSweepExport, writeSweepExport } from './sweep-export';
import type { SweepJobs } from './sweep-jobs';

const today = () => new Date().toISOString().slice(0, 10);

export function createSweepResultsApi(store: ProjectStore, jobs: () => SweepJobs): Pick<LandGateApi, 'cancelSweep' | 'listSweeps' | 'querySweepResults' | 'exportSweepResults'> {
  const results = new SweepResults(store);
  return {
    async cancelSweep({ jobId }) {
      const job = await jobs().cancel(jobId);
      if (!job) throw new UserInputError('sweep.unknown-job', `没有编号为“${jobId}”的全部审查任务。`, `No sweep job "${jobId}".`);
      return job;
    },
    async listSweeps() {
      return results.list();
    },
    async querySweepResults(request) {
      return results.query(request);
    },
    async exportSweepResults(request) {
      const valid = validateSweepExport(store, request);
      const dir = mkdtempSync(join(tmpdir(), 'landgate-sweep-export-'));
      try {
        const suffix = `${valid.sweepId}_${today()}`;
        if (valid.format === 'shapefile') {
          // ASCII names inside the zip: older unzip tools on GBK systems garble UTF-8 entry names.
          const fileName = `全部审查结果_${suffix}.zip`;
          const { files } = await writeSweepExport(store, valid, join(dir, `landgate_sweep_${valid.sweepId}.shp`), { recordAs: fileName });
          const zip = zipSync(Object.fromEntries(files.map((f) => [basename(f), new Uint8Array(readFileSync(f))])));
          return { fileName, mimeType: 'application/zip', base64: Buffer.from(zip).toString('base64') };
        }
        const xlsx = valid.format === 'xlsx';
        const fileName = `全部审查结果_${suffix}.${xlsx ? 'xlsx' : 'gpkg'}`;
        const out = join(dir, fileName);
        await writeSweepExport(store, valid, out);
        return {
          fileName,
          mimeType: xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/geopackage+sqlite3',
          base64: readFileSync(out).toString('base64'),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
