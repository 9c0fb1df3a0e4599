import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { AppContext } from './core/app-context.ts';
import { openStore } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { SecretBox } from './core/secret-box.ts';
import { checkMasterKey } from './core/master-key-check.ts';
import { ensureDataDir, loadAdminToken, loadMasterKey } from './core/data-dir.ts';
import { KeyRing } from './core/credentials.ts';
import { RateLimits, rateLimitTable } from './core/rate-limit.ts';
import { MemoryReplayGuard, RedisReplayGuard, type ReplayGuard } from './core/replay-guard.ts';
import { Metrics } from './core/metrics.ts';
import { bootstrapDefaultAccount, type AccountWithKeys } from './core/bootstrap.ts';

/** Everything one running Fleetgate process holds: the app context plus the gateway's shared parts. */
export interface Runtime extends AppContext {
  readonly config: Config;
  readonly keyRing: KeyRing;
  readonly rateLimits: RateLimits;
  readonly replayGuard: ReplayGuard;
  readonly metrics: Metrics;
  /** Empty unless `serving`: an empty token never matches, so no admin request passes. */
  readonly adminToken: string;
  /** Set when this start created the admin token file: print it once. */
  readonly adminTokenCreated: boolean;
  /** Set when this start bootstrapped an empty database: print the keys once. */
  readonly bootstrap: AccountWithKeys | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  readonly logger?: Logger;
  readonly now?: () => number;
  /**
   * A server's first-start duties: the default account on an empty database and the admin token
   * file. CLI commands skip them, so credentials are created only where they are printed.
   */
  readonly serving?: boolean;
}

/** Opens storage (migrated), secrets, limits and metrics for a server or a CLI command. */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  ensureDataDir(config.dataDir);
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'fleetgate' } });
  const now = options.now ?? Date.now;
  const secrets = new SecretBox(loadMasterKey(config.masterKey, config.dataDir));
  const store = openStore({
    location: config.databaseUrl ?? join(config.dataDir, 'fleetgate.db'),
    onBackgroundError: (err, what) => logger.warn({ err }, what),
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
  try {
    await migrateToLatest(store);
    await checkMasterKey(store.db, secrets, now());
    if (redis) await redis.connect();
    const bootstrap = options.serving ? await bootstrapDefaultAccount(store.db, secrets, config.bootstrap, now()) : undefined;
    const { token: adminToken, created: adminTokenCreated } = options.serving
      ? loadAdminToken(config.adminToken, config.dataDir)
      : { token: '', created: false };
    return {
      config,
      store,
      secrets,
      logger,
      now,
      keyRing: new KeyRing(store.db, secrets, 5_000, now),
      rateLimits: new RateLimits(rateLimitTable(config.rateLimits), redis),
      replayGuard: redis ? new RedisReplayGuard(redis) : new MemoryReplayGuard(now),
      metrics: new Metrics(),
      adminToken,
      adminTokenCreated,
      bootstrap,
      async close() {
        await store.close();
        if (redis) await redis.quit();
      },
    };
  } catch (error) {
    await store.close();
    redis?.disconnect();
    throw error;
  }
}
