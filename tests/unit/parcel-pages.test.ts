/**
 * The parcel list's page cache (renderer/panels/parcel-pages.ts) and the app state around the
 * list: pages asked once and kept per query, answers of an old revision dropped while the old
 * rows stay on screen, and the actions that make the list ask again.
 */
import { describe, expect, it } from 'vitest';
import type { ParcelPage, ParcelQuery, ParcelSummary } from '../../shared/api/contract';
import { PARCEL_PAGE_SIZE, ParcelPages } from '../../renderer/panels/parcel-pages';
import { appReducer, defaultAppState, selectedParcelSummary } from '../../renderer/app/state';
import type { CheckReport } from '../../shared/model/check';

function fakeStore(total: number) {
  const asked: ParcelQuery[] = [];
  const pending: { query: ParcelQuery; resolve: (page: ParcelPage) => void; reject: (e: unknown) => void }[] = [];
  const fetchPage = (query: ParcelQuery) =>
    new Promise<ParcelPage>((resolve, reject) => {
      asked.push(query);
      pending.push({ query, resolve, reject });
    });
  const answer = async (index = 0, tag = '') => {
    const [{ query, resolve }] = pending.splice(index, 1);
    const rows: ParcelSummary[] = [];
    for (let i = query.offset; i < Math.min(total, query.offset + query.limit); i++) rows.push({ table: 't', id: `${tag}${i}`, bbox: [0, 0, 1, 1] });
    resolve({ total, rows });
    await Promise.resolve();
    await Promise.resolve();
  };
  return { asked, pending, fetchPage, answer };
}

describe('ParcelPages', () => {
  it('asks for the first page, then only for pages reaching into view, once each', async () => {
    const store = fakeStore(1000);
    let changes = 0;
    const pages = new ParcelPages(store.fetchPage, () => changes++);
    pages.show({ search: 'DK' }, 'r0');
    pages.ensure(0, 30);
    pages.ensure(0, 30);
    expect(store.asked).toEqual([{ search: 'DK', offset: 0, limit: PARCEL_PAGE_SIZE }]);
    expect(pages.total).toBeNull();
    await store.answer();
    expect(changes).toBe(1);
    expect(pages.total).toBe(1000);
    expect(pages.row(5)?.id).toBe('5');
    pages.ensure(150, 260);
    expect(store.asked.map((q) => q.offset)).toEqual([0, 100, 200]);
    pages.ensure(5000, 6000); // beyond the total: nothing to ask
    expect(store.asked).toHaveLength(3);
  });

  it('keeps pages per query: going back shows them without asking', async () => {
    const store = fakeStore(300);
    const pages = new ParcelPages(store.fetchPage, () => undefined);
    pages.show({}, 'r0');
    pages.ensure(0, 10);
    await store.answer();
    pages.show({ verdict: 'prohibited' }, 'r0');
    expect(pages.total).toBeNull();
    pages.show({}, 'r0');
    expect(pages.total).toBe(300);
    pages.ensure(0, 10);
    expect(store.asked).toHaveLength(1);
  });

  it('after a new revision shows the old rows until the new ones arrive, and drops answers of the old revision', async () => {
    const store = fakeStore(300);
    let changes = 0;
    const pages = new ParcelPages(store.fetchPage, () => changes++);
    pages.show({}, 'r0');
    pages.ensure(0, 10);
    await store.answer(0, 'old-');
    pages.ensure(100, 110); // asked under r0 …
    pages.show({}, 'r1'); // … then a check lands
    expect(pages.row(3)?.id).toBe('old-3');
    pages.ensure(0, 110);
    expect(store.asked.map((q) => q.offset)).toEqual([0, 100, 0, 100]);
    const before = changes;
    await store.answer(0, 'old-'); // the r0 answer for page 1: dropped
    expect(changes).toBe(before);
    await store.answer(0, 'new-');
    expect(pages.row(3)?.id).toBe('new-3');
  });

  it('keeps a failure and does not ask again in a loop', async () => {
    const store = fakeStore(300);
    const pages = new ParcelPages(store.fetchPage, () => undefined);
    pages.show({}, 'r0');
    pages.ensure(0, 10);
    store.pending.shift()!.reject(new Error('offline'));
    await Promise.resolve();
    await Promise.resolve();
    expect(pages.error).toBeInstanceOf(Error);
    pages.ensure(0, 10);
    expect(store.asked).toHaveLength(1);
    pages.show({}, 'r1');
    pages.ensure(0, 10);
    expect(store.asked).toHaveLength(2);
  });
});

describe('app state around the parcel list', () => {
  const summary: ParcelSummary = { table: 'parcels', id: 'A-1', bbox: [1, 2, 3, 4] };

  it('carries the summary of a row picked in the list, and takes a loaded one only for the current selection', () => {
    let state = appReducer(defaultAppState(), { type: 'selectParcel', parcel: { table: 'parcels', id: 'A-1' }, summary });
    expect(selectedParcelSummary(state)).toBe(summary);
    state = appReducer(state, { type: 'selectParcel', parcel: { table: 'parcels', id: 'B-2' } });
    expect(selectedParcelSummary(state)).toBeNull();
    expect(appReducer(state, { type: 'parcelSummaryLoaded', summary }).selectedSummary).toBeNull();
    const b = { ...summary, id: 'B-2' };
    expect(selectedParcelSummary(appReducer(state, { type: 'parcelSummaryLoaded', summary: b }))).toBe(b);
  });

  it('bumps listRevision when a check finishes (even for an old selection) and when a sweep ends', () => {
    const report = { profile: 'p', checkedAt: '', parcels: [] } as unknown as CheckReport;
    let state = defaultAppState();
    state = appReducer(state, { type: 'checkFinished', key: 'stale', report });
    expect(state.listRevision).toBe(1);
    state = appReducer(state, { type: 'sweepFinished' });
    expect(state.listRevision).toBe(2);
  });

  it('merges filter changes', () => {
    let state = appReducer(defaultAppState(), { type: 'setParcelFilter', filter: { verdict: 'unchecked' } });
    state = appReducer(state, { type: 'setParcelFilter', filter: { search: 'DK' } });
    expect(state.parcelFilter).toMatchObject({ verdict: 'unchecked', search: 'DK', sort: { key: 'id', descending: false } });
  });
});
