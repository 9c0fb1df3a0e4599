import { Server as NetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';

const QUIET_MS = 100;
const HOLD_MS = 50;
const DEADLINE_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** In-flight requests of a server and the shutdown that waits for them. */
export interface InFlight {
  /** True once a shutdown has begun: /readyz answers 503 so load balancers stop sending. */
  readonly draining: boolean;
  /**
   * The shutdown sequence: report draining at once, keep serving for `graceMs` (load balancers
   * polling /readyz notice meanwhile), close the listener, then resolve once no request has been
   * active for a quiet moment (or after a deadline). The caller then closes the server.
   */
  drain(graceMs: number): Promise<void>;
}

/**
 * Tracks in-flight requests so a shutdown can wait for them, and marks answers given while
 * draining with `Connection: close` so keep-alive clients reconnect elsewhere.
 * Call before the server starts listening.
 */
export function trackInFlight(app: FastifyInstance): InFlight {
  let active = 0;
  let draining = false;
  // Callback-style hooks: an async hook costs every request a promise.
  app.addHook('onRequest', (_request, reply, done) => {
    active += 1;
    // 'close' fires once whether the answer went out or the client went away mid-request.
    reply.raw.once('close', () => {
      active -= 1;
    });
    done();
  });
  // While the listener closes, answers wait (see drain).
  let held: (() => void)[] | undefined;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!draining) return done(null, payload);
    reply.header('connection', 'close');
    if (held === undefined) done(null, payload);
    else held.push(() => done(null, payload));
  });

  /**
   * Stops listening. The kernel completes handshakes on its own and resets every connection still
   * in the accept queue when the socket closes (one attempted afterwards is refused). A client
   * that has just had its answer opens its next connection at once, straight into that queue, so
   * answers are held back for HOLD_MS while connections already on their way are accepted, and
   * the socket closes in a check phase, just after libuv accepted what was queued at its poll.
   * net's close rather than http's: http's would also drop idle keep-alive connections, on which a
   * request may already be on its way; they are closed once in-flight requests are done.
   */
  async function closeListener(): Promise<void> {
    held = [];
    await sleep(HOLD_MS);
    await checkPhase();
    // Its callback would wait for every connection to end: drain waits for requests instead.
    NetServer.prototype.close.call(app.server);
    const answers = held;
    held = undefined;
    for (const send of answers) send();
  }

  return {
    get draining() {
      return draining;
    },
    async drain(graceMs) {
      draining = true;
      await sleep(graceMs);
      await closeListener();
      // Connections accepted before the close may still hold a request the event loop has not
      // read yet: they count as in flight until a quiet moment has passed.
      const deadline = Date.now() + DEADLINE_MS;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        await sleep(10);
        if (active > 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= QUIET_MS) break;
      }
    },
  };
}

const checkPhase = () => new Promise((resolve) => setImmediate(resolve));
