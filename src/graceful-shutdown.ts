import type { IncomingMessage, ServerResponse } from 'node:http';
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
  const active = new AnswerSlots();
  let draining = false;
  // While the listener closes, answers wait (see drain): what they would have sent, in order.
  let held: (() => void)[] | undefined;
  // Tracked on the HTTP server itself, ahead of Fastify's listener: Fastify hooks (onRequest and
  // onSend) would cost every request two hook runs.
  app.server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    const slot = active.add(response);
    // 'close' fires once whether the answer went out or the client went away mid-request.
    response.on('close', () => active.free(slot, response));
    if (draining) whileDraining(response);
  });

  /**
   * An answer given while draining says `Connection: close`, and waits while the listener closes:
   * its writes are queued then, and replayed in order once it has closed.
   */
  function whileDraining(response: ServerResponse): void {
    if (response.headersSent) return;
    response.setHeader('connection', 'close');
    const write = response.write.bind(response) as (...args: unknown[]) => boolean;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.write = ((...args: unknown[]) => (held ? (held.push(() => write(...args)), true) : write(...args))) as ServerResponse['write'];
    response.end = ((...args: unknown[]) => (held ? (held.push(() => end(...args)), response) : end(...args))) as ServerResponse['end'];
  }

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
      for (const response of active) whileDraining(response);
      await sleep(graceMs);
      await closeListener();
      // Connections accepted before the close may still hold a request the event loop has not
      // read yet: they count as in flight until a quiet moment has passed.
      const deadline = Date.now() + DEADLINE_MS;
      let quietSince = Date.now();
      while (Date.now() < deadline) {
        await sleep(10);
        if (active.size > 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= QUIET_MS) break;
      }
    },
  };
}

const checkPhase = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The answers in flight, each in a numbered slot that its end frees for the next. Not a Set: with
 * a Set that every request added to and deleted from, each scavenge under load promoted about
 * 1.5 MB to the old generation instead of 44 KB, and paused 6-7 ms instead of 1.5 (`--trace-gc-nvp`,
 * 8,000 requests/s; bench/README.md, fourth pass).
 */
class AnswerSlots {
  readonly #answers: (ServerResponse | undefined)[] = [];
  readonly #freed: number[] = [];

  /** Every slot holds an answer or is free. */
  get size(): number {
    return this.#answers.length - this.#freed.length;
  }

  add(response: ServerResponse): number {
    const slot = this.#freed.pop() ?? this.#answers.length;
    this.#answers[slot] = response;
    return slot;
  }

  /** Frees the slot `response` holds; a second call for it changes nothing. */
  free(slot: number, response: ServerResponse): void {
    if (this.#answers[slot] !== response) return;
    this.#answers[slot] = undefined;
    this.#freed.push(slot);
  }

  *[Symbol.iterator](): IterableIterator<ServerResponse> {
    for (const response of this.#answers) if (response) yield response;
  }
}
