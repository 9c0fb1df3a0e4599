import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** The body of a request the direct handlers judge by its headers or query alone. */
export const NO_BODY = Buffer.alloc(0);

/** What a direct handler writes: status, headers (Content-Length is added) and body. */
export interface DirectAnswer {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string;
}

const ignore = () => {};

/** A client gone mid-request: there is nobody left to answer, so its socket error is not thrown. */
export function ignoreClientGone(request: IncomingMessage): void {
  request.on('error', ignore);
}

/**
 * Writes the answer once it is ready (`pending`, turned into status, headers and body by `toAnswer`),
 * as the gateway would through Fastify; an unexpected failure is logged with `failure` as its
 * message and answered 500 with no body (no stack trace leaks).
 */
export function sendDirectAnswer<T>(response: ServerResponse, pending: Promise<T>, toAnswer: (value: T) => DirectAnswer, logger: Logger, failure: string): void {
  pending.then(
    (value) => {
      const { status, headers, body } = toAnswer(value);
      response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    },
    (error: unknown) => {
      logger.error({ err: error }, failure);
      response.writeHead(500).end();
    },
  );
}
