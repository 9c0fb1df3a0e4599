import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { RawRequest } from '../protocols/raw-request.ts';

const EMPTY = Buffer.alloc(0);

/** The request as the wire delivered it: Node keeps the raw target and header values for us. */
export function toRawRequest(request: FastifyRequest): RawRequest {
  return rawRequestOf(request.method, request.raw.url ?? '/', request.headers, Buffer.isBuffer(request.body) ? request.body : EMPTY);
}

/** A RawRequest of Node's request line, headers (repeated ones joined with ", ") and body bytes. */
export function rawRequestOf(method: string, url: string, nodeHeaders: IncomingHttpHeaders, body: Buffer): RawRequest {
  const headers: Record<string, string | undefined> = {};
  // for…in rather than Object.entries: no array per header on every request.
  for (const name in nodeHeaders) {
    const value = nodeHeaders[name];
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method, url, headers, body };
}
