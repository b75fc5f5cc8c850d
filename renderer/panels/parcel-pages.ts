/**
 * The parcel list's page cache: rows are asked for a page at a time as they scroll into view,
 * kept per query (going back to an earlier search or filter shows it at once), and a new
 * revision (a check or a sweep changed verdicts) asks again while the old rows stay on screen
 * until their replacements arrive, so the list never blinks empty under the user's pointer.
 * An answer for a revision that is no longer current is dropped. Knows nothing of React.
 */
import type { ParcelPage, ParcelQuery, ParcelSummary } from '../../shared/api/contract';

export const PARCEL_PAGE_SIZE = 100;

export type ParcelListQuery = Omit<ParcelQuery, 'offset' | 'limit'>;

interface Entry {
  query: ParcelListQuery;
  revision: string;
  total: number | null;
  pages: Map<number, ParcelSummary[]>;
  /** Pages of the previous revision, shown until the current one arrives. */
  stale: Map<number, ParcelSummary[]>;
  loading: Set<number>;
  error: unknown;
}

export class ParcelPages {
  private readonly entries = new Map<string, Entry>();
  private current: Entry | null = null;

  constructor(
    private readonly fetchPage: (query: ParcelQuery) => Promise<ParcelPage>,
    private readonly onChange: () => void,
    private readonly maxQueries = 8,
  ) {}

  /** Makes `query` the one shown; its cached pages (if any) show at once. */
  show(query: ParcelListQuery, revision: string): void {
    const key = JSON.stringify(query);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { query, revision, total: null, pages: new Map(), stale: new Map(), loading: new Set(), error: null };
      if (this.entries.size >= this.maxQueries) this.entries.delete(this.entries.keys().next().value!);
    } else {
      this.entries.delete(key); // re-inserted below: the most recently shown is kept longest
      if (entry.revision !== revision) {
        entry.stale = new Map([...entry.stale, ...entry.pages]);
        entry.pages = new Map();
        entry.loading = new Set();
        entry.revision = revision;
        entry.error = null;
      }
    }
    this.entries.set(key, entry);
    this.current = entry;
  }

  /** Parcels matching the shown query; null until its first page has arrived. */
  get total(): number | null {
    return this.current?.total ?? null;
  }

  get error(): unknown {
    return this.current?.error ?? null;
  }

  /** Row `index` of the shown query, or undefined while its page is on its way. */
  row(index: number): ParcelSummary | undefined {
    const entry = this.current;
    if (!entry) return undefined;
    const page = Math.floor(index / PARCEL_PAGE_SIZE);
    return (entry.pages.get(page) ?? entry.stale.get(page))?.[index % PARCEL_PAGE_SIZE];
  }

  /** Asks for the pages holding rows first…last (inclusive) that are neither here nor on their way. */
  ensure(first: number, last: number): void {
    const entry = this.current;
    // After a failure the list waits for the next query or revision instead of asking in a loop.
    if (!entry || entry.error) return;
    const lastRow = entry.total === null ? first : Math.min(last, entry.total - 1);
    for (let page = Math.floor(Math.max(0, first) / PARCEL_PAGE_SIZE); page <= Math.floor(Math.max(0, lastRow) / PARCEL_PAGE_SIZE); page++) {
      if (entry.pages.has(page) || entry.loading.has(page)) continue;
      this.load(entry, page);
    }
  }

  private load(entry: Entry, page: number): void {
    const revision = entry.revision;
    entry.loading.add(page);
    this.fetchPage({ ...entry.query, offset: page * PARCEL_PAGE_SIZE, limit: PARCEL_PAGE_SIZE }).then(
      (answer) => {
        if (entry.revision !== revision) return; // asked before verdicts changed: dropped
        entry.loading.delete(page);
        entry.pages.set(page, answer.rows);
        entry.stale.delete(page);
        if (entry.total !== answer.total) {
          // The count moved (rows added or removed): stale rows no longer line up with it.
          if (entry.total !== null) entry.stale.clear();
          entry.total = answer.total;
        }
        entry.error = null;
        if (entry === this.current) this.onChange();
      },
      (error: unknown) => {
        if (entry.revision !== revision) return;
        entry.loading.delete(page);
        entry.error = error;
        if (entry === this.current) this.onChange();
      },
    );
  }
}
