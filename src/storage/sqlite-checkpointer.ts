import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const DEFAULT_EVERY_MS = 1000;
/**
 * How long a RESTART checkpoint waits for the write lock and for readers before it gives up (it
 * was then one more PASSIVE). The event loop's writing connection never waits for the lock: a
 * group that finds it taken goes to the writer thread, which does.
 */
const BUSY_MS = 20;
/** A WAL that has grown this long (about 16 MiB) since it last started over is not being started over by the commits: RESTART. */
const RESTART_AT_FRAMES = 4096;

// Runs in the worker thread: its own connection to the same file, checkpointing on a timer.
// PASSIVE never waits for readers or writers: it copies the frames the WAL held when it began, and
// SQLite starts the WAL over only once every frame is copied. Under commits that never pause that
// never happens, and the WAL grew by every commit (660 MB after 40,000 orders). So once the WAL is
// long, RESTART takes the write lock (waiting at most BUSY_MS) and, holding it, copies the frames
// committed since the PASSIVE pass and syncs the WAL and the database: the next commit starts the
// WAL over. Writers wait for that copy and sync, on the writer thread.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ${BUSY_MS}');
const checkpoint = () => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log >= ${RESTART_AT_FRAMES}) db.pragma('wal_checkpoint(RESTART)');
  } catch {}
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits
 * copies the WAL back into the database file every 1,000 pages, fsync included, inside whichever
 * request happened to cross the line; measured on ActivateHardware that was a third of the
 * handler's time. The serving connection turns auto-checkpoints off and this worker thread
 * checkpoints every second on a connection of its own. Should the worker fail, `onFailure` hears of
 * it (the caller turns inline checkpoints back on).
 */
export function startCheckpointer(file: string, everyMs = DEFAULT_EVERY_MS, onFailure: (error: unknown) => void): { stop(): Promise<void> } {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs },
  });
  worker.unref();
  let stopping = false;
  let failed = false;
  const fail = (error: unknown) => {
    if (stopping || failed) return;
    failed = true;
    onFailure(error);
  };
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      if (code !== 0) fail(new Error(`the checkpointer exited with code ${code}`));
      resolve();
    }),
  );
  return {
    async stop() {
      // Unreferenced so it never keeps a process alive, but the final checkpoint must be awaited.
      stopping = true;
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
