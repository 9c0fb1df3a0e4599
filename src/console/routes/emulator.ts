import { Type } from '@sinclair/typebox';
import type { ServerResponse } from 'node:http';
import type { RecentCall } from '../../gateway/recent-calls.ts';
import type { Runtime } from '../../runtime.ts';
import { consoleRoute } from '../console-route.ts';

/** An SSE comment this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/** A watcher that lets this much pile up unread is stalled: its stream ends rather than buffer every call. */
export const STREAM_BUFFER_CAP_BYTES = 1024 * 1024;

const sseEvent = (call: RecentCall): string => `id: ${call.seq}\nevent: call\ndata: ${JSON.stringify(call)}\n\n`;

/** The call streams each server holds open: a closing server ends them, or it would wait for the watchers. */
const openStreams = new WeakMap<Runtime, Set<ServerResponse>>();

/** Ends every call stream open on this runtime's server (the console plugin calls it as the server closes). */
export function endCallStreams(runtime: Runtime): void {
  for (const stream of openStreams.get(runtime) ?? []) stream.end();
}

export const emulatorRoutes = [
  consoleRoute({
    method: 'GET',
    url: '/emulator/calls',
    access: 'admin',
    schema: {
      querystring: Type.Object(
        { limit: Type.Integer({ minimum: 1, maximum: 1_000, default: 100 }), after: Type.Integer({ minimum: 0, default: 0, description: 'only calls with a greater seq' }) },
        { additionalProperties: false },
      ),
    },
    handle: async ({ runtime, query }) => ({ items: runtime.recentCalls.list(query.limit, query.after) }),
  }),
  consoleRoute({
    method: 'GET',
    url: '/emulator/calls/stream',
    access: 'admin',
    schema: { querystring: Type.Object({ access_token: Type.Optional(Type.String({ maxLength: 4_000 })) }, { additionalProperties: false }) },
    async handle({ runtime, request, reply }) {
      const lastSeen = Number(request.headers['last-event-id']);
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-request-id': request.consoleRequestId,
      });
      const streams = openStreams.get(runtime) ?? new Set<ServerResponse>();
      openStreams.set(runtime, streams);
      streams.add(stream);
      // A stalled watcher is cut off; its EventSource reconnects with Last-Event-ID and catches up from the recent calls.
      const send = (text: string): void => {
        if (stream.writableEnded) return;
        if (stream.writableLength > STREAM_BUFFER_CAP_BYTES) stream.destroy();
        else stream.write(text);
      };
      // A reconnecting EventSource sends the last id it saw: what it missed comes first, oldest first.
      if (Number.isSafeInteger(lastSeen) && lastSeen >= 0) for (const call of runtime.recentCalls.list(runtime.recentCalls.capacity, lastSeen).reverse()) send(sseEvent(call));
      send(': connected\n\n');
      const stop = runtime.recentCalls.subscribe((call) => send(sseEvent(call)));
      const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      stream.on('close', () => {
        streams.delete(stream);
        stop();
        clearInterval(keepalive);
      });
    },
  }),
];
