/**
 * The submission list pages in the store (ReviewStore.querySubmissions, submission-query.ts), on
 * a GeoPackage and on PostGIS: 3 000 parcels, 1 000 registered submissions of two parcels each
 * and 1 000 implicit ones, some checked, some decided. Every page of every filter and sort, put
 * together, is the list ReviewStore.listSubmissions derives in JavaScript (the reference),
 * filtered and sorted as the page did; the counts per status are the reference's; the page around
 * a parcel is the page of its submission. One parcel's submission (ReviewStore.submissionOf, read
 * for that parcel only) is its entry in that list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from 'geojson';
import { ProjectStore } from '../../electron/services/project-store';
import { ReviewStore } from '../../electron/services/review/review-store';
import { sqlOf } from '../../electron/services/store/internal';
import type { CheckReport } from '../../shared/model/check';
import { SUBMISSION_STATUSES, type Submission, type SubmissionQuery, type SubmissionSort, type SubmissionStatus } from '../../shared/review/model';
import { freshSchema, startPostgis, type ThrowawayPostgis } from '../support/postgis';

const PARCELS = 3_000;
const REGISTERED = 1_000;
let pg: ThrowawayPostgis;
let dir: string;

beforeAll(() => {
  pg = startPostgis();
  Object.assign(process.env, { PGHOST: pg.env.PGHOST, PGPORT: pg.env.PGPORT });
  dir = mkdtempSync(join(tmpdir(), 'landgate-submission-pages-'));
}, 600_000);

afterAll(() => {
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function parcels(): Feature[] {
  return Array.from({ length: PARCELS }, (_, i) => {
    const x = 111.0 + (i % 60) * 0.002;
    const y = 35.0 + Math.floor(i / 60) * 0.002;
    const d = 0.001;
    return {
      type: 'Feature',
      properties: { id: `P-${String(i).padStart(4, '0')}`, name: i % 7 === 0 ? '' : `${i % 13} 号地块`, 申请单位: i % 5 === 0 ? `单位${i % 11}` : null, 收件日期: i % 3 === 0 ? `2026-0${1 + (i % 9)}-1${i % 10}` : null },
      geometry: { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] },
    };
  });
}

const pid = (i: number) => `P-${String(i).padStart(4, '0')}`;

function build(location: string): ProjectStore {
  const store = ProjectStore.create(location, { title: '报件分页' });
  store.writeLayer({ table: 'parcels', kind: 'parcel', title: '报件地块', sourceFile: null, originalCrs: 'EPSG:4490', features: parcels() });
  const review = new ReviewStore(store);
  review.createSubmission({ parcelTable: 'parcels', parcelIds: [pid(0), pid(1)], title: '报件 0000', applicant: '甲公司', receivedOn: '2026-03-01' });
  // The rest in one transaction, as rows (createSubmission reads the whole list back each time).
  const sql = sqlOf(store.db);
  store.transaction(() => {
    const insert = sql.prepare('INSERT INTO landgate_submissions (parcel_table, parcel_ids, title, applicant, received_on, profile, created_at, "user") VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (let s = 1; s < REGISTERED; s++) {
      insert.run('parcels', JSON.stringify([pid(2 * s), pid(2 * s + 1)]), `报件 ${String(s).padStart(4, '0')}${s % 10 === 0 ? ' 100%_特殊' : ''}`, s % 4 === 0 ? null : `申请人${s % 17}`, s % 6 === 0 ? null : `2026-${String(1 + (s % 12)).padStart(2, '0')}-0${1 + (s % 9)}`, 'xiaxian', new Date().toISOString(), store.db.actingUser());
    }
  });
  // Checks of a third of the parcels (both registered and implicit), verdicts of every kind.
  const verdicts = ['permitted', 'conditional', 'prohibited'] as const;
  const checked = Array.from({ length: PARCELS }, (_, i) => i).filter((i) => i % 3 === 1);
  const report = { profile: 'xiaxian', checkedAt: new Date().toISOString(), parcels: checked.map((i) => ({ id: pid(i), verdict: verdicts[i % 3 === 1 ? (i >> 1) % 3 : 0], findings: [] })) } as unknown as CheckReport;
  store.recordCheck(report, { parcelTable: 'parcels', parcelsSource: 'parcels', trigger: 'cli' });
  // Decisions: a whole submission, half of one, and implicit parcels.
  const sign = (parcelId: string, decision: 'approved' | 'conditional' | 'rejected' | 'returned', coverSubmission = false) =>
    review.signDecision({ table: 'parcels', parcelId, decision, opinion: '意见', conditions: decision === 'conditional' ? ['条件'] : [], signature: { name: '王审查', department: '自然资源局', date: '2026-11-20' }, coverSubmission });
  sign(pid(4), 'approved', true);
  sign(pid(6), 'conditional');
  sign(pid(2 * REGISTERED + 1), 'rejected');
  sign(pid(2 * REGISTERED + 4), 'returned');
  sign(pid(2 * REGISTERED + 7), 'conditional');
  return store;
}

const codePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
function reference(list: Submission[], q: Required<Pick<SubmissionQuery, 'query' | 'status' | 'sort'>>): Submission[] {
  const needle = q.query.toLowerCase();
  const rows = list.filter((s) => (q.status === 'all' || s.status === q.status) && (needle === '' || [s.title, s.applicant ?? '', ...s.parcelIds].some((t) => t.toLowerCase().includes(needle))));
  const cmp: Record<SubmissionSort, (a: Submission, b: Submission) => number> = {
    received: (a, b) => codePoint(b.receivedOn ?? '', a.receivedOn ?? '') || codePoint(a.title, b.title),
    checked: (a, b) => codePoint(b.latestCheckedAt ?? '', a.latestCheckedAt ?? '') || codePoint(a.title, b.title),
    title: (a, b) => codePoint(a.title, b.title),
    status: (a, b) => SUBMISSION_STATUSES.indexOf(a.status) - SUBMISSION_STATUSES.indexOf(b.status) || codePoint(a.title, b.title),
  };
  return [...rows].sort((a, b) => cmp[q.sort](a, b) || codePoint(a.key, b.key));
}

describe.each([
  ['GeoPackage', () => join(dir, 'pages.gpkg')],
  ['PostGIS', () => pg.url(freshSchema('pages'))],
])('querySubmissions on a %s project', (_name, where) => {
  it('pages, filters, sorts and counts in the store as the whole list does in JavaScript', () => {
    const store = build(where());
    try {
      const review = new ReviewStore(store);
      const all = review.listSubmissions();
      expect(all).toHaveLength(REGISTERED + (PARCELS - 2 * REGISTERED));
      const counts = Object.fromEntries(SUBMISSION_STATUSES.map((s) => [s, all.filter((x) => x.status === s).length]));
      // Every status occurs, so each filter below has rows to compare.
      for (const s of SUBMISSION_STATUSES) expect(counts[s], s).toBeGreaterThan(0);

      const cases: Required<Pick<SubmissionQuery, 'query' | 'status' | 'sort'>>[] = [
        { query: '', status: 'all', sort: 'received' },
        { query: '', status: 'all', sort: 'checked' },
        { query: '', status: 'all', sort: 'title' },
        { query: '', status: 'all', sort: 'status' },
        { query: '', status: 'in-review', sort: 'received' },
        { query: '', status: 'pending', sort: 'title' },
        { query: '申请人1', status: 'all', sort: 'title' },
        { query: 'p-00', status: 'all', sort: 'received' },
        { query: '100%_', status: 'all', sort: 'title' },
        { query: '号地块', status: 'in-review', sort: 'checked' },
      ];
      for (const c of cases) {
        const expected = reference(all, c);
        const pages: Submission[] = [];
        let total = -1;
        for (let offset = 0; ; offset += 500) {
          const page = review.querySubmissions({ ...c, offset, limit: 500 });
          expect(page.counts).toEqual(counts);
          total = page.total;
          pages.push(...page.rows);
          if (page.rows.length < 500) break;
        }
        expect(total, JSON.stringify(c)).toBe(expected.length);
        expect(pages.map((s) => s.key), JSON.stringify(c)).toEqual(expected.map((s) => s.key));
        expect(pages, JSON.stringify(c)).toEqual(expected);
      }
      // The page around a parcel (the presentation opens at the selected parcel): the page of
      // its submission in that order, or the first when no listed submission holds it.
      for (const c of [cases[0], cases[3], cases[6]]) {
        const expected = reference(all, c);
        for (const i of [0, 1, 7, 801, 1_999, 2 * REGISTERED + 4, PARCELS - 1, 9_999]) {
          const at = expected.findIndex((x) => x.parcelIds.includes(pid(i)));
          const page = review.querySubmissions({ ...c, limit: 100, around: { table: 'parcels', parcelId: pid(i) } });
          const offset = at < 0 ? 0 : Math.floor(at / 100) * 100;
          expect(page.offset, `${JSON.stringify(c)} ${pid(i)}`).toBe(offset);
          expect(page.rows.map((x) => x.key)).toEqual(expected.slice(offset, offset + 100).map((x) => x.key));
          if (at >= 0) expect(page.rows[at - offset].parcelIds).toContain(pid(i));
        }
      }
      expect(review.querySubmissions({ limit: 10, offset: 20 }).offset).toBe(20);
      // One parcel's submission (what a click on it shows) is its entry in the whole list.
      for (let i = 0; i < PARCELS; i += 7) {
        expect(review.submissionOf('parcels', pid(i)), pid(i)).toEqual(all.find((x) => x.parcelIds.includes(pid(i))));
      }
      for (const i of [4, 5, 6, 7, 2 * REGISTERED + 1, 2 * REGISTERED + 4]) expect(review.submissionOf('parcels', pid(i)), pid(i)).toEqual(all.find((x) => x.parcelIds.includes(pid(i))));
      expect(review.submissionOf('parcels', 'P-9999')).toBeNull();
      expect(review.registeredSubmissionList()).toEqual(all.filter((x) => x.id !== null));
      expect(review.submissionOf('no_such_layer', pid(0))).toBeNull();
      // A page past the end still says how many match.
      expect(review.querySubmissions({ offset: 5_000, limit: 10 })).toMatchObject({ rows: [], total: all.length });
      expect(() => review.querySubmissions({ sort: 'x' as SubmissionSort })).toThrow(expect.objectContaining({ code: 'review.submission-query' }));
      expect(() => review.querySubmissions({ status: 'x' as SubmissionStatus })).toThrow(expect.objectContaining({ code: 'review.submission-query' }));
      expect(() => review.querySubmissions({ limit: 10_000 })).toThrow(expect.objectContaining({ code: 'review.submission-query' }));
    } finally {
      store.close();
    }
  }, 300_000);
});

describe('querySubmissions on a GeoPackage that has parcels and no submission yet', () => {
  it('lists each parcel as its own submission, as the whole list does', () => {
    // a freshly imported county: no landgate_submissions table until the first registration
    const store = ProjectStore.create(join(dir, 'fresh.gpkg'), { title: '尚无报件' });
    try {
      store.writeLayer({ table: 'parcels', kind: 'parcel', title: '报件地块', sourceFile: null, originalCrs: 'EPSG:4490', features: parcels().slice(0, 250) });
      const review = new ReviewStore(store);
      const all = review.listSubmissions();
      expect(all).toHaveLength(250);
      const rows: Submission[] = [];
      for (let offset = 0; offset < 250; offset += 100) {
        const page = review.querySubmissions({ offset, limit: 100, sort: 'title' });
        expect(page.total).toBe(250);
        rows.push(...page.rows);
      }
      expect(rows).toEqual(reference(all, { query: '', status: 'all', sort: 'title' }));
    } finally {
      store.close();
    }
  });
});
