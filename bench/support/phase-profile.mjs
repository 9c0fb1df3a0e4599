// Preloaded into a server (NODE_OPTIONS=--import <this file>, BENCH_PHASE_PROF=<dir>) to profile
// one phase of a benchmark rather than the process's life: the first SIGUSR2 starts V8's CPU
// profiler on the main thread and on every worker thread (the SQLite writer, the checkpointer),
// the second writes their profiles to <dir>/phase.<pid>.<thread>.cpuprofile (thread 0 is the
// main thread). A benchmark's client sends the signals at its timed phase's bounds, so set-up
// (AddDevice's RSA signatures, say) stays out. Plain JavaScript: the bundle runs without tsx.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_PHASE_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  /** Worker sessions by id, each with its thread id and the replies it owes. */
  const workers = new Map();
  let nextId = 1;
  session.on('NodeWorker.attachedToWorker', ({ params }) => workers.set(params.sessionId, { thread: params.workerInfo.workerId, waiting: new Map() }));
  session.on('NodeWorker.receivedMessageFromWorker', ({ params }) => {
    const message = JSON.parse(params.message);
    const waiter = workers.get(params.sessionId)?.waiting.get(message.id);
    if (waiter) waiter(message.result);
  });
  const postToWorker = (sessionId, method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      workers.get(sessionId).waiting.set(id, resolve);
      void post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  let running = false;
  process.on('SIGUSR2', async () => {
    if (!running) {
      running = true;
      await post('NodeWorker.enable', { waitForDebuggerOnStart: false });
      await post('Profiler.enable');
      await post('Profiler.start');
      for (const sessionId of workers.keys()) {
        await postToWorker(sessionId, 'Profiler.enable');
        await postToWorker(sessionId, 'Profiler.start');
      }
      return;
    }
    running = false;
    const { profile } = await post('Profiler.stop');
    writeFileSync(join(dir, `phase.${process.pid}.0.cpuprofile`), JSON.stringify(profile));
    for (const [sessionId, { thread }] of workers) {
      const result = await postToWorker(sessionId, 'Profiler.stop');
      writeFileSync(join(dir, `phase.${process.pid}.${thread}.cpuprofile`), JSON.stringify(result.profile));
    }
  });
}
