// Writing connections of a SQLite file store and their group commit (see atomic-write.ts), shared
// by the writer thread (sqlite-writer.worker.js) and the event loop's connection for small writes
// (sqlite-writer.ts). Plain JavaScript so the thread starts without a TypeScript loader.
import Database from 'better-sqlite3';

const STATEMENT_CACHE_SIZE = 500;
const WAL_FILE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Opens a writing connection: WAL, commits that do not fsync (the checkpoint does), foreign keys.
 * With `checkpointsElsewhere`, commits leave the WAL to the checkpointer thread.
 */
export function openWritingConnection(file, { busyTimeoutMs, checkpointsElsewhere }) {
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (checkpointsElsewhere) db.pragma('wal_autocheckpoint = 0');
    // A WAL started over keeps its file, as large as the busiest second made it; beyond this it is cut back.
    db.pragma(`journal_size_limit = ${WAL_FILE_LIMIT_BYTES}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Kysely's SQL text repeats (queries are built from a fixed set of shapes); preparing costs more
 * than running a point write, so prepared statements are kept.
 */
export function statementCache(db) {
  const statements = new Map();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value);
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

/** What callers inspect of an error (errors do not keep their own properties across threads). */
export const failure = (error) => ({ name: error.name, message: error.message, code: error.code, statement: error.statement });

/**
 * Commits groups of atomic writes on `db`: `writeGroup(writes)` (each write an array of
 * { sql, parameters, expectedChanges? }) returns { outcomes: [{} | { error }, …] }, one per write,
 * or { notBegun: error } when BEGIN IMMEDIATE failed (another process held the write lock past
 * busy_timeout); it throws when the group failed as a whole.
 */
export function groupCommitter(db, prepare) {
  /** Runs one atomic write's statements, throwing when one misses its expected change count. */
  function runAtomic(statements) {
    statements.forEach(({ sql, parameters, expectedChanges }, index) => {
      const { changes } = prepare(sql).run(parameters);
      if (expectedChanges !== undefined && changes !== expectedChanges) {
        throw Object.assign(new Error(`statement ${index} of an atomic write changed ${changes} rows where ${expectedChanges} were expected`), {
          code: 'FLEETGATE_UNMET_EXPECTATION',
          statement: index,
        });
      }
    });
  }

  // One write, one transaction: nothing else runs on this connection until it commits or rolls back.
  const transact = db.transaction((statements) => {
    runAtomic(statements);
    return {};
  });

  // BEGIN IMMEDIATE (as the dialect's own BEGIN: another process's writer is waited for up front)
  // either began the transaction, and its body ran, or failed before it.
  let began = false;

  // The fallback of a group commit that failed: every write of the group is a savepoint
  // (better-sqlite3 nests transact so) that rolls back alone when it fails; the group commits
  // once. Should SQLite have ended the whole transaction (an I/O error, a full disk), nothing of
  // the group stays: it fails as a whole.
  const transactGroup = db.transaction((writes) => {
    began = true;
    return writes.map((statements) => {
      try {
        transact(statements);
        return {};
      } catch (error) {
        if (!db.inTransaction) throw error;
        return { error: failure(error) };
      }
    });
  });

  // The same group without a savepoint per write, for when none fails (most groups): a savepoint
  // copies every page its write changes to the statement journal first. Any failure rolls the
  // whole group back, and it runs again with its savepoints.
  const transactAll = db.transaction((writes) => {
    began = true;
    for (const statements of writes) runAtomic(statements);
    return writes.map(() => ({}));
  });

  /** { outcomes }, or { notBegun } when BEGIN failed (nothing ran); throws when the transaction failed after it began. */
  function immediately(transaction, writes) {
    began = false;
    try {
      return { outcomes: transaction.immediate(writes) };
    } catch (error) {
      if (!began) return { notBegun: error };
      throw error;
    }
  }

  return {
    writeGroup(writes) {
      // Inside an open transaction better-sqlite3 would nest the group as a savepoint that commits with the outer one.
      if (db.inTransaction) throw new Error('not run: an atomic write cannot join an open transaction');
      try {
        // Never begun: the group fails as a whole at once, rather than waiting out the timeout a second time.
        return immediately(transactAll, writes);
      } catch (error) {
        // Rolled back: nothing of the group stays. A lone write has failed; a group runs again
        // with a savepoint per write, so that each succeeds or fails alone (or, should another
        // process take the lock in between, not at all: { notBegun }).
        if (writes.length === 1) return { outcomes: [{ error: failure(error) }] };
      }
      return immediately(transactGroup, writes);
    },
  };
}
