import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TObject } from '@sinclair/typebox';
import type { Runtime } from '../runtime.ts';
import type { TencentProduct } from '../services/cloud-action.ts';
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
  type TencentErrorCode,
  type TencentLanguage,
} from '../protocols/tencent/index.ts';
import { injectFault } from '../emulator/fault-table.ts';
import { requestId as newRequestId } from '../core/ids.ts';
import { recordCall } from './request-log.ts';
import { actionContext } from '../services/action-context.ts';
import { tencentRoutes } from './tencent-routes.ts';

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
 * parameters → claim the nonce → injected faults (emulator) → run the handler → envelope. Every
 * outcome is HTTP 200 with `Content-Type: application/json`, as every official SDK requires.
 */
export function createTencentGateway(runtime: Runtime, products: readonly TencentProduct[]) {
  const tc3Keys = new Tc3KeyCache();
  const resolve = tencentRoutes(products);

  async function execute(raw: RawRequest, requestId: string, call: Call): Promise<string> {
    const request = parseTencentRequest(raw, Math.floor(runtime.clock.signatureNow() / 1000));
    call.action = request.action;
    call.language = request.language;
    const key = await runtime.keyRing.find('tencent', request.secretId);
    if (!key) throw new TencentError('AuthFailure.SecretIdNotFound');
    // Lenient mode (emulator, off by default): a known key is enough.
    if (!runtime.config.lenientSignatures && !request.verify(key.secret, tc3Keys)) throw new TencentError('AuthFailure.SignatureFailure');
    call.accountId = key.accountId;
    const { service, implementation } = resolve({
      version: request.version,
      action: request.action,
      region: request.region,
      scopeService: request.scopeService,
      host: raw.headers.host,
    });
    call.product = service;
    const rate = await runtime.rateLimits.consume(key.accountId, `tencent.${service}`, request.action, runtime.config.defaultRateLimit);
    if (!rate.allowed) throw new TencentError('RequestLimitExceeded', { count: rate.count, limit: rate.limit });
    const params = decodeParams(implementation.request as TObject, request.params);
    // Only an executed request uses up its nonce: the Go SDK re-sends identical requests after throttling.
    if (request.replayKey && !(await runtime.replayGuard.claim(`tc:${request.replayKey}`, NONCE_TTL_SECONDS))) {
      throw new TencentError('AuthFailure.SignatureFailure', { detail: REPLAY_MESSAGE });
    }
    if (runtime.faults.armed) {
      // Codes were checked against the catalog when the fault was added.
      await injectFault(runtime.faults, { cloud: 'tencent', product: service, action: request.action, account: key.accountId }, (code) => new TencentError(code as TencentErrorCode));
    }
    // TC3 signs the Host header, so links built on it point where the caller meant to go.
    const origin = runtime.config.publicUrl ?? `http://${raw.headers.host ?? ''}`;
    const fields = await implementation.handle(actionContext(runtime, { accountId: key.accountId, userId: key.userId, requestId, region: request.region, origin }), params);
    return successBody(requestId, fields);
  }

  /** The JSON answer to a request, every outcome logged and counted; never rejects. */
  async function answer(raw: RawRequest): Promise<string> {
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
    await recordCall(runtime, { cloud: 'tencent', requestId, accountId: call.accountId, product: call.product, action: call.action, code, codeLabel: code, startedAt });
    return body;
  }

  async function handle(_request: FastifyRequest, reply: FastifyReply, raw: RawRequest): Promise<void> {
    await sendJson(reply, await answer(raw));
  }

  /** Answers a request refused before it could be read (a body over the server's hard limit). */
  async function reject(reply: FastifyReply, raw: RawRequest, error: TencentError): Promise<void> {
    const requestId = newRequestId();
    await recordCall(runtime, { cloud: 'tencent', requestId, accountId: undefined, product: '-', action: '-', code: error.code, codeLabel: error.code, startedAt: process.hrtime.bigint() });
    await sendJson(reply, errorBody(requestId, error, requestLanguage(raw)));
  }

  return { answer, handle, reject };
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
