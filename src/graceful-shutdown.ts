import type { IncomingMessage, ServerResponse } from 'node:http';
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
  // Tracked on the HTTP server itself, ahead of Fastify's listener: Fastify hooks would cost every
  // request a hook run (onRequest) and another before each answer (onSend).
  const active = new Set<ServerResponse>();
  let draining = false;
  app.server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (draining) response.setHeader('connection', 'close');
    active.add(response);
    // 'close' fires once whether the answer went out or the client went away mid-request.
    response.once('close', () => active.delete(response));
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
      // Answers not yet started tell keep-alive clients to reconnect elsewhere.
      for (const response of active) if (!response.headersSent) response.setHeader('connection', 'close');
      for (let i = 0; i < 3; i++) await nextTurn();
      // net's close stops listening but, unlike http's, leaves idle keep-alive sockets open so
      // requests already written to them are still read and answered.
      await new Promise<void>((resolve) => NetServer.prototype.close.call(app.server, () => resolve()).unref?.());
      const deadline = Date.now() + DEADLINE_MS;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (active.size > 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= QUIET_MS) break;
      }
    },
  };
}
