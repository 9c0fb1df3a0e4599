import type { FastifyRequest } from 'fastify';
import type { RawRequest } from '../protocols/raw-request.ts';

const EMPTY = Buffer.alloc(0);

/** The request as the wire delivered it: Node keeps the raw target and header values for us. */
export function toRawRequest(request: FastifyRequest): RawRequest {
  const headers: Record<string, string | undefined> = {};
  // for…in rather than Object.entries: no array per header on every request.
  for (const name in request.headers) {
    const value = request.headers[name];
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: request.method,
    url: request.raw.url ?? '/',
    headers,
    body: Buffer.isBuffer(request.body) ? request.body : EMPTY,
  };
}
