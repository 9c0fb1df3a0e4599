import type { Redis } from 'ioredis';

/**
 * Remembers signature nonces for the clouds' replay windows. `claim` answers true the first time a
 * key is seen within `ttlSeconds` and false afterwards; with Redis the answer holds across nodes.
 */
export interface ReplayGuard {
  claim(key: string, ttlSeconds: number): Promise<boolean>;
}

export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new Map<string, number>();
  #nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    if (now >= this.#nextSweep) this.#sweep(now);
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires > now) return false;
    this.#seen.set(key, now + ttlSeconds * 1000);
    return true;
  }

  #sweep(now: number): void {
    for (const [key, expires] of this.#seen) if (expires <= now) this.#seen.delete(key);
    this.#nextSweep = now + 10_000;
  }
}

export class RedisReplayGuard implements ReplayGuard {
  constructor(private readonly redis: Redis) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`fleetgate:nonce:${key}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }
}
