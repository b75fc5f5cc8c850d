/**
 * 属性表: any layer's attributes one page at a time, as QGIS's attribute table shows them. Every
 * page is one feature request without geometry plus its count, so a county layer costs what
 * the page costs; the request is checked here so the store only sees keys the layer has.
 */
import type { AttributeTableColumn, AttributeTableFilter, AttributeTablePage, AttributeTableQuery, LandGateApi } from '../../../shared/api/contract';
import { attributesLocked } from '../parcel-attributes';
import { attributeLabelPair, attributeRank } from '../../../shared/model/attribute-labels';
import { UserInputError } from '../../../shared/model/errors';
import type { ProjectStore } from '../project-store';
import type { AttributeFilter, FeatureRequest } from '../store/feature-request';

/** A page the renderer can draw at once; anything larger is a whole-layer read in disguise. */
export const MAX_ATTRIBUTE_PAGE = 500;
/** Longer than any id, name or code; a longer text is a mistake, not a search. */
const MAX_TEXT = 200;
const MAX_FILTERS = 20;
const OPS: readonly AttributeTableFilter['op'][] = ['eq', 'in', 'prefix', 'contains', 'isNull', 'notNull'];

export function createAttributeTableApi(store: ProjectStore): Pick<LandGateApi, 'queryFeatures'> {
  return {
    async queryFeatures(request) {
      const query = validQuery(request);
      const layer = store.getLayer(query.table); // an unknown layer is refused with the layers that exist
      const columns = tableColumns(store, query.table);
      const known = new Set(['fid', ...columns.map((c) => c.key)]);
      const checkKey = (key: string, what: string) => {
        if (!known.has(key)) {
          throw new UserInputError(
            'attributes.unknown-field',
            `图层“${query.table}”没有字段“${key}”，无法${what}。`,
            `Layer "${query.table}" has no field "${key}" to ${what === '排序' ? 'sort by' : 'filter on'}.`,
          );
        }
      };
      const hasId = columns.some((c) => c.key === 'id' && c.column !== 'fid');
      const hasName = columns.some((c) => c.key === 'name');
      const filters: AttributeFilter[] = (query.filters ?? []).map((f) => {
        checkKey(f.key, '筛选');
        return toStoreFilter(f);
      });
      if (query.search) {
        const any: AttributeFilter[] = [{ key: 'id', op: 'contains', value: query.search }];
        if (hasName) any.push({ key: 'name', op: 'contains', value: query.search });
        filters.push({ op: 'any', filters: any });
      }
      if (query.orderBy) checkKey(query.orderBy.key, '排序');
      if (query.attributes) for (const key of query.attributes) checkKey(key, '显示');
      // Without an id column the id users see is the fid, so that is what sorting by id means.
      const orderKey = query.orderBy && query.orderBy.key === 'id' && !hasId ? 'fid' : query.orderBy?.key;
      const featureRequest: FeatureRequest = {
        filters,
        geometry: false,
        attributes: query.attributes,
        orderBy: orderKey ? [{ key: orderKey, descending: query.orderBy?.descending }] : undefined,
      };
      const total = store.countFeatures(query.table, featureRequest);
      const rows: AttributeTablePage['rows'] = store.requestFeatures(query.table, { ...featureRequest, offset: query.offset, limit: query.limit }).map((f) => ({ fid: f.fid, id: f.id, properties: f.properties }));
      // A parcel whose signed decision stands is shown as not editable, with the reason, before anyone tries.
      if (layer.kind === 'parcel') {
        for (const row of rows) {
          const locked = attributesLocked(store, query.table, row.id);
          if (locked) {
            row.lockedZh = locked.zh;
            row.lockedEn = locked.en;
          }
        }
      }
      if (query.locateFid === undefined) return { total, rows, columns };
      return { total, rows, columns, position: store.featurePosition(query.table, featureRequest, query.locateFid) };
    },
  };
}

/** The layer's columns in the table's order (id, canonical keys, the rest as stored), labelled. */
export function tableColumns(store: ProjectStore, table: string): AttributeTableColumn[] {
  const stored = store.layers.columns(table);
  const columns: AttributeTableColumn[] = stored.map((c) => ({ key: c.key, column: c.column, type: c.type, ...attributeLabelPair(c.key), ...(c.source ? { sourceField: c.source } : {}) }));
  // A layer imported without an id attribute still shows one: its fid (rules.md §1.1).
  if (!columns.some((c) => c.key === 'id')) columns.unshift({ key: 'id', column: 'fid', type: 'integer', ...attributeLabelPair('id') });
  return columns.map((c, index) => ({ c, index })).sort((a, b) => attributeRank(a.c.key) - attributeRank(b.c.key) || a.index - b.index).map(({ c }) => c);
}

function toStoreFilter(f: AttributeTableFilter): AttributeFilter {
  switch (f.op) {
    case 'in': {
      if (!Array.isArray(f.value) || f.value.length > 1000 || !f.value.every((v) => typeof v === 'string' || typeof v === 'number')) {
        throw badFilter(f, '“属于”条件须给出不超过 1000 个文本或数字的列表', '"in" needs a list of at most 1000 texts or numbers');
      }
      return { key: f.key, op: 'in', values: f.value };
    }
    case 'eq':
      if (typeof f.value !== 'string' && typeof f.value !== 'number' && typeof f.value !== 'boolean') throw badFilter(f, '“等于”条件须给出一个值', '"eq" needs a value');
      if (typeof f.value === 'string' && f.value.length > MAX_TEXT) throw badFilter(f, `值过长（超过 ${MAX_TEXT} 个字符）`, `value longer than ${MAX_TEXT} characters`);
      return { key: f.key, op: 'eq', value: f.value };
    case 'prefix':
    case 'contains':
      if (typeof f.value !== 'string' || f.value.length > MAX_TEXT) throw badFilter(f, `须给出不超过 ${MAX_TEXT} 个字符的文本`, `needs a text of at most ${MAX_TEXT} characters`);
      return { key: f.key, op: f.op, value: f.value };
    case 'isNull':
    case 'notNull':
      return { key: f.key, op: f.op };
  }
}

function badFilter(f: AttributeTableFilter, zh: string, en: string): UserInputError {
  return new UserInputError('attributes.bad-filter', `字段“${f.key}”的筛选条件无效：${zh}。`, `Invalid filter on "${f.key}": ${en}.`);
}

/** The query as the store may trust it: every value checked, texts trimmed, empties dropped. */
export function validQuery(request: unknown): AttributeTableQuery {
  if (typeof request !== 'object' || request === null) {
    throw new UserInputError('attributes.bad-request', '属性表查询缺少参数。', 'queryFeatures needs a request object.');
  }
  const r = request as Record<string, unknown>;
  if (typeof r.table !== 'string' || r.table === '') {
    throw new UserInputError('attributes.bad-request', '属性表查询须给出图层。', 'queryFeatures needs a table.');
  }
  const { limit, offset } = r;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_ATTRIBUTE_PAGE) {
    throw new UserInputError(
      'attributes.bad-limit',
      `每页要素数须为 1 至 ${MAX_ATTRIBUTE_PAGE} 之间的整数（收到“${String(limit)}”）。`,
      `limit must be an integer from 1 to ${MAX_ATTRIBUTE_PAGE} (got ${JSON.stringify(limit) ?? 'undefined'}).`,
    );
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new UserInputError('attributes.bad-offset', `起始位置须为不小于 0 的整数（收到“${String(offset)}”）。`, `offset must be a non-negative integer (got ${JSON.stringify(offset) ?? 'undefined'}).`);
  }
  const query: AttributeTableQuery = { table: r.table, offset, limit };
  if (r.search !== undefined && r.search !== null) {
    if (typeof r.search !== 'string' || r.search.length > MAX_TEXT) {
      throw new UserInputError('attributes.bad-search', `搜索内容须为不超过 ${MAX_TEXT} 个字符的文本。`, `search must be a text of at most ${MAX_TEXT} characters.`);
    }
    const search = r.search.trim();
    if (search) query.search = search;
  }
  if (r.orderBy !== undefined && r.orderBy !== null) {
    const o = r.orderBy as Record<string, unknown>;
    if (typeof o !== 'object' || typeof o.key !== 'string' || (o.descending !== undefined && typeof o.descending !== 'boolean')) {
      throw new UserInputError('attributes.bad-order', '排序条件须给出字段名（key）和可选的降序标志（descending）。', 'orderBy needs a key and an optional boolean descending.');
    }
    query.orderBy = { key: o.key, descending: o.descending === true };
  }
  if (r.filters !== undefined && r.filters !== null) {
    if (!Array.isArray(r.filters) || r.filters.length > MAX_FILTERS) {
      throw new UserInputError('attributes.bad-filter', `筛选条件须为不超过 ${MAX_FILTERS} 条的列表。`, `filters must be a list of at most ${MAX_FILTERS}.`);
    }
    query.filters = r.filters.map((f: unknown) => {
      const item = f as Record<string, unknown>;
      if (typeof item !== 'object' || item === null || typeof item.key !== 'string' || !(OPS as readonly unknown[]).includes(item.op)) {
        throw new UserInputError('attributes.bad-filter', `筛选条件无效：须给出字段名和条件（${OPS.join('、')}）。`, `Invalid filter: needs a key and an op (${OPS.join(', ')}).`);
      }
      return { key: item.key, op: item.op as AttributeTableFilter['op'], value: item.value as AttributeTableFilter['value'] };
    });
  }
  if (r.attributes !== undefined && r.attributes !== null) {
    if (!Array.isArray(r.attributes) || !r.attributes.every((a) => typeof a === 'string')) {
      throw new UserInputError('attributes.bad-request', '要返回的字段须为字段名列表。', 'attributes must be a list of field names.');
    }
    query.attributes = r.attributes as string[];
  }
  if (r.locateFid !== undefined && r.locateFid !== null) {
    if (typeof r.locateFid !== 'number' || !Number.isSafeInteger(r.locateFid) || r.locateFid < 1) {
      throw new UserInputError('attributes.bad-request', `要定位的要素编号（fid）须为正整数（收到“${String(r.locateFid)}”）。`, `locateFid must be a positive integer (got ${JSON.stringify(r.locateFid)}).`);
    }
    query.locateFid = r.locateFid;
  }
  return query;
}
