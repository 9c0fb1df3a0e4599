import { resolve } from 'node:path';

/** Everything a Fleetgate process is configured with; frozen once built. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** postgres://… for PostgreSQL; undefined → SQLite file in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** 32-byte key, base64 or hex; undefined → generated key file in dataDir. */
  readonly masterKey: string | undefined;
  readonly adminToken: string | undefined;
  readonly logLevel: string;
  /** Tencent's documented limit (20 requests/s per account per action), unless overridden in rateLimits. */
  readonly defaultRateLimit: number;
  /** Overrides keyed `<product>:<Action>` (e.g. `mna:GetHardwareInfo`) or `<product>:*`. */
  readonly rateLimits: Readonly<Record<string, number>>;
  /** How long a stopping server reports draining on /readyz before it closes its listener. */
  readonly shutdownGraceMs: number;
  readonly bootstrap: {
    readonly tencentSecretId: string | undefined;
    readonly tencentSecretKey: string | undefined;
    readonly alibabaAccessKeyId: string | undefined;
    readonly alibabaAccessKeySecret: string | undefined;
  };
}

/** Flags win over environment variables, which win over defaults. */
export interface ConfigOverrides {
  readonly host?: string;
  readonly port?: number | string;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly logLevel?: string;
}

/** Long enough for load balancers polling /readyz every few seconds to stop sending. */
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(overrides.port ?? env.FLEETGATE_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${String(overrides.port ?? env.FLEETGATE_PORT)}`);
  const defaultRateLimit = Number(env.FLEETGATE_RATE_LIMIT ?? 20);
  if (!(defaultRateLimit > 0)) throw new Error('FLEETGATE_RATE_LIMIT must be a positive number');
  const shutdownGraceSeconds = Number(nonEmpty(env.FLEETGATE_SHUTDOWN_GRACE_SECONDS) ?? DEFAULT_SHUTDOWN_GRACE_SECONDS);
  if (!(shutdownGraceSeconds >= 0 && shutdownGraceSeconds <= 600)) {
    throw new Error(`FLEETGATE_SHUTDOWN_GRACE_SECONDS must be a number of seconds from 0 to 600, not "${env.FLEETGATE_SHUTDOWN_GRACE_SECONDS}"`);
  }
  return Object.freeze({
    host: overrides.host ?? env.FLEETGATE_HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(overrides.dataDir ?? env.FLEETGATE_DATA_DIR ?? 'data'),
    databaseUrl: nonEmpty(overrides.databaseUrl ?? env.FLEETGATE_DATABASE_URL),
    redisUrl: nonEmpty(overrides.redisUrl ?? env.FLEETGATE_REDIS_URL),
    masterKey: nonEmpty(env.FLEETGATE_MASTER_KEY),
    adminToken: nonEmpty(env.FLEETGATE_ADMIN_TOKEN),
    logLevel: overrides.logLevel ?? env.FLEETGATE_LOG_LEVEL ?? 'info',
    defaultRateLimit,
    rateLimits: Object.freeze(parseRateLimits(env.FLEETGATE_RATE_LIMITS ?? '')),
    shutdownGraceMs: shutdownGraceSeconds * 1000,
    bootstrap: Object.freeze({
      tencentSecretId: nonEmpty(env.FLEETGATE_TENCENT_SECRET_ID),
      tencentSecretKey: nonEmpty(env.FLEETGATE_TENCENT_SECRET_KEY),
      alibabaAccessKeyId: nonEmpty(env.FLEETGATE_ALIBABA_ACCESS_KEY_ID),
      alibabaAccessKeySecret: nonEmpty(env.FLEETGATE_ALIBABA_ACCESS_KEY_SECRET),
    }),
  });
}

/** Parses `mna:GetHardwareInfo=100,iotcloud:*=50` into a lookup table. */
export function parseRateLimits(text: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9]+:(?:\*|[A-Za-z0-9]+))=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) throw new Error(`FLEETGATE_RATE_LIMITS: cannot read "${entry}" (expected product:Action=N)`);
    limits[match[1]!] = Number(match[2]);
  }
  return limits;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
