import { Server as NetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';

const QUIET_MS = 100;
const DEADLINE_MS = 25_000;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Tracks in-flight requests so a shutdown can wait for them, and marks answers given while
 * shutting down with `Connection: close` so keep-alive clients reconnect elsewhere.
 * Call before the server starts listening.
 */
export function trackInFlight(app: FastifyInstance): { drain(): Promise<void> } {
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
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });

  return {
    /**
     * Stops accepting connections and resolves once no request has been active for a quiet
     * moment (or at the deadline). Connections the kernel already accepted into the backlog,
     * and requests already in socket buffers, count as in flight: a busy event loop may not have
     * read them yet, so the listener closes only after a few more turns of the loop.
     */
    async drain() {
      draining = true;
      for (let i = 0; i < 3; i++) await nextTurn();
      // net's close stops listening but, unlike http's, leaves idle keep-alive sockets open so
      // requests already written to them are still read and answered.
      await new Promise<void>((resolve) => NetServer.prototype.close.call(app.server, () => resolve()).unref?.());
      const deadline = Date.now() + DEADLINE_MS;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (active > 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= QUIET_MS) break;
      }
    },
  };
}
