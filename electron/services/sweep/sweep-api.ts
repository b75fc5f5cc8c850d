/** Stored sweep (全部审查) results: listed, paged, filtered and exported. */
import type { LandGateApi } from '../../../shared/api/contract';
import { UserInputError } from '../../../shared/model/errors';
import type { SweepJobs } from '../batch-check';
import type { ProjectStore } from '../project-store';

export function createSweepResultsApi(store: ProjectStore, jobs: () => SweepJobs): Pick<LandGateApi, 'cancelSweep' | 'listSweeps' | 'querySweepResults' | 'exportSweepResults'> {
  void store;
  void jobs;
  const pending = () => new UserInputError('sweep.pending', '全部审查结果尚未完成。', 'Sweep results are not built yet.');
  return {
    async cancelSweep() {
      throw pending();
    },
    async listSweeps() {
      throw pending();
    },
    async querySweepResults() {
      throw pending();
    },
    async exportSweepResults() {
      throw pending();
    },
  };
}
