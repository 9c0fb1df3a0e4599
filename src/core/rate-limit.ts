import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly count: number; readonly limit: number };

/**
 * Per-account, per-action request rates over one-second windows. In memory on a single node; in
 * Redis when nodes share a budget, so two nodes together still let through at most `limit`.
 */
export class RateLimits {
  readonly #limiters = new Map<number, RateLimiterAbstract>();

  constructor(
    private readonly limitFor: (product: string, action: string, documented: number) => number,
    private readonly redis: Redis | undefined,
  ) {}

  /**
   * Counts one request; `product` is `<cloud>.<product>` (`tencent.mna`, `alibaba.iot`) and
   * `documented` the cloud's own limit for the action, used unless overridden.
   */
  async consume(accountId: string, product: string, action: string, documented: number): Promise<RateDecision> {
    const limit = this.limitFor(product, action, documented);
    try {
      await this.#limiter(limit).consume(`${accountId}:${product}:${action}`);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, count: rejection.consumedPoints, limit };
      throw rejection;
    }
  }

  #limiter(points: number): RateLimiterAbstract {
    let limiter = this.#limiters.get(points);
    if (!limiter) {
      const options = { points, duration: 1, keyPrefix: `fleetgate:rate:${points}` };
      limiter = this.redis ? new RateLimiterRedis({ ...options, storeClient: this.redis }) : new RateLimiterMemory(options);
      this.#limiters.set(points, limiter);
    }
    return limiter;
  }
}

/**
 * Builds the limit lookup: `<cloud>.<product>:<Action>` and `<cloud>.<product>:*` overrides win
 * over the documented limit.
 */
export function rateLimitTable(overrides: Readonly<Record<string, number>>) {
  return (product: string, action: string, documented: number): number =>
    overrides[`${product}:${action}`] ?? overrides[`${product}:*`] ?? documented;
}
