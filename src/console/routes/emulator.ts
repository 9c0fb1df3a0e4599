import { Type } from '@sinclair/typebox';
import type { RecentCall } from '../../gateway/recent-calls.ts';
import { consoleRoute } from '../console-route.ts';

/** An SSE comment this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

const sseEvent = (call: RecentCall): string => `id: ${call.seq}\nevent: call\ndata: ${JSON.stringify(call)}\n\n`;

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
      // A reconnecting EventSource sends the last id it saw: what it missed comes first, oldest first.
      if (Number.isSafeInteger(lastSeen) && lastSeen >= 0) for (const call of runtime.recentCalls.list(runtime.recentCalls.capacity, lastSeen).reverse()) stream.write(sseEvent(call));
      stream.write(': connected\n\n');
      const stop = runtime.recentCalls.subscribe((call) => stream.write(sseEvent(call)));
      const keepalive = setInterval(() => stream.write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      request.raw.on('close', () => {
        stop();
        clearInterval(keepalive);
      });
    },
  }),
];
