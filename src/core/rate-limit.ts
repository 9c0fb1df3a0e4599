import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly count: number; readonly limit: number };

const ALLOWED: RateDecision = { allowed: true };
const WINDOW_MS = 1000;
/** How often windows that have ended are dropped. */
const SWEEP_MS = 10_000;

/**
 * Fixed one-second windows in this process's memory, as rate-limiter-flexible's memory limiter
 * keeps them (a key's window opens with its first request; a request counts even when refused),
 * without its timer per window and its promise and result objects per request.
 */
class MemoryWindows {
  readonly #windows = new Map<string, { count: number; readonly endsAt: number }>();
  #nextSweep = 0;

  constructor(private readonly now: () => number) {}

  /** Counts one request of `key`; returns how many its current window has had, this one included. */
  count(key: string): number {
    const now = this.now();
    if (now >= this.#nextSweep) this.#sweep(now);
    let window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { count: 0, endsAt: now + WINDOW_MS };
      this.#windows.set(key, window);
    }
    return ++window.count;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
    this.#nextSweep = now + SWEEP_MS;
  }
}

/**
 * Per-account, per-action request rates over one-second windows. In memory on a single node; in
 * Redis when nodes share a budget, so two nodes together still let through at most `limit`.
 */
export class RateLimits {
  readonly #limiters = new Map<number, RateLimiterRedis>();
  readonly #memory: MemoryWindows;

  constructor(
    private readonly limitFor: (product: string, action: string, documented: number) => number,
    private readonly redis: Redis | undefined,
    now: () => number = Date.now,
  ) {
    this.#memory = new MemoryWindows(now);
  }

  /**
   * Counts one request; `product` is `<cloud>.<product>` (`tencent.mna`, `alibaba.iot`) and
   * `documented` the cloud's own limit for the action, used unless overridden.
   */
  async consume(accountId: string, product: string, action: string, documented: number): Promise<RateDecision> {
    const limit = this.limitFor(product, action, documented);
    const key = `${accountId}:${product}:${action}`;
    if (!this.redis) {
      const count = this.#memory.count(key);
      return count <= limit ? ALLOWED : { allowed: false, count, limit };
    }
    try {
      await this.#limiter(limit, this.redis).consume(key);
      return ALLOWED;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, count: rejection.consumedPoints, limit };
      throw rejection;
    }
  }

  #limiter(points: number, redis: Redis): RateLimiterRedis {
    let limiter = this.#limiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterRedis({ points, duration: 1, keyPrefix: `fleetgate:rate:${points}`, storeClient: redis });
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
