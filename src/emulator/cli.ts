import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliModule } from '../cli/cli-module.ts';
import { CliError, print } from '../cli/output.ts';
import { loadConfig, type ConfigOverrides } from '../config.ts';
import { EMULATOR_PREFIX } from './prefix.ts';
import type { FaultRequest } from './fault-rules.ts';
import { parseFixtureFile } from './seed/fixture.ts';
import { SeedRefused } from './seed/seed-section.ts';

const DEFAULT_URL = 'http://127.0.0.1:8080';

interface Connection {
  readonly url?: string;
  readonly adminToken?: string;
  readonly json?: boolean;
}

type Body = Record<string, unknown>;

/**
 * `emulator health`, `faults add|list|remove|clear`, `seed`, `reset`, `snapshot save|restore|list`
 * and `clock show|set|reset`: clients of a running server's /_fleetgate API.
 */
export const emulatorCliModule: CliModule = (program: Command) => {
  const emulator = program.command('emulator').description('emulator controls of a running server (health, faults, fixtures, reset, snapshots, clock), over HTTP');
  const connected = (command: Command) =>
    command
      .option('--url <url>', `the server's base URL (default ${DEFAULT_URL})`)
      .option('--admin-token <token>', "admin bearer token; env FLEETGATE_ADMIN_TOKEN, else the data dir's admin.token")
      .option('--json', 'machine-readable output');
  const call = (options: Connection, method: string, path: string, body?: Body) => request(program.opts<ConfigOverrides>(), options, method, path, body);

  connected(emulator.command('health').description('state of each product, pipeline, the database and Redis')).action(async (options: Connection) => {
    const health = await call(options, 'GET', '/health');
    print(!!options.json, health, healthRows(health));
  });

  const faults = emulator.command('faults').description('inject errors and latency into the cloud API gateways (this server process only)');
  connected(faults.command('add').description('add a fault; selectors left out match anything'))
    .option('--cloud <cloud>', 'tencent, alibaba or *')
    .option('--product <product>', 'mna, iotcloud, iot or *')
    .option('--action <action>', 'an implemented action or *')
    .option('--account <id>', 'an account id or *')
    .option('--error <code>', "an error code of the cloud's catalog, answered in its envelope")
    .option('--latency <ms>', 'milliseconds added to each hit call', integer)
    .option('--rate <fraction>', 'share of matching calls hit, in (0, 1]: the k-th call is hit when floor(k*rate) grows', fraction)
    .option('--calls <n>', 'expire after this many matching calls', integer)
    .option('--ttl <seconds>', 'expire after this many seconds', integer)
    .option('--until <instant>', 'expire at this ISO 8601 instant')
    .action(async (options: Connection & { cloud?: string; product?: string; action?: string; account?: string; error?: string; latency?: number; rate?: number; calls?: number; ttl?: number; until?: string }) => {
      const fault: FaultRequest = {
        cloud: options.cloud,
        product: options.product,
        action: options.action,
        account: options.account,
        error: options.error,
        latencyMs: options.latency,
        rate: options.rate,
        calls: options.calls,
        ttlSeconds: options.ttl,
        expiresAt: options.until,
      };
      const created = await call(options, 'POST', '/faults', fault as Body);
      print(!!options.json, created, [faultRow(created.fault as Body)]);
    });
  connected(faults.command('list').description('the live faults, oldest first')).action(async (options: Connection) => {
    const listed = await call(options, 'GET', '/faults');
    print(!!options.json, listed, (listed.faults as Body[]).map(faultRow));
  });
  connected(faults.command('remove <id>').description('remove one fault')).action(async (id: string, options: Connection) => {
    const removed = await call(options, 'DELETE', `/faults/${encodeURIComponent(id)}`);
    print(!!options.json, removed, [{ removed: id }]);
  });
  connected(faults.command('clear').description('remove every fault')).action(async (options: Connection) => {
    const cleared = await call(options, 'DELETE', '/faults');
    print(!!options.json, cleared, [{ removed: cleared.removed }]);
  });

  connected(emulator.command('seed <file>').description('apply a fixture (YAML or JSON): what it lists is created unless it exists')).action(async (file: string, options: Connection) => {
    let fixture: unknown;
    try {
      fixture = parseFixtureFile(file);
    } catch (error) {
      if (error instanceof SeedRefused) throw new CliError(error.message, 'InvalidFixture');
      throw error;
    }
    const seeded = await call(options, 'POST', '/seed', fixture as Body);
    print(!!options.json, seeded, Object.entries(seeded.created as Body).map(([section, created]) => ({ section, created })));
  });

  connected(emulator.command('reset').description("drop all state (or one account's), then apply the server's --seed fixture again"))
    .option('--account <id>', "drop only this account's state (the account and its keys stay)")
    .action(async (options: Connection & { account?: string }) => {
      const reset = await call(options, 'POST', '/reset', options.account === undefined ? {} : { account: options.account });
      print(!!options.json, reset, [{ reset: reset.reset, reseeded: reset.seeded ? Object.entries(reset.seeded as Body).map(([k, v]) => `${k} ${String(v)}`).join(', ') : 'no fixture' }]);
    });

  const snapshot = emulator.command('snapshot').description("save and restore the whole state (files in the server's data dir)");
  connected(snapshot.command('save <name>').description('save the state under a name (replacing a snapshot of that name)')).action(async (name: string, options: Connection) => {
    const saved = await call(options, 'POST', '/snapshots', { name });
    print(!!options.json, saved, [saved.snapshot as Body]);
  });
  connected(snapshot.command('restore <name>').description('replace the whole state with a snapshot')).action(async (name: string, options: Connection) => {
    const restored = await call(options, 'POST', `/snapshots/${encodeURIComponent(name)}/restore`);
    print(!!options.json, restored, [{ ...(restored.restored as Body), ms: restored.ms }]);
  });
  connected(snapshot.command('list').description('the saved snapshots')).action(async (options: Connection) => {
    const listed = await call(options, 'GET', '/snapshots');
    print(!!options.json, listed, listed.snapshots as Body[]);
  });

  const clock = emulator.command('clock').description('business time (what handlers see), apart from the real time signatures are checked against');
  connected(clock.command('show').description("the server's business and real time")).action(async (options: Connection) => {
    const shown = await call(options, 'GET', '/clock');
    print(!!options.json, shown, [shown]);
  });
  connected(clock.command('set').description('set or move business time'))
    .option('--offset <duration>', 'business time this far from real time, e.g. 30d, -2h, 90000 (ms)', duration)
    .option('--advance <duration>', 'move business time by this much, e.g. 30d, -90m', duration)
    .option('--at <instant>', 'business time at this ISO 8601 instant')
    .option('--signatures', 'judge request timestamps by business time too')
    .option('--no-signatures', 'judge request timestamps by real time (the default)')
    .action(async (options: Connection & { offset?: number; advance?: number; at?: string; signatures?: boolean }) => {
      const set = await call(options, 'POST', '/clock', { offsetMs: options.offset, advanceMs: options.advance, at: options.at, signatures: options.signatures });
      print(!!options.json, set, [set]);
    });
  connected(clock.command('reset').description('business time back to real time')).action(async (options: Connection) => {
    const reset = await call(options, 'DELETE', '/clock');
    print(!!options.json, reset, [reset]);
  });
};

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds from `90000`, `45s`, `30m`, `2h`, `-7d`. */
function duration(value: string): number {
  const match = /^(-?\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('not a duration: a whole number of ms, or with a unit ms, s, m, h or d (e.g. 30d, -2h)');
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
}

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number');
  return Number(value);
}

function fraction(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError('not a number');
  return number;
}

/** One call to the server's emulator API; its `{error:{code,message}}` answers become CliErrors. */
async function request(globals: ConfigOverrides, options: Connection, method: string, path: string, body?: Body): Promise<Body> {
  const base = (options.url ?? DEFAULT_URL).replace(/\/+$/, '');
  const token = adminToken(globals, options);
  let response: Response;
  try {
    response = await fetch(`${base}${EMULATOR_PREFIX}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new CliError(`cannot reach Fleetgate at ${base}: ${cause}`, 'ServerUnreachable');
  }
  const answer = (await response.json().catch(() => ({}))) as Body & { error?: { code: string; message: string } };
  if (!response.ok) throw new CliError(answer.error?.message ?? `HTTP ${response.status}`, answer.error?.code ?? 'HttpError');
  return answer;
}

/** --admin-token, else FLEETGATE_ADMIN_TOKEN, else the data dir's admin.token (read, never created). */
function adminToken(globals: ConfigOverrides, options: Connection): string {
  if (options.adminToken) return options.adminToken;
  const config = loadConfig(globals);
  if (config.adminToken) return config.adminToken;
  const file = join(config.dataDir, 'admin.token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new CliError(`no admin token: pass --admin-token, set FLEETGATE_ADMIN_TOKEN, or point --data-dir at the server's data dir (${file} does not exist)`, 'AdminTokenMissing');
}

function healthRows(health: Body): Body[] {
  const products = (health.products as Body[]).map((p) => ({ component: `${p.cloud} ${p.product} ${p.version}`, state: p.state, detail: `${p.actions} actions` }));
  const pipelines = (health.pipelines as Body[]).map((p) => ({ component: `pipeline ${p.pipeline}`, state: p.state, detail: p.endpoints === undefined ? '' : `${p.endpoints} endpoints` }));
  const database = health.database as Body;
  const redis = health.redis as Body;
  const mqtt = health.mqtt as Body;
  const ports = [mqtt.port === undefined ? '' : `tcp ${mqtt.port}`, mqtt.tlsPort === undefined ? '' : `tls ${mqtt.tlsPort}`].filter(Boolean).join(', ');
  return [
    ...products,
    ...pipelines,
    { component: 'database', state: database.state, detail: database.dialect },
    { component: 'redis', state: redis.state, detail: redis.configured ? '' : 'not configured' },
    { component: 'mqtt', state: mqtt.state, detail: mqtt.configured ? `${ports}; ${mqtt.connectedDevices} devices connected` : 'not configured' },
    { component: 'faults', state: '', detail: `${health.faults} active` },
  ];
}

function faultRow(fault: Body): Body {
  const expiry = [fault.calls === undefined ? '' : `${fault.calls} calls`, fault.expiresAt ?? ''].filter(Boolean).join(', ');
  return {
    id: fault.id,
    target: `${fault.cloud}/${fault.product}/${fault.action}/${fault.account}`,
    error: fault.error ?? '',
    latencyMs: fault.latencyMs ?? '',
    rate: fault.rate,
    matched: fault.matched,
    hits: fault.hits,
    expires: expiry || 'never',
  };
}
