// The SQLite writer thread: owns the connection that transactions, lone statements and large
// atomic writes of a file store go through (see sqlite-writer.ts). Plain JavaScript so the thread
// starts without a TypeScript loader. Messages: { id, sql, parameters, inTransaction? } →
// { id, rows } | { id, changes, lastInsertRowid } | { id, error }; { id, atomicBatch: [[{ sql,
// parameters, expectedChanges? }, …], …] } (atomic writes, see atomic-write.ts, committed as one
// group) → { id, outcomes: [{} | { error }, …] } | { id, error }; { batch: [request…] } →
// { batch: [reply…] }, run in order; 'close' closes the connection.
import { parentPort, workerData } from 'node:worker_threads';
import { failure, groupCommitter, openWritingConnection, statementCache } from './sqlite-group-commit.js';

const db = openWritingConnection(workerData.file, { busyTimeoutMs: 5000, checkpointsElsewhere: workerData.checkpointsElsewhere });
const prepare = statementCache(db);
const committer = groupCommitter(db, prepare);

function execute({ sql, parameters, inTransaction }) {
  // BEGIN is sent ahead without waiting: should it have failed, its transaction's statements must not run on their own.
  if (inTransaction && !db.inTransaction) throw new Error('not run: the transaction it belongs to did not begin');
  const statement = prepare(sql);
  if (statement.reader) return { rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { changes, lastInsertRowid };
}

function writeGroup(writes) {
  const written = committer.writeGroup(writes);
  if (written.notBegun) throw written.notBegun;
  return written;
}

function answer(message) {
  try {
    return { id: message.id, ...(message.atomicBatch ? writeGroup(message.atomicBatch) : execute(message)) };
  } catch (error) {
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
