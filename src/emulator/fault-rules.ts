import { AlibabaError, isAlibabaErrorCode } from '../protocols/alibaba/index.ts';
import { isTencentErrorCode } from '../protocols/tencent/index.ts';
import { ANY, type FaultDefinition } from './fault-table.ts';
import type { EmulatedProduct } from './emulated-products.ts';

/** A fault as a client asks for it; selectors left out match anything. */
export interface FaultRequest {
  readonly cloud?: string;
  readonly product?: string;
  readonly action?: string;
  readonly account?: string;
  readonly error?: string;
  readonly latencyMs?: number;
  readonly rate?: number;
  readonly calls?: number;
  readonly ttlSeconds?: number;
  /** ISO 8601 instant. */
  readonly expiresAt?: string;
}

/** An instant with its offset, as `expiresAt` takes it: 2030-01-01T00:00:00Z, 2030-01-01T08:00:00.5+08:00. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A fault that could never apply, or would answer something the cloud never does. */
export class FaultRefused extends Error {}

/**
 * Checks a requested fault against what the server serves and the clouds' error catalogs (a typo
 * in a name or code would otherwise fail silently), and resolves its expiry to an instant.
 */
export function defineFault(request: FaultRequest, products: readonly EmulatedProduct[], now: number): FaultDefinition {
  const selector = { cloud: request.cloud ?? ANY, product: request.product ?? ANY, action: request.action ?? ANY, account: request.account ?? ANY };
  if (request.error === undefined && !request.latencyMs) throw new FaultRefused('a fault needs an error code, a latency, or both');
  const reached = products.filter((p) => (selector.cloud === ANY || p.cloud === selector.cloud) && (selector.product === ANY || p.product === selector.product));
  if (reached.length === 0) {
    const known = products.filter((p) => selector.cloud === ANY || p.cloud === selector.cloud).map((p) => p.product);
    throw new FaultRefused(`no product ${selector.product} in ${selector.cloud === ANY ? 'any cloud' : selector.cloud} (products: ${known.join(', ')})`);
  }
  if (selector.action !== ANY && !reached.some((p) => p.actions.has(selector.action))) {
    throw new FaultRefused(`no implemented action ${selector.action} in ${reached.map((p) => `${p.cloud} ${p.product}`).join(', ')}`);
  }
  if (request.error !== undefined) {
    for (const cloud of new Set(reached.map((p) => p.cloud))) checkErrorCode(cloud, request.error);
  }
  if (request.ttlSeconds !== undefined && request.expiresAt !== undefined) throw new FaultRefused('give ttlSeconds or expiresAt, not both');
  return {
    ...selector,
    ...(request.error === undefined ? {} : { error: request.error }),
    ...(request.latencyMs ? { latencyMs: request.latencyMs } : {}),
    rate: request.rate ?? 1,
    ...(request.calls === undefined ? {} : { calls: request.calls }),
    ...expiry(request, now),
  };
}

function checkErrorCode(cloud: EmulatedProduct['cloud'], code: string): void {
  if (cloud === 'tencent') {
    if (!isTencentErrorCode(code)) throw new FaultRefused(`${code} is not a Tencent Cloud error code of mna or iotcloud (name the cloud or product if it is another cloud's code)`);
    return;
  }
  if (!isAlibabaErrorCode(code)) throw new FaultRefused(`${code} is not an Alibaba Cloud error code of IoT Platform (name the cloud or product if it is another cloud's code)`);
  try {
    new AlibabaError(code);
  } catch {
    // SignatureDoesNotMatch and the like quote the request itself: there is nothing to quote.
    throw new FaultRefused(`${code} needs values from the request it refuses and cannot be injected`);
  }
}

function expiry(request: FaultRequest, now: number): { expiresAt?: number } {
  if (request.ttlSeconds !== undefined) return { expiresAt: now + request.ttlSeconds * 1000 };
  if (request.expiresAt === undefined) return {};
  const at = ISO_INSTANT.test(request.expiresAt) ? Date.parse(request.expiresAt) : Number.NaN;
  if (Number.isNaN(at)) throw new FaultRefused(`expiresAt ${request.expiresAt} is not an ISO 8601 date-time`);
  if (at <= now) throw new FaultRefused(`expiresAt ${request.expiresAt} is already past`);
  return { expiresAt: at };
}
