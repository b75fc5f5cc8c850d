/**
 * The attribute table's page cache (renderer/panels/attribute-pages.ts) and the app actions of
 * the 属性表 drawer: pages asked once per query, columns kept while a new sort loads, a new
 * revision asks again, and open / close / zoom requests in the app state.
 */
import { describe, expect, it } from 'vitest';
import type { AttributeTablePage, AttributeTableQuery } from '../../shared/api/contract';
import { ATTRIBUTE_PAGE_SIZE, AttributePages } from '../../renderer/panels/attribute-pages';
import { appReducer, defaultAppState } from '../../renderer/app/state';

const COLUMNS: AttributeTablePage['columns'] = [{ key: 'id', column: 'id', labelZh: '编号', labelEn: 'ID', type: 'text' }];

function fakeStore(total: number) {
  const asked: AttributeTableQuery[] = [];
  const pending: { query: AttributeTableQuery; resolve: (page: AttributeTablePage) => void }[] = [];
  const fetchPage = (query: AttributeTableQuery) =>
    new Promise<AttributeTablePage>((resolve) => {
      asked.push(query);
      pending.push({ query, resolve });
    });
  const answer = async () => {
    const { query, resolve } = pending.shift()!;
    const rows: AttributeTablePage['rows'] = [];
    for (let i = query.offset; i < Math.min(total, query.offset + query.limit); i++) rows.push({ fid: i + 1, id: `F${i}`, properties: { id: `F${i}` } });
    resolve({ total, rows, columns: COLUMNS });
    await Promise.resolve();
    await Promise.resolve();
  };
  return { asked, fetchPage, answer };
}

describe('AttributePages', () => {
  it('asks for each page once, as rows reach into view', async () => {
    const store = fakeStore(1000);
    let changes = 0;
    const pages = new AttributePages(store.fetchPage, () => changes++);
    pages.show({ table: 't' }, 'r0');
    pages.ensure(0, 30);
    pages.ensure(0, 30);
    expect(store.asked).toEqual([{ table: 't', offset: 0, limit: ATTRIBUTE_PAGE_SIZE }]);
    await store.answer();
    expect(changes).toBe(1);
    expect(pages.total).toBe(1000);
    expect(pages.row(5)?.fid).toBe(6);
    pages.ensure(150, 320);
    expect(store.asked.slice(1).map((q) => q.offset)).toEqual([100, 200, 300]);
  });

  it('keeps the columns while another sort of the same layer loads, and asks again on a new revision', async () => {
    const store = fakeStore(10);
    const pages = new AttributePages(store.fetchPage, () => {});
    pages.show({ table: 't' }, 'r0');
    pages.ensure(0, 5);
    await store.answer();
    pages.show({ table: 't', orderBy: { key: 'id', descending: true } }, 'r0');
    expect(pages.total).toBeNull();
    expect(pages.columns).toEqual(COLUMNS);
    pages.show({ table: 't' }, 'r0');
    expect(pages.total).toBe(10);
    pages.show({ table: 't' }, 'r1');
    expect(pages.total).toBeNull();
    pages.ensure(0, 5);
    expect(store.asked.length).toBe(2);
  });
});

describe('属性表 actions', () => {
  it('opens and closes the drawer, and each zoom request is a new one', () => {
    let state = appReducer(defaultAppState(), { type: 'openAttributeTable', table: 'rivers' });
    expect(state.attributeTable).toBe('rivers');
    state = appReducer(state, { type: 'zoomTo', bbox: [1, 2, 3, 4] });
    const first = state.zoomRequest!.serial;
    state = appReducer(state, { type: 'zoomTo', bbox: [1, 2, 3, 4] });
    expect(state.zoomRequest).toEqual({ bbox: [1, 2, 3, 4], serial: first + 1 });
    expect(appReducer(state, { type: 'closeAttributeTable' }).attributeTable).toBeNull();
  });
});
