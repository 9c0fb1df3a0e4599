import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { PageWindow } from '../validation.ts';

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
