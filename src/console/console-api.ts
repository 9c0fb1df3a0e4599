import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.ts';
import { validateLikeTheAdminApi } from '../admin/admin-api.ts';
import { findAccount } from '../core/accounts.ts';
import { openSession, SessionRefused, type Session } from './session.ts';
import { ConsoleError, type Access, type ConsoleRoute } from './console-route.ts';
import { CONSOLE_ROUTES } from './routes/index.ts';
import { endCallStreams } from './routes/emulator.ts';

export const CONSOLE_API_PREFIX = '/console/api/v1';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call a console route; a route without one (the emulator controls) is admin only. */
    consoleAccess?: Access;
    /** The SSE stream: `EventSource` cannot send headers, so the token may come as `?access_token=`. */
    tokenInQuery?: boolean;
  }
  interface FastifyRequest {
    consoleRequestId: string;
    consoleSession: Session | undefined;
  }
}

/** Every route registered under the console API, by the server it belongs to: the tenant matrix test walks it. */
const registeredRoutes = new WeakMap<object, { method: string; url: string; access: Access }[]>();

/** The console routes a built server answers (method, full URL, who may call it). */
export const consoleRoutesOf = (app: FastifyInstance) => registeredRoutes.get(app.server) ?? [];

/**
 * The console's JSON API: sign-in, then routes where an account session reaches only its own
 * account (checked here, for every route, before any handler runs). `emulatorControls` mounts
 * the emulator's own control routes under `/emulator` for admin sessions.
 */
export async function registerConsoleApi(app: FastifyInstance, runtime: Runtime, emulatorControls: (scope: FastifyInstance) => void): Promise<void> {
  const routes: { method: string; url: string; access: Access }[] = [];
  registeredRoutes.set(app.server, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, access: route.config?.consoleAccess ?? 'admin' });
  });
  validateLikeTheAdminApi(app);
  app.decorateRequest('consoleRequestId', '');
  app.decorateRequest('consoleSession', undefined);
  // An upload stays a stream: the import writes it to a file instead of buffering it.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
  app.addHook('onRequest', async (request, reply) => {
    request.consoleRequestId = randomUUID();
    void reply.header('x-request-id', request.consoleRequestId);
    await authorise(runtime, request);
  });
  // Every error names the request, whoever wrote it (this API, the admin API's validation, the emulator controls).
  app.addHook('preSerialization', async (request, _reply, payload: unknown) => {
    const error = (payload as { error?: Record<string, unknown> } | null)?.error;
    return error && typeof error === 'object' && !('requestId' in error) ? { error: { ...error, requestId: request.consoleRequestId } } : payload;
  });
  app.setNotFoundHandler(async (request) => {
    throw new ConsoleError(404, 'NotFound', `the console API has no route ${request.method} ${request.url.split('?')[0]}`);
  });
  for (const route of CONSOLE_ROUTES) registerRoute(app, runtime, route);
  // A live call stream never ends by itself: closing would wait for every watcher to leave.
  app.addHook('preClose', async () => endCallStreams(runtime));
  await app.register(async (scope) => emulatorControls(scope), { prefix: '/emulator' });
}

function registerRoute(app: FastifyInstance, runtime: Runtime, route: ConsoleRoute): void {
  app.route({
    method: route.method,
    url: route.url,
    schema: route.schema,
    config: { consoleAccess: route.access, tokenInQuery: route.url.endsWith('/stream') },
    handler: async (request, reply) =>
      route.handle({
        runtime,
        session: request.consoleSession!,
        params: request.params as never,
        query: request.query as never,
        body: request.body as never,
        request,
        reply,
      }),
  });
}

/**
 * Opens the request's session and applies its route's access rule. An account session asking for
 * another account is told the account does not exist (404), never that it is forbidden.
 */
async function authorise(runtime: Runtime, request: FastifyRequest): Promise<void> {
  const { consoleAccess = 'admin', tokenInQuery = false } = request.routeOptions.config;
  if (consoleAccess === 'public') return;
  const header = request.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7) : tokenInQuery ? (request.query as { access_token?: string }).access_token : undefined;
  if (!token) throw new ConsoleError(401, 'Unauthorized', 'sign in first: send Authorization: Bearer <session token>');
  try {
    request.consoleSession = await openSession(runtime, token);
  } catch (error) {
    if (error instanceof SessionRefused) throw new ConsoleError(401, error.code, error.message);
    throw error;
  }
  const session = request.consoleSession;
  if (consoleAccess === 'session') return;
  if (consoleAccess === 'admin') {
    if (session.role !== 'admin') throw new ConsoleError(403, 'Forbidden', 'only an admin session may do this');
    return;
  }
  const { accountId } = request.params as { accountId?: string };
  if (accountId === undefined) throw new Error(`console route ${request.url} is 'own' without an :accountId`);
  const ownAccount = session.role === 'admin' || session.accountId === accountId;
  if (!ownAccount || !(await findAccount(runtime.store.db, accountId))) throw new ConsoleError(404, 'AccountNotFound', `no account ${accountId}`);
}
