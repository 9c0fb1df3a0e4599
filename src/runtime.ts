import type { Level, Logger } from 'pino';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { ConfigError, PINNED_KEY_VARIABLES, redactUrl, type Config } from './config.ts';
import type { AppContext } from './core/app-context.ts';
import { openStore, type Store } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { SecretBox } from './core/secret-box.ts';
import { checkMasterKey } from './core/master-key-check.ts';
import { ensureDataDir, loadAdminToken, loadMasterKey } from './core/data-dir.ts';
import { KeyRing } from './core/credentials.ts';
import { RateLimits, rateLimitTable } from './core/rate-limit.ts';
import { MemoryReplayGuard, RedisReplayGuard, type ReplayGuard } from './core/replay-guard.ts';
import { Metrics } from './core/metrics.ts';
import { callLogOn, openLog, type CallLog } from './core/log.ts';
import { AccessRevocations } from './core/access-revocations.ts';
import { RecentCalls } from './gateway/recent-calls.ts';
import { bootstrapDefaultAccount, type AccountWithKeys } from './core/bootstrap.ts';
import { FaultTable } from './emulator/fault-table.ts';
import { EmulatorClock } from './emulator/clock.ts';
import { applyFixture, readFixture, type Fixture } from './emulator/seed/fixture.ts';
import { SeedRefused } from './emulator/seed/seed-section.ts';
import { SEED_SECTIONS } from './services/registry.ts';

/** How many API calls the console's call list keeps. */
const RECENT_CALLS_KEPT = 1_000;

/** Everything one running Fleetgate process holds: the app context plus the gateway's shared parts. */
export interface Runtime extends AppContext {
  readonly config: Config;
  readonly revocations: AccessRevocations;
  readonly keyRing: KeyRing;
  readonly rateLimits: RateLimits;
  readonly replayGuard: ReplayGuard;
  readonly metrics: Metrics;
  /** The API calls' log lines (on `logger`). */
  readonly callLog: CallLog;
  /** The last API calls answered (this process only): the console's live call list. */
  readonly recentCalls: RecentCalls;
  /** Set when FLEETGATE_REDIS_URL is: the emulator's health check pings it. */
  readonly redis: Redis | undefined;
  /** Faults injected through the emulator controls (this process only). */
  readonly faults: FaultTable;
  /** Business time (`now`) and the real time the service's own guards keep to (this process only). */
  readonly clock: EmulatorClock;
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
  // A server's fixture is read and checked before the database is touched.
  const fixture = options.serving && config.seedFile !== undefined ? readStartupFixture(config.seedFile) : undefined;
  ensureDataDir(config.dataDir);
  // The JSON log on stdout, able to say when a call's line is written (see CallLogDestination), unless the caller brings a logger.
  const callLog = options.logger ? callLogOn(options.logger) : openLog(config.logLevel as Level, { service: 'fleetgate' });
  const { logger } = callLog;
  // Business time may be moved by the emulator clock; the service's own guards keep to real time.
  const clock = new EmulatorClock(options.now ?? Date.now);
  const { now, realNow } = clock;
  const secrets = new SecretBox(loadMasterKey(config.masterKey, config.dataDir));
  const store = openConfiguredStore(config, logger);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
  try {
    await checkReachable(store, config);
    await migrateToLatest(store);
    await checkMasterKey(store.db, secrets, now());
    if (redis) await connectRedis(redis, config.redisUrl!, logger);
    // Before the default account would be created: a fixture's accounts make it unnecessary.
    if (fixture) await applyFixture({ store, secrets, logger, now }, fixture, SEED_SECTIONS).catch((error: unknown) => {
      throw fixtureError(error);
    });
    const bootstrap = options.serving ? await bootstrapDefaultAccount(store.db, secrets, config.bootstrap, now()) : undefined;
    if (options.serving && !bootstrap) warnPinnedKeysIgnored(config, logger);
    const { token: adminToken, created: adminTokenCreated } = options.serving
      ? loadAdminToken(config.adminToken, config.dataDir)
      : { token: '', created: false };
    return {
      config,
      store,
      secrets,
      logger,
      now,
      revocations: new AccessRevocations(),
      keyRing: new KeyRing(store.db, secrets, 5_000, realNow),
      rateLimits: new RateLimits(rateLimitTable(config.rateLimits), redis),
      replayGuard: redis ? new RedisReplayGuard(redis) : new MemoryReplayGuard(realNow),
      metrics: new Metrics(),
      callLog,
      recentCalls: new RecentCalls(RECENT_CALLS_KEPT, realNow),
      redis,
      faults: new FaultTable(realNow),
      clock,
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

function openConfiguredStore(config: Config, logger: Logger): Store {
  try {
    return openStore({ location: config.databaseLocation, onBackgroundError: (err, what) => logger.warn({ err }, what) });
  } catch (error) {
    // better-sqlite3 opens the file at once: a missing directory or an unreadable file is the user's to fix.
    throw new ConfigError(`cannot open the SQLite database ${config.databaseLocation}: ${(error as Error).message}`, 'DatabaseUnusable');
  }
}

/** PostgreSQL connects lazily: ask it once, so an unreachable server is one clear line, not a migration's stack. */
async function checkReachable(store: Store, config: Config): Promise<void> {
  if (store.dialect !== 'postgres') return;
  try {
    await sql`select 1`.execute(store.db);
  } catch (error) {
    throw new ConfigError(`cannot reach PostgreSQL at ${redactUrl(config.databaseLocation)}: ${(error as Error).message}`, 'DatabaseUnreachable');
  }
}

async function connectRedis(redis: Redis, url: string, logger: Logger): Promise<void> {
  // Without a listener ioredis prints every failed reconnect itself; once connected, they are warnings.
  let connected = false;
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
    if (connected) logger.warn({ err: error }, 'Redis connection failed; reconnecting');
  });
  try {
    await redis.connect();
    connected = true;
  } catch (error) {
    throw new ConfigError(`cannot reach Redis at ${redactUrl(url)}: ${(lastError ?? (error as Error)).message}`, 'RedisUnreachable');
  }
}

/** A fixture the server cannot apply stops it like any other unusable setting: one line, exit code 1. */
function fixtureError(error: unknown): unknown {
  return error instanceof SeedRefused ? new ConfigError(`the fixture ${error.message}`, 'InvalidFixture') : error;
}

function readStartupFixture(file: string): Fixture {
  try {
    return readFixture(file, SEED_SECTIONS);
  } catch (error) {
    throw fixtureError(error);
  }
}

/** Pinned keys only shape the first start: say so when a later start is given them. */
function warnPinnedKeysIgnored(config: Config, logger: Logger): void {
  const given = (Object.keys(PINNED_KEY_VARIABLES) as (keyof Config['bootstrap'])[]).filter((field) => config.bootstrap[field] !== undefined);
  if (given.length === 0) return;
  const names = given.map((field) => PINNED_KEY_VARIABLES[field]).join(', ');
  logger.warn(`${names} not applied: the database already has accounts, and pinned keys apply only to the first start (manage keys with "fleetgate keys" or the admin API)`);
}
