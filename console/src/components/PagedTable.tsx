import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, type Page } from '../api.ts';
import { ErrorNote } from './common.tsx';

export interface Column<T> {
  readonly title: string;
  readonly cell: (row: T) => ReactNode;
}

export interface PagedTableProps<T> {
  /** The list's API path; paged on the server with `limit` and `cursor`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly columns: readonly Column<T>[];
  readonly rowKey: (row: T) => string;
  /** Names the column the server's `q` prefix search applies to; no search box without it. */
  readonly searchLabel?: string;
  /** Filters beside the search box (selects), already reflected in `query`. */
  readonly filters?: ReactNode;
  /** Changing it reloads the first page (after a create, an import…). */
  readonly refresh?: number;
  readonly empty?: string;
  readonly caption: string;
  readonly pageSize?: number;
}

/** A server-paged list with a prefix search box and a "Load more" button. */
export function PagedTable<T>({ path, query = {}, columns, rowKey, searchLabel, filters, refresh = 0, empty = 'Nothing here yet.', caption, pageSize = 50 }: PagedTableProps<T>) {
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [total, setTotal] = useState<number | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const queryKey = JSON.stringify(query);

  const load = async (cursor: string | null, live: () => boolean = () => true) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api<Page<T>>(path, { query: { ...query, q: q || undefined, limit: pageSize, cursor: cursor ?? undefined } });
      if (!live()) return;
      setRows((previous) => (cursor === null ? page.items : [...previous, ...page.items]));
      setNext(page.nextCursor);
      setTotal(page.total);
    } catch (caught) {
      if (live()) setError(caught);
    } finally {
      if (live()) setLoading(false);
    }
  };

  useEffect(() => {
    let live = true;
    void load(null, () => live);
    return () => {
      live = false;
    };
    // Reload from the first page whenever what is asked for changes.
  }, [path, queryKey, q, refresh]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQ(search.trim());
  };

  return (
    <div className="paged">
      {(searchLabel || filters) && (
        <form className="toolbar" onSubmit={submit} role="search" aria-label={`Search ${caption}`}>
          {searchLabel && (
            <label>
              {searchLabel}
              <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="starts with…" />
            </label>
          )}
          {filters}
          {searchLabel && <button type="submit">Search</button>}
        </form>
      )}
      <ErrorNote error={error} />
      <div className="table-wrap">
        <table>
          <caption>
            {caption}
            {total !== undefined && <span className="muted"> · {total.toLocaleString()} in all</span>}
          </caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.title} scope="col">
                  {column.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.title} data-label={column.title}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && rows.length === 0 && !error && <p className="muted">{empty}</p>}
      <div className="pager">
        <span className="muted" aria-live="polite">
          {loading ? 'Loading…' : `${rows.length.toLocaleString()} shown`}
        </span>
        {next !== null && (
          <button type="button" onClick={() => load(next)} disabled={loading}>
            Load more
          </button>
        )}
      </div>
    </div>
  );
}
