/** The parcel list's queries: one page at a time, searched, filtered and sorted in the store. */
import type { LandGateApi, ParcelQuery } from '../../../shared/api/contract';
import { UserInputError } from '../../../shared/model/errors';
import type { ProjectStore } from '../project-store';
import { ParcelListRepository, type ParcelListLayer } from '../store/parcel-list';

/** A page the renderer can draw at once; anything larger is a whole-layer read in disguise. */
export const MAX_PARCEL_PAGE = 500;

const VERDICTS = ['permitted', 'conditional', 'prohibited', 'unchecked'] as const;
const SORT_KEYS = ['id', 'name', 'plannedUse', 'verdict'] as const;
/** Longer than any parcel number or name; a longer text is a mistake, not a search. */
const MAX_TEXT = 200;

export function createParcelQueryApi(store: ProjectStore): Pick<LandGateApi, 'queryParcels' | 'getParcel'> {
  const repository = new ParcelListRepository(store);

  /** The parcel layers a query covers; an unknown or non-parcel table is refused by name. */
  const layersFor = (table: string | undefined): ParcelListLayer[] => {
    const layers = repository.parcelLayers();
    if (table === undefined) return layers;
    const layer = layers.find((l) => l.table === table);
    if (layer) return [layer];
    const info = store.getLayer(table); // throws layer.unknown with the layers that exist
    throw new UserInputError('parcels.not-parcel-layer', `图层“${table}”不是报件地块图层（类型为 ${info.kind}）。`, `Layer "${table}" is not a parcel layer (kind ${info.kind}).`);
  };

  return {
    async queryParcels(request) {
      const query = validQuery(request);
      return repository.query(layersFor(query.table), query);
    },
    async getParcel(request) {
      const table = text(request?.table, 'table');
      const id = text(request?.id, 'id');
      if (table === undefined || id === undefined || id.trim() === '') {
        throw new UserInputError('parcels.bad-request', '查询地块须给出图层和地块编号。', 'getParcel needs a table and a parcel id.');
      }
      const [layer] = layersFor(table);
      const hits = repository.byId(layer, id.trim(), 2);
      if (hits.length > 1) {
        throw new UserInputError('layer.duplicate-id', `图层“${table}”中有多个要素的编号都是“${id}”，无法确定是哪一个。`, `Layer "${table}" has several features with id "${id}".`);
      }
      if (!hits[0]) throw new UserInputError('parcels.unknown-id', `图层“${table}”中没有编号为“${id}”的地块。`, `No parcel "${id}" in layer "${table}".`);
      return hits[0];
    },
  };
}

/** The query as the repository may trust it: every value checked, texts trimmed, empties dropped. */
export function validQuery(request: unknown): ParcelQuery {
  if (typeof request !== 'object' || request === null) {
    throw new UserInputError('parcels.bad-request', '地块列表查询缺少参数。', 'queryParcels needs a request object.');
  }
  const r = request as Record<string, unknown>;
  const { limit, offset } = r;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PARCEL_PAGE) {
    throw new UserInputError(
      'parcels.bad-limit',
      `每页地块数须为 1 至 ${MAX_PARCEL_PAGE} 之间的整数（收到“${String(limit)}”）。`,
      `limit must be an integer from 1 to ${MAX_PARCEL_PAGE} (got ${JSON.stringify(limit) ?? 'undefined'}).`,
    );
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new UserInputError('parcels.bad-offset', `起始位置须为不小于 0 的整数（收到“${String(offset)}”）。`, `offset must be a non-negative integer (got ${JSON.stringify(offset) ?? 'undefined'}).`);
  }
  const query: ParcelQuery = { offset, limit };
  const search = text(r.search, 'search')?.trim();
  if (search) query.search = search;
  const table = text(r.table, 'table');
  if (table) query.table = table;
  const plannedUse = text(r.plannedUse, 'plannedUse')?.trim();
  if (plannedUse) query.plannedUse = plannedUse;
  const action = text(r.action, 'action')?.trim();
  if (action) query.action = action;
  if (r.verdict !== undefined && r.verdict !== null && r.verdict !== '') {
    if (!(VERDICTS as readonly unknown[]).includes(r.verdict)) {
      throw new UserInputError('parcels.bad-verdict', `未知的审查结论筛选条件“${String(r.verdict)}”。`, `Unknown verdict filter ${JSON.stringify(r.verdict)}; expected one of ${VERDICTS.join(', ')}.`);
    }
    query.verdict = r.verdict as ParcelQuery['verdict'];
  }
  if (r.sort !== undefined && r.sort !== null) {
    const sort = r.sort as { key?: unknown; descending?: unknown };
    if (typeof sort !== 'object' || !(SORT_KEYS as readonly unknown[]).includes(sort.key)) {
      throw new UserInputError('parcels.bad-sort', `未知的地块排序方式“${String(sort?.key)}”。`, `Unknown sort key ${JSON.stringify(sort?.key)}; expected one of ${SORT_KEYS.join(', ')}.`);
    }
    query.sort = { key: sort.key as (typeof SORT_KEYS)[number], descending: sort.descending === true };
  }
  return query;
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new UserInputError('parcels.bad-request', '地块查询条件须为文字。', `${field} must be a string (got ${typeof value}).`);
  }
  if (value.length > MAX_TEXT) {
    throw new UserInputError('parcels.bad-request', `地块查询条件过长（超过 ${MAX_TEXT} 个字符）。`, `${field} is longer than ${MAX_TEXT} characters.`);
  }
  return value;
}
