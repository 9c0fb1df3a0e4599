import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TObject } from '@sinclair/typebox';
import type { Runtime } from '../runtime.ts';
import { implementedActions, type AlibabaProduct, type CloudAction } from '../services/cloud-action.ts';
import type { RawRequest } from '../protocols/raw-request.ts';
import {
  ALIBABA_NONCE_TTL_SECONDS,
  AlibabaError,
  catalogCodeOf,
  decodeParams,
  largeRequestAccessKeyId,
  parseAlibabaRequest,
  renderError,
  renderSuccess,
  responseFormatOf,
  type AlibabaReply,
  type ErrorSource,
  type ResponseFormat,
} from '../protocols/alibaba/index.ts';
import { requestId as newRequestId } from '../core/ids.ts';
import { recordCall } from './request-log.ts';
import { actionContext } from '../services/action-context.ts';
import { injectFault } from '../emulator/fault-table.ts';

/** The throttle of an action whose product documents no QPS for it. */
const UNDOCUMENTED_QPS = 50;

interface Call {
  accountId?: string;
  product: string;
  action: string;
  /** Known once the request parsed; before that, read from the raw request (responseFormatOf) if it fails. */
  format: ResponseFormat | undefined;
}

/**
 * Alibaba Cloud RPC pipeline (v1 and ACS3): parse → authenticate → route → throttle → decode →
 * claim the nonce → injected faults (emulator) → run the handler → JSON or XML body. Gateway
 * errors carry their documented HTTP status; IoT business errors are HTTP 200 with Success:false.
 */
export function createAlibabaGateway(runtime: Runtime, products: readonly AlibabaProduct[]) {
  const byVersion = new Map<string, { product: AlibabaProduct; implemented: ReadonlyMap<string, CloudAction>; rateKey: string }>();
  for (const product of products) {
    const { version } = product.spec;
    if (byVersion.has(version)) throw new Error(`Alibaba products clash: two products serve version ${version}`);
    const rateKey = `alibaba.${product.spec.product.toLowerCase()}`;
    byVersion.set(version, { product, implemented: implementedActions(product, `Alibaba ${product.spec.product}`), rateKey });
  }

  /** Version → product, Action → implementation, and the action's documented QPS. */
  function resolve(version: string, action: string) {
    const entry = byVersion.get(version);
    if (!entry) throw new AlibabaError('InvalidVersion', { version });
    const implementation = entry.implemented.get(action);
    if (!implementation) throw new AlibabaError('InvalidAction.NotFound', { action });
    const qps = entry.product.spec.actions[action]?.qps ?? UNDOCUMENTED_QPS;
    return { product: entry.product.spec.product, rateKey: entry.rateKey, implementation, qps };
  }

  async function execute(raw: RawRequest, requestId: string, call: Call): Promise<Record<string, unknown>> {
    const nowMs = runtime.clock.signatureNow();
    const claimed = largeRequestAccessKeyId(raw, nowMs);
    if (claimed !== undefined && !(await runtime.keyRing.find('alibaba', claimed))) throw new AlibabaError('InvalidAccessKeyId.NotFound');
    const request = parseAlibabaRequest(raw, nowMs);
    call.action = request.action;
    call.format = request.format;
    const key = await runtime.keyRing.find('alibaba', request.accessKeyId);
    if (!key) throw new AlibabaError('InvalidAccessKeyId.NotFound');
    // Lenient mode (emulator, off by default): a known key is enough.
    if (!runtime.config.lenientSignatures) {
      const verdict = request.verify(key.secret);
      if (!verdict.ok) throw new AlibabaError('SignatureDoesNotMatch', { stringToSign: verdict.stringToSign });
    }
    call.accountId = key.accountId;
    const { product, rateKey, implementation, qps } = resolve(request.version, request.action);
    call.product = product;
    const rate = await runtime.rateLimits.consume(key.accountId, rateKey, request.action, qps);
    if (!rate.allowed) throw new AlibabaError('Throttling.User');
    const params = decodeParams(implementation.request as TObject, request.params);
    if (!(await runtime.replayGuard.claim(`ali:${request.replayKey}`, ALIBABA_NONCE_TTL_SECONDS))) throw new AlibabaError('SignatureNonceUsed');
    if (runtime.faults.armed) {
      await injectFault(runtime.faults, { cloud: 'alibaba', product: product.toLowerCase(), action: request.action, account: key.accountId }, (code) => new AlibabaError(code));
    }
    return implementation.handle(actionContext(runtime, { accountId: key.accountId, userId: key.userId, requestId, region: request.regionId }), params);
  }

  /** The answer to a request, every outcome logged and counted; never rejects. */
  async function answer(raw: RawRequest): Promise<AlibabaReply> {
    const startedAt = process.hrtime.bigint();
    const requestId = newRequestId().toUpperCase();
    const call: Call = { accountId: undefined, product: '-', action: '-', format: undefined };
    let response: AlibabaReply;
    let code = 'Success';
    try {
      const fields = await execute(raw, requestId, call);
      // An action may answer a documented refusal with data (BatchImportDevice's invalid rows).
      if (fields.Success === false && typeof fields.Code === 'string') code = fields.Code;
      response = renderSuccess(requestId, call.action, fields, call.format!);
    } catch (error) {
      const failure = error instanceof AlibabaError ? error : internalError(runtime, error, requestId);
      code = failure.code;
      response = renderError(requestId, call.action, failure, call.format ?? responseFormatOf(raw), errorSource(raw, failure));
    }
    await recordCall(runtime, { cloud: 'alibaba', requestId, accountId: call.accountId, product: call.product, action: call.action, code, codeLabel: labelOf(code), startedAt });
    return response;
  }

  async function handle(_request: FastifyRequest, reply: FastifyReply, raw: RawRequest): Promise<void> {
    await send(reply, await answer(raw));
  }

  /** Answers a request refused before it could be read (a body over the server's hard limit). */
  async function reject(reply: FastifyReply, raw: RawRequest, error: AlibabaError): Promise<void> {
    const requestId = newRequestId().toUpperCase();
    const action = raw.headers['x-acs-action'] ?? '-';
    await recordCall(runtime, { cloud: 'alibaba', requestId, accountId: undefined, product: '-', action, code: error.code, codeLabel: labelOf(error.code), startedAt: process.hrtime.bigint() });
    await send(reply, renderError(requestId, action, error, responseFormatOf(raw), errorSource(raw, error)));
  }

  return { answer, handle, reject };
}

/** The metric label of an answer's code: its catalog entry, without the parameter path a caller chose. */
function labelOf(code: string): string {
  return code === 'Success' ? code : (catalogCodeOf(code) ?? 'Unknown');
}

function send(reply: FastifyReply, response: AlibabaReply): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/** The Host the client called names the endpoint in gateway errors; throttling says when to retry. */
function errorSource(raw: RawRequest, error: AlibabaError): ErrorSource {
  return { hostId: raw.headers.host, ...(error.code.startsWith('Throttling') ? { retryAfterSeconds: 1 } : {}) };
}

function internalError(runtime: Runtime, error: unknown, requestId: string): AlibabaError {
  runtime.logger.error({ requestId, err: error }, 'unexpected failure in an Alibaba API call');
  return new AlibabaError('InternalError');
}
