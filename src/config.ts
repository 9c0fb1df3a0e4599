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
  /** Overrides keyed `<cloud>.<product>:<Action>` (e.g. `tencent.mna:GetHardwareInfo`) or `<cloud>.<product>:*`. */
  readonly rateLimits: Readonly<Record<string, number>>;
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

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(overrides.port ?? env.FLEETGATE_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${String(overrides.port ?? env.FLEETGATE_PORT)}`);
  const defaultRateLimit = Number(env.FLEETGATE_RATE_LIMIT ?? 20);
  if (!(defaultRateLimit > 0)) throw new Error('FLEETGATE_RATE_LIMIT must be a positive number');
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
    bootstrap: Object.freeze({
      tencentSecretId: nonEmpty(env.FLEETGATE_TENCENT_SECRET_ID),
      tencentSecretKey: nonEmpty(env.FLEETGATE_TENCENT_SECRET_KEY),
      alibabaAccessKeyId: nonEmpty(env.FLEETGATE_ALIBABA_ACCESS_KEY_ID),
      alibabaAccessKeySecret: nonEmpty(env.FLEETGATE_ALIBABA_ACCESS_KEY_SECRET),
    }),
  });
}

/**
 * Parses `tencent.mna:GetHardwareInfo=100,alibaba.iot:*=500` into a lookup table. Keys name
 * their cloud, since product names repeat across clouds (Tencent iotcloud, Alibaba iot).
 */
export function parseRateLimits(text: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^((?:tencent|alibaba)\.[a-z0-9]+:(?:\*|[A-Za-z0-9]+))=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) {
      throw new Error(`FLEETGATE_RATE_LIMITS: cannot read "${entry}" (expected cloud.product:Action=N or cloud.product:*=N, e.g. tencent.mna:GetHardwareInfo=100, alibaba.iot:*=500)`);
    }
    limits[match[1]!] = Number(match[2]);
  }
  return limits;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
