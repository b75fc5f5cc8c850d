/**
 * What the map asks of the project besides its vector tiles: features by fid or id (identify,
 * highlight, the selected parcel) and features in a box (snapping while drawing), always bounded.
 */
import type { Feature } from 'geojson';
import type { LandGateApi } from '../../../shared/api/contract';
import { UserInputError } from '../../../shared/model/errors';
import { toGeoJsonFeature, type ProjectStore } from '../project-store';

/** The most features one request may return. */
export const MAX_FEATURES_PER_REQUEST = 5000;

export function createFeatureApi(store: ProjectStore): Pick<LandGateApi, 'getFeatures'> {
  return {
    async getFeatures(request) {
      const limit = Math.min(request.limit ?? MAX_FEATURES_PER_REQUEST, MAX_FEATURES_PER_REQUEST);
      if (!Number.isInteger(limit) || limit < 1) {
        throw new UserInputError('features.bad-limit', `要素请求的数量上限无效：${String(request.limit)}。`, `Invalid feature request limit: ${String(request.limit)}.`);
      }
      const stored = store.requestFeatures(request.table, {
        fids: request.fids,
        ids: request.ids,
        bbox: request.bbox,
        attributes: request.attributes,
        geometry: request.geometry,
        limit: limit + 1,
      });
      const kept = stored.slice(0, limit);
      const features: Feature[] = kept.map(toGeoJsonFeature);
      return { features, fids: kept.map((f) => f.fid), truncated: stored.length > limit };
    },
  };
}
