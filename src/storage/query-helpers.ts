import { SqliteAdapter, sql, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';

/** True when `db` runs on SQLite (some statements and schema changes take another route there). */
export const isSqlite = <DB>(db: Kysely<DB>): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

/** The rows of one page. */
export type PageSlice = { readonly limit: number; readonly offset: number };

/** Rows of one page, or every row. */
export type PageWindow = PageSlice | 'all';

/** Page `pageNumber` (from 1) of `pageSize` rows. */
export const pageAt = (pageNumber: number, pageSize: number): PageSlice => ({ limit: pageSize, offset: (pageNumber - 1) * pageSize });

/**
 * Case-insensitive "column contains keyword" with LIKE wildcards in the keyword taken literally;
 * the same SQL on SQLite and PostgreSQL.
 */
export function contains(column: string, keyword: string): RawBuilder<SqlBool> {
  const escaped = keyword.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escaped}%`} escape '\\'`;
}

/** Applies a page window to a select query. */
export function page<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, window: PageWindow): SelectQueryBuilder<DB, TB, O> {
  return window === 'all' ? query : query.limit(window.limit).offset(window.offset);
}
