import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RawRequest } from '../protocols/raw-request.ts';
import { JSON_CONTENT_TYPE } from '../protocols/tencent/index.ts';
import { isAlibabaRequest } from '../protocols/alibaba/index.ts';
import { rawRequestOf } from './raw.ts';
import { NO_BODY, ignoreClientGone, sendDirectAnswer, type DirectAnswer } from './direct-answer.ts';

const JSON_HEADERS = { 'content-type': JSON_CONTENT_TYPE };
const jsonAnswer = (json: string): DirectAnswer => ({ status: 200, headers: JSON_HEADERS, body: json });

/**
 * Answers the Tencent API's usual request, a TC3-signed JSON POST to `/` with a Content-Length
 * within `bodyLimit`, straight from Node's request event: Fastify's request and reply objects,
 * routing and body parser cost about as much as the gateway's own parsing. The answer is the one
 * the gateway gives through Fastify (same body, HTTP 200, `Content-Type: application/json`).
 * Returns false, having touched nothing, for any other request: Fastify then handles it, with its
 * parser's refusals (a body over the limit, a chunked or malformed body) answered as before.
 */
export function tc3DirectHandler(answer: (raw: RawRequest) => Promise<string>, bodyLimit: number, logger: Logger) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const { headers } = request;
    if (request.method !== 'POST' || request.url !== '/' || headers['content-type'] !== JSON_CONTENT_TYPE) return false;
    if (headers['transfer-encoding'] !== undefined || !headers.authorization?.startsWith('TC3-')) return false;
    const length = Number(headers['content-length'] ?? Number.NaN);
    if (!(length <= bodyLimit)) return false;
    // Alibaba's markers are in headers or a form body, never in a JSON one: the headers decide.
    if (isAlibabaRequest(rawRequestOf('POST', '/', headers, NO_BODY))) return false;

    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    ignoreClientGone(request);
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      sendDirectAnswer(response, answer(rawRequestOf('POST', '/', headers, body)), jsonAnswer, logger, 'unexpected failure answering a Tencent API call');
    });
    return true;
  };
}
