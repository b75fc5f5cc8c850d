/**
 * The attribute table's page cache, after parcel-pages.ts: rows are asked for a page at a time
 * as they scroll into view and kept per query, so going back to an earlier sort or search shows
 * it at once. An answer for a query that is no longer shown still lands in its own entry; an
 * answer for an older revision is dropped. Knows nothing of React.
 */
import type { AttributeTableColumn, AttributeTablePage, AttributeTableQuery } from '../../shared/api/contract';

export const ATTRIBUTE_PAGE_SIZE = 100;

export type AttributeListQuery = Omit<AttributeTableQuery, 'offset' | 'limit'>;
export type AttributeRow = AttributeTablePage['rows'][number];

interface Entry {
  query: AttributeListQuery;
  revision: string;
  total: number | null;
  columns: AttributeTableColumn[] | null;
  pages: Map<number, AttributeRow[]>;
  loading: Set<number>;
  error: unknown;
}

export class AttributePages {
  private readonly entries = new Map<string, Entry>();
  private current: Entry | null = null;
  /** Columns of the layer, kept across queries so headers do not vanish while a new sort loads. */
  private lastColumns: AttributeTableColumn[] | null = null;

  constructor(
    private readonly fetchPage: (query: AttributeTableQuery) => Promise<AttributeTablePage>,
    private readonly onChange: () => void,
    private readonly maxQueries = 8,
  ) {}

  show(query: AttributeListQuery, revision: string): void {
    const key = JSON.stringify(query);
    let entry = this.entries.get(key);
    if (entry && entry.revision !== revision) entry = undefined;
    if (!entry) {
      entry = { query, revision, total: null, columns: null, pages: new Map(), loading: new Set(), error: null };
      if (this.entries.size >= this.maxQueries) this.entries.delete(this.entries.keys().next().value!);
    } else this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.current?.query.table !== query.table) this.lastColumns = null;
    this.current = entry;
  }

  get total(): number | null {
    return this.current?.total ?? null;
  }

  get columns(): AttributeTableColumn[] | null {
    return this.current?.columns ?? this.lastColumns;
  }

  get error(): unknown {
    return this.current?.error ?? null;
  }

  row(index: number): AttributeRow | undefined {
    return this.current?.pages.get(Math.floor(index / ATTRIBUTE_PAGE_SIZE))?.[index % ATTRIBUTE_PAGE_SIZE];
  }

  /** Every loaded row of the shown query with its index (to find the selected feature's row). */
  *loaded(): Generator<{ index: number; row: AttributeRow }> {
    for (const [page, rows] of this.current?.pages ?? []) for (let i = 0; i < rows.length; i++) yield { index: page * ATTRIBUTE_PAGE_SIZE + i, row: rows[i] };
  }

  /** Asks for the pages holding rows first…last (inclusive) that are neither here nor on their way. */
  ensure(first: number, last: number): void {
    const entry = this.current;
    // After a failure the table waits for the next query instead of asking in a loop.
    if (!entry || entry.error) return;
    const lastRow = entry.total === null ? first : Math.min(last, entry.total - 1);
    for (let page = Math.floor(Math.max(0, first) / ATTRIBUTE_PAGE_SIZE); page <= Math.floor(Math.max(0, lastRow) / ATTRIBUTE_PAGE_SIZE); page++) {
      if (entry.pages.has(page) || entry.loading.has(page)) continue;
      this.load(entry, page);
    }
  }

  private load(entry: Entry, page: number): void {
    entry.loading.add(page);
    this.fetchPage({ ...entry.query, offset: page * ATTRIBUTE_PAGE_SIZE, limit: ATTRIBUTE_PAGE_SIZE }).then(
      (answer) => {
        entry.loading.delete(page);
        entry.pages.set(page, answer.rows);
        entry.total = answer.total;
        entry.columns = answer.columns;
        entry.error = null;
        if (entry === this.current) {
          this.lastColumns = answer.columns;
          this.onChange();
        }
      },
      (error: unknown) => {
        entry.loading.delete(page);
        entry.error = error;
        if (entry === this.current) this.onChange();
      },
    );
  }
}
