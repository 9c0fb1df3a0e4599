import type { FastifyError, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';

/** Admin API error body: `{ "error": { "code": "...", "message": "..." } }`. */
export const AdminErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

export function sendAdminError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

export function sendAccountNotFound(reply: FastifyReply, accountId: string): FastifyReply {
  return sendAdminError(reply, 404, 'AccountNotFound', `no account ${accountId}`);
}

/** Fastify's default: the longest path segment a route is given (an id, a key id, a vendor name). */
export const MAX_PATH_SEGMENT_LENGTH = 100;

/**
 * Answers what Fastify refuses before routing, in the admin shape: a path segment over
 * MAX_PATH_SEGMENT_LENGTH characters (414) or with a malformed escape (400). Only admin routes
 * have segments Fastify decodes, so only admin paths come here.
 */
export function sendUnroutablePath(error: FastifyError, reply: FastifyReply): FastifyReply {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendAdminError(reply, 414, 'PathSegmentTooLong', `a path segment is longer than ${MAX_PATH_SEGMENT_LENGTH} characters`);
  }
  if (error.code === 'FST_ERR_BAD_URL') return sendAdminError(reply, 400, 'InvalidPath', 'a path segment is not valid percent-encoded UTF-8');
  return sendAdminError(reply, 500, 'InternalError', 'internal error');
}

/** Objects to walk: parsed JSON, query and path parameters (some with null-prototype classes); never a streamed body (an upload). */
const isWalkable = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && typeof (value as { pipe?: unknown }).pipe !== 'function';

/**
 * The first string holding a NUL character in a request's path parameters, query or body, named
 * for the message (`keyId`, `body.name`); undefined when there is none. No admin field holds one,
 * and PostgreSQL refuses it in text where SQLite would store it.
 */
export function fieldWithNul(parts: Readonly<Record<string, unknown>>): string | undefined {
  // A walk with its own stack: a deeply nested body must not overflow the call stack.
  const pending: [value: unknown, at: string][] = Object.entries(parts).map(([part, value]) => [value, part === 'body' ? 'body' : '']);
  while (pending.length > 0) {
    const [value, at] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return at;
    } else if (isWalkable(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\0')) return at;
        pending.push([child, at === '' ? key : `${at}.${key}`]);
      }
    }
  }
  return undefined;
}
