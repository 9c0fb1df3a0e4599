/**
 * Runs one autocannon load in its own process, so the load generator never shares an event loop
 * with the server it measures. Input: a JSON LoadSpec as argv[2]; output: one JSON line.
 */
import autocannon from 'autocannon';
import { alibabaV1Target, type AlibabaV1Signing } from './alibaba-v1-client.ts';
import { alibabaDynregBody, type AlibabaDynregSigning } from './alibaba-dynreg-client.ts';
import { registerRequest } from '../../test/support/tencent-device-client.ts';

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
  /** IoT Hub dynamic registrations: each request a new DeviceName (`<prefix><n>`) with its own nonce. */
  readonly tencentDeviceRegister?: TencentRegisterSigning;
}

export interface TencentRegisterSigning {
  readonly productId: string;
  readonly productSecret: string;
  /** The Host header sent (and signed without its port). */
  readonly host: string;
  readonly prefix: string;
}

/** More than any server here answers in a second. */
const PRESIGNED_PER_SECOND = 20_000;
/** Registrations insert a row each: far fewer per second than point reads. */
const REGISTRATIONS_PER_SECOND = 5_000;

export interface LoadResult {
  readonly requestsPerSecond: number;
  /** Responses received over the round. */
  readonly requests: number;
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
const registering = spec.tencentDeviceRegister;
let registered = 0;
const nextRegistration = (r: TencentRegisterSigning) => {
  const raw = registerRequest(r.host, { productId: r.productId, productSecret: r.productSecret, deviceName: `${r.prefix}${registered++}`, sentHost: r.host });
  return { headers: raw.headers as Record<string, string>, body: raw.body.toString() };
};
const registrations = registering ? Array.from({ length: Math.ceil(spec.seconds * REGISTRATIONS_PER_SECOND) }, () => nextRegistration(registering)) : [];
const setupRequest = signing
  ? (request: autocannon.Request) => ({ ...request, path: presigned[sent++] ?? alibabaV1Target(signing) })
  : registering
    ? (request: autocannon.Request) => ({ ...request, ...(registrations[sent++] ?? nextRegistration(registering)) })
    : dynreg
      ? (request: autocannon.Request) => ({ ...request, body: presignedBodies[sent++] ?? alibabaDynregBody(dynreg) })
      : undefined;
// Registration refusals are HTTP 200 API 3.0 errors: a body without a Payload is counted as a failure.
let refused = 0;
const onResponse = registering
  ? (_status: number, body: string) => {
      if (!body.includes('"Payload"')) refused++;
    }
  : undefined;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  method: spec.method,
  headers: spec.headers,
  ...(setupRequest ? { requests: [{ setupRequest, onResponse }] } : { body: spec.body }),
});
const summary: LoadResult = {
  requestsPerSecond: result.requests.average,
  requests: result.requests.total,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx + refused,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
