// The SQLite writer thread: owns the connection that every write and every transaction of a file
// store goes through (see sqlite-writer.ts). Plain JavaScript so the thread starts without a
// TypeScript loader. Messages: { id, sql, parameters, inTransaction? } → { id, rows } |
// { id, changes, lastInsertRowid } | { id, error }; { id, atomicBatch: [[{ sql, parameters,
// expectedChanges? }, …], …] } (atomic writes, see atomic-write.ts, committed as one group) →
// { id, outcomes: [{} | { error }, …] } | { id, error }; { batch: [request…] } → { batch: [reply…] },
// run in order; 'close' closes the connection.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const STATEMENT_CACHE_SIZE = 500;

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
if (workerData.checkpointsElsewhere) db.pragma('wal_autocheckpoint = 0');

// Kysely's SQL text repeats (queries are built from a fixed set of shapes); preparing costs more
// than running a point write, so prepared statements are kept.
const statements = new Map();
function prepare(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value);
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

function execute({ sql, parameters, inTransaction }) {
  // BEGIN is sent ahead without waiting: should it have failed, its transaction's statements must not run on their own.
  if (inTransaction && !db.inTransaction) throw new Error('not run: the transaction it belongs to did not begin');
  const statement = prepare(sql);
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { changes, lastInsertRowid };
}

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

// One message, one transaction: nothing else runs on this connection until it commits or rolls back.
const transact = db.transaction((statements) => {
  runAtomic(statements);
  return {};
});

const failure = (error) => ({ name: error.name, message: error.message, code: error.code, statement: error.statement });

// The fallback of a group commit that failed: every write of the group is a savepoint (better-sqlite3 nests transact so) that
// rolls back alone when it fails; the group commits once. Should SQLite have ended the whole
// transaction (an I/O error, a full disk), nothing of the group stays: it fails as a whole.
const transactGroup = db.transaction((writes) =>
  writes.map((statements) => {
    try {
      transact(statements);
      return {};
    } catch (error) {
      if (!db.inTransaction) throw error;
      return { error: failure(error) };
    }
  }),
);

// The same group without a savepoint per write, for when none fails (most groups): a savepoint
// copies every page its write changes to the statement journal first. Any failure rolls the whole
// group back, and it runs again with its savepoints.
let groupBegan = false;
const transactAll = db.transaction((writes) => {
  groupBegan = true;
  for (const statements of writes) runAtomic(statements);
  return writes.map(() => ({}));
});

function writeGroup(writes) {
  // Inside an open transaction better-sqlite3 would nest the group as a savepoint that commits with the outer one.
  if (db.inTransaction) throw new Error('not run: an atomic write cannot join an open transaction');
  // IMMEDIATE, as the dialect's own BEGIN: wait for another process's writer up front.
  groupBegan = false;
  try {
    return { outcomes: transactAll.immediate(writes) };
  } catch (error) {
    // Never begun (another process held the write lock past busy_timeout): the group fails as a
    // whole at once, rather than waiting out the timeout a second time.
    if (!groupBegan) throw error;
    // Rolled back: nothing of the group stays. A lone write has failed; a group runs again with a
    // savepoint per write, so that each succeeds or fails alone.
    if (writes.length === 1) return { outcomes: [{ error: failure(error) }] };
  }
  return { outcomes: transactGroup.immediate(writes) };
}

function answer(message) {
  try {
    return { id: message.id, ...(message.atomicBatch ? writeGroup(message.atomicBatch) : execute(message)) };
  } catch (error) {
    // Errors do not keep their own properties across threads: send what callers inspect.
    return { id: message.id, error: failure(error) };
  }
}

parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  // A batch is run in order, each request on its own, and answered in one message.
  parentPort.postMessage(message.batch ? { batch: message.batch.map(answer) } : answer(message));
});
