import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';

/** A row's position in a keyset order: the values of the order's columns, in order. */
export type KeysetPosition = readonly (string | number)[];

/** One keyset page to read: after `after` (the first page when absent), at most `limit` rows. */
export interface KeysetPage {
  readonly after?: KeysetPosition | undefined;
  readonly limit: number;
}

/**
 * An order that pages by key: unique columns, all in one direction, so that "after this row" is
 * a single row-value comparison an index answers (never an OFFSET).
 */
export interface KeysetOrder<Row> {
  readonly columns: readonly string[];
  readonly direction: 'asc' | 'desc';
  /** The position of a row read in this order. */
  position(row: Row): KeysetPosition;
}

/** Rows of one page and the position the next page starts after (undefined on the last page). */
export interface Keyed<Row> {
  readonly rows: Row[];
  readonly next: KeysetPosition | undefined;
}

/**
 * Reads one page of `query` in `order`: one row more than asked tells whether another page
 * follows. `query` must already be scoped (account first) and filtered.
 */
export async function readKeysetPage<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  order: KeysetOrder<Row>,
  page: KeysetPage,
): Promise<Keyed<Row>> {
  const columns = sql.join(order.columns.map((column) => sql.ref(column)));
  let paged = query;
  if (page.after) {
    if (page.after.length !== order.columns.length) throw new RangeError('a keyset position has one value per order column');
    const comparison = order.direction === 'asc' ? sql.raw('>') : sql.raw('<');
    paged = paged.where(sql<SqlBool>`(${columns}) ${comparison} (${sql.join(page.after)})`);
  }
  for (const column of order.columns) paged = paged.orderBy(sql.ref(column), order.direction);
  const rows = await paged.limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  if (more) rows.length = page.limit;
  return { rows, next: more ? order.position(rows[rows.length - 1]!) : undefined };
}

/**
 * "column starts with prefix", in a form an index on the column serves on both engines: a range
 * (which the index scans) narrowed to the exact prefix (a collation may sort other strings into
 * the range; SQLite's LIKE would ignore case and skip the index).
 */
export function startsWith(column: string, prefix: string) {
  const characters = [...prefix];
  const last = characters.pop()!;
  const upper = characters.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
  const ref = sql.ref(column);
  return sql<SqlBool>`(${ref} >= ${prefix} and ${ref} < ${upper} and substr(${ref}, 1, ${characters.length + 1}) = ${prefix})`;
}
