/** The parcel list's queries: one page at a time, searched, filtered and sorted in the store. */
import type { LandGateApi } from '../../../shared/api/contract';
import { UserInputError } from '../../../shared/model/errors';
import type { ProjectStore } from '../project-store';

export function createParcelQueryApi(store: ProjectStore): Pick<LandGateApi, 'queryParcels' | 'getParcel'> {
  void store;
  const pending = () => new UserInputError('parcels.pending', '地块列表查询尚未完成。', 'Parcel queries are not built yet.');
  return {
    async queryParcels() {
      throw pending();
    },
    async getParcel() {
      throw pending();
    },
  };
}
