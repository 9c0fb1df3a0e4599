import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Database } from './schema.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { SplitSqliteDialect } from './sqlite-writer.ts';
import { allowDirectReads } from './prepared-query.ts';
import { writeInTransaction, type GuardedStatement } from './atomic-write.ts';

export type Dialect = 'sqlite' | 'postgres';

/** The one query layer: a Kysely instance plus which engine is behind it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Runs the statements in one transaction: all of them, or none when one fails or misses its expected change count. */
  writeAtomically(statements: readonly GuardedStatement[]): Promise<void>;
  /** SQLite only: copies the live database to a file with SQLite's online backup (see snapshot.ts). */
  readonly backup?: (file: string) => Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; anything else is a SQLite file path (or ':memory:'). */
  readonly location: string;
  readonly poolSize?: number;
  /** Told about failures outside any query: a pooled PostgreSQL client lost, the checkpointer gone. */
  readonly onBackgroundError?: (error: unknown, what: string) => void;
  /** How often SQLite's checkpointer runs (tests shorten it). */
  readonly checkpointEveryMs?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Opens SQLite (WAL, foreign keys on) or a PostgreSQL pool, depending on the location. */
export function openStore(options: StoreOptions): Store {
  const onBackgroundError = options.onBackgroundError ?? (() => {});
  if (/^postgres(ql)?:\/\//.test(options.location)) return openPostgres(options.location, options.poolSize ?? 10, onBackgroundError);
  return openSqlite(options.location, options.checkpointEveryMs, onBackgroundError);
}

function openSqlite(file: string, checkpointEveryMs: number | undefined, onBackgroundError: NonNullable<StoreOptions['onBackgroundError']>): Store {
  if (file !== ':memory:') keepPrivate(file);
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('busy_timeout = 5000');
  if (connection.memory) {
    // An in-memory database lives on one connection only: it stays on the event loop.
    connection.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
    return { db, dialect: 'sqlite', writeAtomically: (statements) => writeInTransaction(db, statements), backup: backupOf(connection), close: () => db.destroy() };
  }
  // Reads only: writes go through the dialect's writing connections (see sqlite-writer.ts).
  connection.pragma('query_only = ON');
  const dialect = new SplitSqliteDialect({
    file,
    reader: withStatementCache(connection),
    onWriterFailure: (error) => onBackgroundError(error, 'SQLite writer thread lost; the next write starts another'),
  });
  const checkpointer = startCheckpointer(file, checkpointEveryMs, (error) => {
    // Without its checkpointer the WAL would grow forever: checkpoint inline again.
    dialect.checkpointInline().catch((failure: unknown) => onBackgroundError(failure, 'SQLite could not turn inline checkpoints back on'));
    onBackgroundError(error, 'SQLite checkpointer stopped; checkpointing inline again');
  });
  const db = new Kysely<Database>({ dialect });
  allowDirectReads(db, dialect.read);
  return {
    db,
    dialect: 'sqlite',
    writeAtomically: (statements) => dialect.writeAtomically(statements),
    // The reader connection sees the last commit; the backup restarts itself if a write lands meanwhile.
    backup: backupOf(connection),
    close: async () => {
      await db.destroy();
      await checkpointer.stop();
    },
  };
}

function backupOf(connection: SQLite.Database): (file: string) => Promise<void> {
  return async (file) => {
    await connection.backup(file);
  };
}

/**
 * The database holds sealed secrets and who owns what: 0600 like the data dir's other files.
 * SQLite creates its -wal and -shm files with the database file's mode, so creating the file
 * 0600 first covers them; files left by an older start are tightened as well.
 */
function keepPrivate(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    // Only files this user owns: another user's database, or one on a read-only mount, is theirs to keep.
    const stat = existsSync(path) ? statSync(path) : undefined;
    if (stat && stat.uid === process.getuid?.() && (stat.mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; preparing costs more than running a point read. Queries are
 * built from a fixed set of shapes, so their SQL text repeats: keep the prepared statements.
 * (Kysely only streams with iterate(), which Fleetgate does not use, so a cached statement is
 * never busy when it is reused.)
 */
function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statement = connection.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, max: number, onBackgroundError: NonNullable<StoreOptions['onBackgroundError']>): Store {
  // bigint columns hold epoch milliseconds and money in cents: well inside 2^53, so numbers, not strings.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
  };
  const pool = new pg.Pool({ connectionString: url, max, types: types as pg.CustomTypesConfig });
  // An idle client dropped by the server (restart, failover) is an 'error' event on the pool; unheard,
  // Node would exit. The pool replaces the client, and /readyz reports an unreachable database.
  pool.on('error', (error) => onBackgroundError(error, 'PostgreSQL dropped an idle pooled connection'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', writeAtomically: (statements) => writeInTransaction(db, statements), close: () => db.destroy() };
}

/** True when the database answers a trivial query; used by /readyz. */
export async function isReachable(store: Store): Promise<boolean> {
  try {
    await sql`select 1`.execute(store.db);
    return true;
  } catch {
    return false;
  }
}
