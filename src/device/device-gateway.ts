import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.ts';
import { toRawRequest } from '../gateway/raw.ts';
import { requestId as newRequestId } from '../core/ids.ts';
import { DEVICE_BODY_LIMIT_BYTES, DeviceRefusal, type DeviceAnswer, type DeviceCall, type DeviceEndpoint, type PipelineFault } from './device-endpoint.ts';

/** The endpoints by their exact path; two endpoints claiming one path is a start-up error. */
export function deviceEndpointsByPath(endpoints: readonly DeviceEndpoint[]): ReadonlyMap<string, DeviceEndpoint> {
  const byPath = new Map<string, DeviceEndpoint>();
  for (const endpoint of endpoints) {
    const taken = byPath.get(endpoint.path);
    if (taken) throw new Error(`device endpoints ${taken.name} and ${endpoint.name} both claim ${endpoint.path}`);
    byPath.set(endpoint.path, endpoint);
  }
  return byPath;
}

/**
 * The device-side pipeline, beside the two API gateways: each endpoint on its exact path; the body
 * read as its devices send it, within a small limit; a rate limit per endpoint and subject; a
 * replay guard the endpoint calls once it has checked the signature; one log line and one metric
 * observation per call; every answer in the endpoint's own envelope. Register it in a Fastify
 * plugin of its own: it replaces the body parsers and the error handler of its scope.
 */
export function registerDeviceGateway(app: FastifyInstance, runtime: Runtime, endpoints: readonly DeviceEndpoint[]): void {
  const byPath = deviceEndpointsByPath(endpoints);
  // One line per call is written here, with its request id; Fastify's request lines are off.
  app.setChildLoggerFactory((logger) => logger);
  // Device signatures are over the exact bytes: nothing parses the body before the endpoint says how.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Fastify refuses an over-long or unreadable body before the handler runs: answer in the envelope anyway.
  app.setErrorHandler(async (error: { code?: string; statusCode?: number }, request, reply) => {
    const endpoint = byPath.get(request.routeOptions.url ?? '');
    if (!endpoint) throw error;
    const fault: PipelineFault = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'bodyTooLarge' : (error.statusCode ?? 500) < 500 ? 'malformedBody' : 'internal';
    const startedAt = process.hrtime.bigint();
    const requestId = newRequestId();
    const refusal = endpoint.envelope.fault(fault);
    record(runtime, endpoint, { requestId, subject: undefined, code: refusal.code, startedAt });
    return send(reply, endpoint.envelope.refusal(requestId, refusal));
  });
  for (const endpoint of byPath.values()) {
    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: endpoint.path,
      bodyLimit: endpoint.maxBodyBytes ?? DEVICE_BODY_LIMIT_BYTES,
      handler: (request, reply) => serve(runtime, endpoint, request, reply),
    });
  }
}

async function serve(runtime: Runtime, endpoint: DeviceEndpoint, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const startedAt = process.hrtime.bigint();
  const requestId = newRequestId();
  const { envelope } = endpoint;
  let subject: string | undefined;
  let answer: DeviceAnswer;
  let code: string | number = 'Success';
  try {
    if (request.method !== 'POST') throw envelope.fault('methodNotAllowed');
    const raw = toRawRequest(request);
    const params = parseBody(endpoint.bodyFormat, raw.body);
    if (!params) throw envelope.fault('malformedBody');
    const call: DeviceCall = {
      requestId,
      raw,
      params,
      runtime,
      claimOnce: async (key, ttlSeconds) => {
        if (!(await runtime.replayGuard.claim(`${envelope.surface}:${endpoint.path}:${key}`, ttlSeconds))) throw envelope.fault('replayed');
      },
      authenticated: async (signedSubject) => {
        subject = boundedSubject(signedSubject);
        const rate = await runtime.rateLimits.consume(subject ?? '-', `${envelope.surface}.${endpoint.product}`, endpoint.name, endpoint.rateLimit.perSecond);
        if (!rate.allowed) throw envelope.fault('rateLimited', rate);
      },
    };
    answer = envelope.success(requestId, await endpoint.handle(call));
  } catch (error) {
    let refusal: DeviceRefusal;
    if (error instanceof DeviceRefusal) refusal = error;
    else {
      runtime.logger.error({ err: error, requestId, endpoint: endpoint.name }, 'device endpoint failure');
      refusal = envelope.fault('internal');
    }
    code = refusal.code;
    answer = envelope.refusal(requestId, refusal);
  }
  record(runtime, endpoint, { requestId, subject, code, startedAt });
  return send(reply, answer);
}

/**
 * The body's top-level fields, or undefined when it is not what the endpoint's devices send: a
 * JSON object, or form fields each named once. A NUL anywhere is refused here, as PostgreSQL
 * cannot store it in text.
 */
export function parseBody(format: DeviceEndpoint['bodyFormat'], body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString('utf8');
  if (text.includes('\u0000')) return undefined;
  if (format === 'form') {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(fields, name) || value.includes('\u0000') || name.includes('\u0000')) return undefined;
      fields[name] = value;
    }
    return fields;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    // A NUL written as \u0000 appears only once parsed.
    for (const [name, value] of Object.entries(parsed)) if (name.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) return undefined;
    return parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

// Product ids of both clouds fit this; anything else a caller writes there is not logged or keyed as sent.
const SUBJECT_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

/** The rate-limit subject as a bounded product id: an unauthenticated body field, so nothing longer or odder is kept. */
function boundedSubject(subject: string | undefined): string | undefined {
  return subject !== undefined && SUBJECT_SHAPE.test(subject) ? subject : undefined;
}

/** One log line and one metric observation per call, with labels from bounded sets. Never a body, a secret or a signature. */
function record(runtime: Runtime, endpoint: DeviceEndpoint, call: { requestId: string; subject: string | undefined; code: string | number; startedAt: bigint }): void {
  const seconds = Number(process.hrtime.bigint() - call.startedAt) / 1e9;
  const code = String(call.code);
  runtime.metrics.observe({ cloud: endpoint.envelope.surface, product: endpoint.product, action: endpoint.name, code }, seconds);
  runtime.logger.info(
    { requestId: call.requestId, cloud: endpoint.envelope.surface, endpoint: endpoint.name, subject: call.subject, code, latencyMs: Math.round(seconds * 1e6) / 1e3 },
    'device call',
  );
}

const alreadySerialized = (body: string): string => body;

function send(reply: FastifyReply, answer: DeviceAnswer): FastifyReply {
  return reply.code(answer.status).header('content-type', 'application/json').serializer(alreadySerialized).send(answer.body);
}
