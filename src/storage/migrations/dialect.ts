import { SqliteAdapter, type Kysely } from 'kysely';

/** True when a migration runs on SQLite (some schema changes take another route there). */
export const isSqlite = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof SqliteAdapter;
