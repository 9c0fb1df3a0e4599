import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TObject } from '@sinclair/typebox';
import type { Runtime } from '../runtime.ts';
import type { TencentAction, TencentProduct } from '../services/tencent-action.ts';
import type { RawRequest } from '../protocols/raw-request.ts';
import {
  JSON_CONTENT_TYPE,
  TencentError,
  decodeParams,
  errorBody,
  parseTencentRequest,
  requestLanguage,
  successBody,
  Tc3KeyCache,
  type TencentLanguage,
} from '../protocols/tencent/index.ts';
import { requestId as newRequestId } from '../core/ids.ts';
import { recordCall } from './request-log.ts';
import { actionContext } from '../services/action-context.ts';

/** What the spec says about one action, as far as routing needs it. */
export interface TencentSpecAction {
  readonly request: TObject;
  readonly regionRequired: boolean;
}

/** A product the gateway routes to: the spec of every action and the ones Fleetgate implements. */
export interface TencentRoute {
  readonly spec: { readonly service: string; readonly version: string; readonly actions: Readonly<Record<string, TencentSpecAction>> };
  readonly product: TencentProduct;
}

interface Call {
  accountId?: string;
  product: string;
  action: string;
  language?: TencentLanguage;
}

/** Tencent documents no code for a replay; a signature failure is what clients already handle. */
const REPLAY_MESSAGE = 'The request was refused as a replay: its `Nonce` and `Timestamp` were already used.';

/** The v1 replay window: the signature's own validity (±300 s) plus margin. */
const NONCE_TTL_SECONDS = 660;

/**
 * Tencent Cloud API 3.0 request pipeline: parse → authenticate → route → rate-limit → decode
 * parameters → claim the nonce → run the handler → envelope. Every outcome is HTTP 200 with
 * `Content-Type: application/json`, as every official SDK requires.
 */
export function createTencentGateway(runtime: Runtime, routes: readonly TencentRoute[]) {
  const tc3Keys = new Tc3KeyCache();
  const byVersion = new Map(routes.map((route) => [route.spec.version, route]));
  const implemented = new Map(
    routes.map((route) => [route.spec.version, new Map(route.product.actions.map((action) => [action.name, action]))]),
  );

  /** Version → product, Action → spec entry, Region rule, then whether Fleetgate implements it. */
  function resolve(version: string, action: string, region: string | undefined): { service: string; implementation: TencentAction } {
    const route = byVersion.get(version);
    if (!route) throw new TencentError('NoSuchVersion', { version });
    const spec = route.spec.actions[action];
    if (!spec) throw new TencentError('InvalidAction', { action });
    if (spec.regionRequired && !region) throw new TencentError('MissingParameter', { name: 'Region' });
    const implementation = implemented.get(version)?.get(action);
    if (!implementation) throw new TencentError('UnsupportedOperation', { action });
    return { service: route.spec.service, implementation };
  }

  async function execute(raw: RawRequest, requestId: string, call: Call): Promise<string> {
    const request = parseTencentRequest(raw, Math.floor(runtime.now() / 1000));
    call.action = request.action;
    call.language = request.language;
    const key = await runtime.keyRing.find('tencent', request.secretId);
    if (!key) throw new TencentError('AuthFailure.SecretIdNotFound');
    if (!request.verify(key.secret, tc3Keys)) throw new TencentError('AuthFailure.SignatureFailure');
    call.accountId = key.accountId;
    const { service, implementation } = resolve(request.version, request.action, request.region);
    call.product = service;
    const rate = await runtime.rateLimits.consume(key.accountId, service, request.action, runtime.config.defaultRateLimit);
    if (!rate.allowed) throw new TencentError('RequestLimitExceeded', { count: rate.count, limit: rate.limit });
    const params = decodeParams(implementation.request as TObject, request.params);
    // Only an executed request uses up its nonce: the Go SDK re-sends identical requests after throttling.
    if (request.replayKey && !(await runtime.replayGuard.claim(`tc:${request.replayKey}`, NONCE_TTL_SECONDS))) {
      throw new TencentError('AuthFailure.SignatureFailure', { detail: REPLAY_MESSAGE });
    }
    const fields = await implementation.handle(actionContext(runtime, { accountId: key.accountId, requestId, region: request.region }), params);
    return successBody(requestId, fields);
  }

  async function handle(_request: FastifyRequest, reply: FastifyReply, raw: RawRequest): Promise<void> {
    const startedAt = process.hrtime.bigint();
    const requestId = newRequestId();
    const call: Call = { product: '-', action: '-' };
    let body: string;
    let code = 'Success';
    try {
      body = await execute(raw, requestId, call);
    } catch (error) {
      const failure = error instanceof TencentError ? error : internalError(runtime, error, requestId);
      code = failure.code;
      body = errorBody(requestId, failure, call.language ?? requestLanguage(raw));
    }
    // Tencent codes are catalog codes as they stand.
    recordCall(runtime, { cloud: 'tencent', requestId, accountId: call.accountId, product: call.product, action: call.action, code, codeLabel: code, startedAt });
    await sendJson(reply, body);
  }

  /** Answers a request refused before it could be read (a body over the server's hard limit). */
  async function reject(reply: FastifyReply, raw: RawRequest, error: TencentError): Promise<void> {
    const requestId = newRequestId();
    recordCall(runtime, { cloud: 'tencent', requestId, accountId: undefined, product: '-', action: '-', code: error.code, codeLabel: error.code, startedAt: process.hrtime.bigint() });
    await sendJson(reply, errorBody(requestId, error, requestLanguage(raw)));
  }

  return { handle, reject };
}

/**
 * HTTP 200 with `Content-Type: application/json` exactly: tccli only reads errors under that
 * exact type. Fastify appends a charset when it sends a string under a JSON type, unless the reply
 * has a serializer of its own: with the identity one the body stays a string, which Node writes in
 * one piece with the headers (a Buffer would cost a copy and a second chunk).
 */
function sendJson(reply: FastifyReply, body: string): FastifyReply {
  return reply.code(200).header('content-type', JSON_CONTENT_TYPE).serializer(alreadySerialized).send(body);
}

const alreadySerialized = (body: string): string => body;

function internalError(runtime: Runtime, error: unknown, requestId: string): TencentError {
  runtime.logger.error({ requestId, err: error }, 'unexpected failure in a Tencent API call');
  return new TencentError('InternalError');
}
