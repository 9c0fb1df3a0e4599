import { join, resolve } from 'node:path';
import type { MqttLimits } from './mqtt/broker.ts';

/** A setting the user can fix: reported in one line (with a code for --json), never with a stack. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly code = 'InvalidConfiguration',
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The forms FLEETGATE_DATABASE_URL accepts, named in every refusal. */
export const DATABASE_URL_FORMS =
  'postgres://… or postgresql://… (PostgreSQL), sqlite:///absolute/path.db, sqlite:relative/path.db or /absolute/path.db (a SQLite file), :memory: (SQLite in memory)';

/** Everything a Fleetgate process is configured with; frozen once built. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** As configured (one of DATABASE_URL_FORMS); undefined → SQLite file in dataDir. */
  readonly databaseUrl: string | undefined;
  /** What the store opens: the PostgreSQL URL, ':memory:' or an absolute SQLite file path. */
  readonly databaseLocation: string;
  readonly redisUrl: string | undefined;
  /**
   * Where clients reach this server (`https://fleetgate.example.com`), for links an answer
   * carries (DownloadActiveDeviceCount's FilePath); undefined → `http://` + the Host the caller signed.
   */
  readonly publicUrl: string | undefined;
  /** 32-byte key, base64 or hex; undefined → generated key file in dataDir. */
  readonly masterKey: string | undefined;
  readonly adminToken: string | undefined;
  readonly logLevel: string;
  /** Tencent's documented limit (20 requests/s per account per action), unless overridden in rateLimits. */
  readonly defaultRateLimit: number;
  /** Overrides keyed `<cloud>.<product>:<Action>` (e.g. `tencent.mna:GetHardwareInfo`) or `<cloud>.<product>:*`. */
  readonly rateLimits: Readonly<Record<string, number>>;
  /** How long a stopping server reports draining on /readyz before it closes its listener. */
  readonly shutdownGraceMs: number;
  /** Emulator lenient mode: any signature from a known key is accepted. Off unless asked. */
  readonly lenientSignatures: boolean;
  /** A fixture file `serve` applies at start-up and after every reset. */
  readonly seedFile: string | undefined;
  /**
   * IoT Hub dynamic registration: how far X-TC-Timestamp (or the legacy timestamp) may be from
   * the clock, in seconds; 0 (the default) checks no clock, as the current C SDK signs a fixed time.
   */
  readonly iothubRegisterWindowSeconds: number;
  /** How often a server renews the MNA traffic packages whose period ended with auto-renewal on, in seconds; 0: never on its own. */
  readonly renewalSweepSeconds: number;
  /** Devices' MQTT listener (plain TCP) on `host`; undefined: off (the default). */
  readonly mqttPort: number | undefined;
  /** Devices' MQTT over TLS; undefined: off. */
  readonly mqttTlsPort: number | undefined;
  /** The operator's PEM key and certificate for MQTT over TLS; both undefined: generated in dataDir on first start. */
  readonly mqttTlsKeyFile: string | undefined;
  readonly mqttTlsCertFile: string | undefined;
  /** The MQTT listener's limits (README "MQTT"). */
  readonly mqttLimits: MqttLimits;
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
  readonly lenientSignatures?: boolean;
  readonly seed?: string;
  readonly mqttPort?: number | string;
  readonly mqttTlsPort?: number | string;
}

/** Long enough for load balancers polling /readyz every few seconds to stop sending. */
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;
const DEFAULT_RENEWAL_SWEEP_SECONDS = 60;

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = checkPort(String(overrides.port ?? env.FLEETGATE_PORT ?? 8080), 'port');
  const mqttPortText = nonEmpty(overrides.mqttPort === undefined ? env.FLEETGATE_MQTT_PORT : String(overrides.mqttPort));
  const mqttTlsPortText = nonEmpty(overrides.mqttTlsPort === undefined ? env.FLEETGATE_MQTT_TLS_PORT : String(overrides.mqttTlsPort));
  const mqttPort = mqttPortText === undefined ? undefined : checkPort(mqttPortText, 'MQTT port');
  const mqttTlsPort = mqttTlsPortText === undefined ? undefined : checkPort(mqttTlsPortText, 'MQTT TLS port');
  checkPortsDistinct({
    'the HTTP port (--port, FLEETGATE_PORT)': port,
    'the MQTT port (--mqtt-port, FLEETGATE_MQTT_PORT)': mqttPort,
    'the MQTT TLS port (--mqtt-tls-port, FLEETGATE_MQTT_TLS_PORT)': mqttTlsPort,
  });
  const mqttTlsKeyFile = optionalPath(env.FLEETGATE_MQTT_TLS_KEY_FILE);
  const mqttTlsCertFile = optionalPath(env.FLEETGATE_MQTT_TLS_CERT_FILE);
  if ((mqttTlsKeyFile === undefined) !== (mqttTlsCertFile === undefined)) {
    throw new ConfigError('set both FLEETGATE_MQTT_TLS_KEY_FILE and FLEETGATE_MQTT_TLS_CERT_FILE, or neither (a certificate is then generated)');
  }
  const defaultRateLimit = Number(env.FLEETGATE_RATE_LIMIT ?? 20);
  if (!(defaultRateLimit > 0)) throw new ConfigError(`FLEETGATE_RATE_LIMIT must be a positive number, not "${env.FLEETGATE_RATE_LIMIT}"`);
  const dataDir = resolve(overrides.dataDir ?? env.FLEETGATE_DATA_DIR ?? 'data');
  const databaseUrl = nonEmpty(overrides.databaseUrl ?? env.FLEETGATE_DATABASE_URL);
  const [tencentSecretId, tencentSecretKey] = pinnedPair(env, 'tencentSecretId', 'tencentSecretKey');
  const [alibabaAccessKeyId, alibabaAccessKeySecret] = pinnedPair(env, 'alibabaAccessKeyId', 'alibabaAccessKeySecret');
  const shutdownGraceSeconds = Number(nonEmpty(env.FLEETGATE_SHUTDOWN_GRACE_SECONDS) ?? DEFAULT_SHUTDOWN_GRACE_SECONDS);
  if (!(shutdownGraceSeconds >= 0 && shutdownGraceSeconds <= 600)) {
    throw new ConfigError(`FLEETGATE_SHUTDOWN_GRACE_SECONDS must be a number of seconds from 0 to 600, not "${env.FLEETGATE_SHUTDOWN_GRACE_SECONDS}"`);
  }
  const registerWindow = nonEmpty(env.FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS) ?? '0';
  if (!/^\d{1,7}$/.test(registerWindow)) {
    throw new ConfigError(`FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS must be a whole number of seconds (0 = no clock check), not "${registerWindow}"`);
  }
  const renewalSweep = nonEmpty(env.FLEETGATE_RENEWAL_SWEEP_SECONDS) ?? String(DEFAULT_RENEWAL_SWEEP_SECONDS);
  if (!/^\d{1,7}$/.test(renewalSweep)) {
    throw new ConfigError(`FLEETGATE_RENEWAL_SWEEP_SECONDS must be a whole number of seconds (0 = no periodic sweep), not "${renewalSweep}"`);
  }
  return Object.freeze({
    host: overrides.host ?? env.FLEETGATE_HOST ?? '127.0.0.1',
    port,
    dataDir,
    databaseUrl,
    databaseLocation: databaseUrl === undefined ? join(dataDir, 'fleetgate.db') : databaseLocation(databaseUrl),
    redisUrl: checkRedisUrl(nonEmpty(overrides.redisUrl ?? env.FLEETGATE_REDIS_URL)),
    publicUrl: checkPublicUrl(nonEmpty(env.FLEETGATE_PUBLIC_URL)),
    masterKey: nonEmpty(env.FLEETGATE_MASTER_KEY),
    adminToken: nonEmpty(env.FLEETGATE_ADMIN_TOKEN),
    logLevel: checkLogLevel(overrides.logLevel ?? env.FLEETGATE_LOG_LEVEL ?? 'info'),
    defaultRateLimit,
    rateLimits: Object.freeze(parseRateLimits(env.FLEETGATE_RATE_LIMITS ?? '')),
    shutdownGraceMs: shutdownGraceSeconds * 1000,
    lenientSignatures: overrides.lenientSignatures ?? flag(env, 'FLEETGATE_LENIENT_SIGNATURES'),
    seedFile: optionalPath(overrides.seed ?? env.FLEETGATE_SEED_FILE),
    iothubRegisterWindowSeconds: Number(registerWindow),
    renewalSweepSeconds: Number(renewalSweep),
    mqttPort,
    mqttTlsPort,
    mqttTlsKeyFile,
    mqttTlsCertFile,
    mqttLimits: Object.freeze({
      revalidateMs: wholeNumber(env, 'FLEETGATE_MQTT_REVALIDATE_SECONDS', 30, 1, 86_400) * 1000,
      maxConnections: wholeNumber(env, 'FLEETGATE_MQTT_MAX_CONNECTIONS', 100_000, 1, 10_000_000),
      connectsPerIpPerSecond: wholeNumber(env, 'FLEETGATE_MQTT_CONNECTS_PER_IP', 100, 0, 1_000_000),
      connectTimeoutMs: wholeNumber(env, 'FLEETGATE_MQTT_CONNECT_TIMEOUT_SECONDS', 10, 1, 600) * 1000,
    }),
    bootstrap: Object.freeze({ tencentSecretId, tencentSecretKey, alibabaAccessKeyId, alibabaAccessKeySecret }),
  });
}

/** The environment variable behind each pinned default-account key. */
export const PINNED_KEY_VARIABLES: Readonly<Record<keyof Config['bootstrap'], string>> = {
  tencentSecretId: 'FLEETGATE_TENCENT_SECRET_ID',
  tencentSecretKey: 'FLEETGATE_TENCENT_SECRET_KEY',
  alibabaAccessKeyId: 'FLEETGATE_ALIBABA_ACCESS_KEY_ID',
  alibabaAccessKeySecret: 'FLEETGATE_ALIBABA_ACCESS_KEY_SECRET',
};

const PINNABLE_KEY_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** A pinned key pair is both halves or neither: half a pair would pair a known id with a random secret. */
function pinnedPair(env: NodeJS.ProcessEnv, idField: keyof Config['bootstrap'], secretField: keyof Config['bootstrap']): [string | undefined, string | undefined] {
  const [idVariable, secretVariable] = [PINNED_KEY_VARIABLES[idField], PINNED_KEY_VARIABLES[secretField]];
  const id = nonEmpty(env[idVariable]);
  const secret = nonEmpty(env[secretVariable]);
  if ((id === undefined) !== (secret === undefined)) {
    const [given, missing] = id === undefined ? [secretVariable, idVariable] : [idVariable, secretVariable];
    throw new ConfigError(`${given} is set but ${missing} is not: pin both halves of the key pair or neither`);
  }
  // The gateways take no key id outside this form as a key: a pinned one must fit it to ever log in.
  if (id !== undefined && !PINNABLE_KEY_ID.test(id)) {
    throw new ConfigError(`${idVariable} must be 1 to 128 letters, digits or the characters _ . - (no spaces or control characters)`);
  }
  return [id, secret];
}

/**
 * Maps FLEETGATE_DATABASE_URL to what the store opens. A relative SQLite path is resolved against
 * the working directory; anything else (a bare word, a misspelt scheme) is refused rather than
 * taken for a file name.
 */
function databaseLocation(url: string): string {
  if (/^postgres(ql)?:\/\/./.test(url)) return url;
  if (url === ':memory:' || url === 'sqlite::memory:') return ':memory:';
  if (url.startsWith('/')) return url;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    // sqlite:///abs names an absolute path with an empty host, like file:///; a host is not a path.
    if (path.startsWith('//')) {
      if (path.startsWith('///')) return path.slice(2);
    } else if (path !== '') {
      return resolve(path);
    }
  }
  throw new ConfigError(`FLEETGATE_DATABASE_URL / --database-url "${redactUrl(url)}" is not a database URL; use ${DATABASE_URL_FORMS}`);
}

/** The URL, or undefined when it does not parse. */
function parsedUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** An http(s) origin, optionally with a path prefix; kept without its trailing slash. */
function checkPublicUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const parsed = parsedUrl(url);
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') {
    throw new ConfigError(`FLEETGATE_PUBLIC_URL "${url}" is not an http:// or https:// URL without query or fragment`);
  }
  return url.replace(/\/+$/, '');
}

function checkRedisUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const parsed = parsedUrl(url);
  if (parsed?.protocol !== 'redis:' && parsed?.protocol !== 'rediss:') {
    throw new ConfigError(`FLEETGATE_REDIS_URL / --redis-url "${redactUrl(url)}" is not a Redis URL; use redis://host:port or rediss://host:port`);
  }
  return url;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function checkLogLevel(level: string): string {
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`invalid log level "${level}": expected one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** A URL fit for a message or a log line: any password removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '';
    return parsed.toString();
  } catch {
    // Not a URL: hide anything that looks like user:password@.
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * Parses `tencent.mna:GetHardwareInfo=100,alibaba.iot:*=500` into a lookup table. Keys name
 * their cloud, since product names repeat across clouds (Tencent iotcloud, Alibaba iot).
 */
export function parseRateLimits(text: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^((?:device-)?(?:tencent|alibaba)\.[a-z0-9]+:(?:\*|[A-Za-z0-9]+))=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) {
      throw new ConfigError(`FLEETGATE_RATE_LIMITS: cannot read "${entry}" (expected cloud.product:Action=N or cloud.product:*=N, e.g. tencent.mna:GetHardwareInfo=100, alibaba.iot:*=500)`);
    }
    limits[match[1]!] = Number(match[2]);
  }
  return limits;
}

const FLAG_VALUES: Readonly<Record<string, boolean>> = { '1': true, true: true, yes: true, on: true, '0': false, false: false, no: false, off: false };

/** An on/off environment variable: unset or empty is off; anything but the usual spellings is refused. */
function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = nonEmpty(env[name]);
  if (value === undefined) return false;
  const parsed = FLAG_VALUES[value.toLowerCase()];
  if (parsed === undefined) throw new ConfigError(`${name} must be 1, true, yes, on or 0, false, no, off, not "${value}"`);
  return parsed;
}

/** A whole-number setting from `min` to `max`, `fallback` when unset. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}

function checkPort(text: string, what: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new ConfigError(`invalid ${what} "${text}": expected a number from 0 to 65535`);
  return port;
}

/** Two listeners on one port would fail at startup with a bare EADDRINUSE; 0 (any free port) may repeat. */
function checkPortsDistinct(portsByName: Readonly<Record<string, number | undefined>>): void {
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(portsByName)) {
    if (port === undefined || port === 0) continue;
    const other = seen.get(port);
    if (other !== undefined) throw new ConfigError(`${other} and ${name} are both ${port}: each listener needs its own port`);
    seen.set(port, name);
  }
}

function optionalPath(value: string | undefined): string | undefined {
  const path = nonEmpty(value);
  return path === undefined ? undefined : resolve(path);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
