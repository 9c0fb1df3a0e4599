import type { Redis } from 'ioredis';
import type { Runtime } from '../runtime.ts';
import { isReachable } from '../storage/database.ts';
import { ANY, type Fault } from './fault-table.ts';
import type { EmulatedSurface } from './emulated-products.ts';
import type { MqttStatus } from '../mqtt/broker.ts';

/**
 * `running`: serving. `faulted`: serving, with an injected fault on it. `error`: cannot serve (its
 * database or Redis is unreachable). `disabled`: not configured.
 */
export type HealthState = 'running' | 'faulted' | 'error' | 'disabled';

/** How long a Redis PING may take before Redis counts as unreachable. */
const REDIS_PING_TIMEOUT_MS = 1_000;

/** Each product, pipeline and backing store with its state, like LocalStack's /_localstack/health. */
export async function healthReport(runtime: Runtime, surface: EmulatedSurface, mqtt: MqttStatus) {
  const [databaseReachable, redisReachable] = await Promise.all([isReachable(runtime.store), runtime.redis ? pingRedis(runtime.redis) : undefined]);
  const backingUp = databaseReachable && redisReachable !== false;
  const faults = runtime.faults.list();
  const stateOf = (faulted: boolean): HealthState => (!backingUp ? 'error' : faulted ? 'faulted' : 'running');
  const touches = (cloud: string, product?: string) => (fault: Fault) =>
    (fault.cloud === ANY || fault.cloud === cloud) && (product === undefined || fault.product === ANY || fault.product === product);
  return {
    status: backingUp ? 'ok' : 'error',
    products: surface.products.map((p) => ({
      cloud: p.cloud,
      product: p.product,
      version: p.version,
      actions: p.actions.size,
      state: stateOf(faults.some(touches(p.cloud, p.product))),
    })),
    pipelines: [
      { pipeline: 'tencent', state: stateOf(faults.some(touches('tencent'))) },
      { pipeline: 'alibaba', state: stateOf(faults.some(touches('alibaba'))) },
      // Faults apply to the API gateways only: device endpoints answer as they always do.
      { pipeline: 'device', endpoints: surface.deviceEndpoints.length, state: stateOf(false) },
    ],
    database: { dialect: runtime.store.dialect, reachable: databaseReachable, state: databaseReachable ? 'running' : 'error' },
    redis: {
      configured: runtime.redis !== undefined,
      reachable: redisReachable ?? false,
      state: redisReachable === undefined ? 'disabled' : redisReachable ? 'running' : 'error',
    },
    // Device connections do not pass the API gateways' faults either.
    mqtt: { ...mqtt, state: !mqtt.configured ? 'disabled' : stateOf(false) },
    faults: faults.length,
    clock: runtime.clock.state(),
    lenientSignatures: runtime.config.lenientSignatures,
  };
}

async function pingRedis(redis: Redis): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS)));
  try {
    return await Promise.race([redis.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
