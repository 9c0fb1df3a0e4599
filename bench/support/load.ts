/**
 * Runs one autocannon load in its own process, so the load generator never shares an event loop
 * with the server it measures. Input: a JSON LoadSpec as argv[2]; output: one JSON line.
 */
import autocannon from 'autocannon';
import { alibabaV1Target, type AlibabaV1Signing } from './alibaba-v1-client.ts';
import { alibabaDynregBody, type AlibabaDynregSigning } from './alibaba-dynreg-client.ts';

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly alibabaV1?: AlibabaV1Signing;
  /** Each request a device registration of its own (a body with a fresh random), instead of `body`. */
  readonly alibabaDynreg?: AlibabaDynregSigning;
}

/** More than any server here answers in a second. */
const PRESIGNED_PER_SECOND = 20_000;

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const signing = spec.alibabaV1;
// Signed ahead (each with its own nonce) so that signing does not take CPU from the servers
// during the round; should a round outrun them, the rest are signed as they are sent.
const presigned = signing ? Array.from({ length: Math.ceil(spec.seconds * PRESIGNED_PER_SECOND) }, () => alibabaV1Target(signing)) : [];
const dynreg = spec.alibabaDynreg;
const presignedBodies = dynreg ? Array.from({ length: Math.ceil(spec.seconds * PRESIGNED_PER_SECOND) }, () => alibabaDynregBody(dynreg)) : [];
let sent = 0;
const requests: autocannon.Request[] | undefined = signing
  ? [{ setupRequest: (request) => ({ ...request, path: presigned[sent++] ?? alibabaV1Target(signing) }) }]
  : dynreg
    ? [{ setupRequest: (request) => ({ ...request, body: presignedBodies[sent++] ?? alibabaDynregBody(dynreg) }) }]
    : undefined;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  method: spec.method,
  headers: spec.headers,
  ...(requests ? { requests } : { body: spec.body }),
});
const summary: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
