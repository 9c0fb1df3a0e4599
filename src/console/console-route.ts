import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Runtime } from '../runtime.ts';
import type { Session } from './session.ts';

/**
 * Who may call a console route:
 * - `public`: anyone (sign-in);
 * - `session`: any signed-in session;
 * - `admin`: an admin session only (an account session gets 403);
 * - `own`: an admin session, or an account session on its own `:accountId` (another account's is
 *   404, as for an account that does not exist).
 */
export type Access = 'public' | 'session' | 'admin' | 'own';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RouteSchema {
  readonly params?: TSchema;
  readonly querystring?: TSchema;
  readonly body?: TSchema;
}

type Part<S extends RouteSchema, K extends keyof RouteSchema> = S[K] extends TSchema ? Static<S[K]> : Record<string, never>;

/** What a console route's handler is given: the request's parts, validated, and the session. */
export interface ConsoleCall<S extends RouteSchema> {
  readonly runtime: Runtime;
  /** Undefined only on `public` routes. */
  readonly session: Session;
  readonly params: Part<S, 'params'>;
  readonly query: Part<S, 'querystring'>;
  readonly body: Part<S, 'body'>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface ConsoleRoute {
  readonly method: HttpMethod;
  /** Relative to the console API's base path; `:accountId` names the account an `own` route reaches. */
  readonly url: string;
  readonly access: Access;
  readonly schema: RouteSchema;
  /** The body is a CSV upload, handed over as a stream. */
  readonly csvUpload?: boolean;
  /** Answers the JSON to send (status 200), or the reply when it sent one itself. */
  readonly handle: (call: ConsoleCall<RouteSchema>) => Promise<unknown>;
}

/** Declares a console route, typing its handler from its schemas. */
export function consoleRoute<S extends RouteSchema>(route: {
  readonly method: HttpMethod;
  readonly url: string;
  readonly access: Access;
  readonly schema?: S;
  readonly csvUpload?: boolean;
  readonly handle: (call: ConsoleCall<S>) => Promise<unknown>;
}): ConsoleRoute {
  return { ...route, schema: route.schema ?? {}, handle: route.handle as ConsoleRoute['handle'] };
}

/**
 * A refusal a handler or hook throws: the error handler the console shares with the admin API
 * answers it (its `statusCode`, `code` and message) as `{ error: { code, message, requestId } }`.
 */
export class ConsoleError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (code: string, message: string): ConsoleError => new ConsoleError(404, code, message);
