import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RawRequest } from '../protocols/raw-request.ts';
import type { AlibabaReply } from '../protocols/alibaba/index.ts';
import { isAlibabaRequest } from '../protocols/alibaba/index.ts';
import { rawRequestOf } from './raw.ts';
import { NO_BODY, ignoreClientGone, sendDirectAnswer, type DirectAnswer } from './direct-answer.ts';

// An AlibabaReply already is the status, headers and body a direct answer writes.
const directAnswerOf = (reply: AlibabaReply): DirectAnswer => reply;

/**
 * Answers the Alibaba RPC v1 GET (every parameter in the query, no body: how pop-core and the
 * benchmarks call) straight from Node's request event, as tc3-direct.ts does for Tencent's JSON
 * POSTs: Fastify's request and reply objects, routing and its querystring parse cost about as much
 * as the v1 parse and signature check. The answer is the one the gateway gives through Fastify
 * (same status, headers and body). Returns false, having touched nothing, for any other request.
 */
export function alibabaDirectHandler(answer: (raw: RawRequest) => Promise<AlibabaReply>, logger: Logger) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const { headers, url } = request;
    if (request.method !== 'GET' || url === undefined || !url.startsWith('/?')) return false;
    if (headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0')) return false;
    const raw = rawRequestOf('GET', url, headers, NO_BODY);
    if (!isAlibabaRequest(raw)) return false;
    ignoreClientGone(request);
    request.resume().on('end', () => {
      sendDirectAnswer(response, answer(raw), directAnswerOf, logger, 'unexpected failure answering an Alibaba API call');
    });
    return true;
  };
}
