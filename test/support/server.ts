import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Dialect } from '../../src/storage/database.ts';
import type { MqttStatus } from '../../src/mqtt/broker.ts';
import { loadConfig } from '../../src/config.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { buildServer } from '../../src/server.ts';
import { createAccountWithKeys } from '../../src/core/bootstrap.ts';
import { BACKGROUND_WORKERS } from '../../src/services/registry.ts';
import { freshPostgresSchema } from './databases.ts';

export { DIALECTS, POSTGRES_URL, REDIS_URL, openTestStore } from './databases.ts';

export interface TestAccount {
  readonly id: string;
  readonly tencent: { readonly secretId: string; readonly secretKey: string };
  readonly alibaba: { readonly accessKeyId: string; readonly accessKeySecret: string };
}

export interface TestServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** 127.0.0.1:PORT, the form the Tencent SDKs and iot20180120 take. */
  readonly endpoint: string;
  readonly adminToken: string;
  readonly app: Runtime;
  readonly fastify: FastifyInstance;
  createAccount(name?: string): Promise<TestAccount>;
  close(): Promise<void>;
}

/** A call to the server's admin API with its token (a JSON body when one is given). */
export function adminCaller(server: Pick<TestServer, 'url' | 'adminToken'>): (method: string, path: string, body?: unknown) => Promise<Response> {
  return (method, path, body) =>
    fetch(`${server.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/** The MQTT listener as the health endpoint reports it: its ports (ephemeral ones included), connected devices, state. */
export async function mqttHealth(server: Pick<TestServer, 'url' | 'adminToken'>): Promise<MqttStatus & { readonly state: string }> {
  const response = await fetch(`${server.url}/_fleetgate/health`, { headers: { authorization: `Bearer ${server.adminToken}` } });
  return ((await response.json()) as { mqtt: MqttStatus & { readonly state: string } }).mqtt;
}

export interface TestServerOptions {
  readonly dialect: Dialect;
  /** Env-style settings, e.g. { FLEETGATE_RATE_LIMIT: '5', FLEETGATE_REDIS_URL: REDIS_URL }. */
  readonly env?: Readonly<Record<string, string>>;
  /** Share a database with another test server (several nodes on one PostgreSQL). */
  readonly databaseUrl?: string;
  /** Share the master key too when sharing a database. */
  readonly masterKey?: string;
  readonly now?: () => number;
  /** Where the server logs; silent unless FLEETGATE_TEST_LOG names a level. */
  readonly logger?: Logger;
}

/** Starts a real Fleetgate server on an ephemeral port over a fresh SQLite file or PostgreSQL schema. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-test-'));
  const schema = options.dialect === 'postgres' && !options.databaseUrl ? await freshPostgresSchema() : undefined;
  const config = loadConfig(
    { port: 0, dataDir, databaseUrl: options.databaseUrl ?? schema?.url },
    {
      FLEETGATE_ADMIN_TOKEN: `test-admin-${randomBytes(8).toString('hex')}`,
      FLEETGATE_MASTER_KEY: options.masterKey ?? randomBytes(32).toString('base64'),
      FLEETGATE_RATE_LIMIT: '1000',
      ...options.env,
    },
  );
  const runtime = await openRuntime(config, { logger: options.logger ?? pino({ level: process.env.FLEETGATE_TEST_LOG ?? 'silent' }), now: options.now, serving: true });
  const fastify = await buildServer(runtime);
  const workers = BACKGROUND_WORKERS.map((start) => start(runtime));
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  const { port } = fastify.server.address() as { port: number };
  let accounts = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    endpoint: `127.0.0.1:${port}`,
    adminToken: runtime.adminToken,
    app: runtime,
    fastify,
    async createAccount(name = `tenant-${++accounts}-${randomBytes(3).toString('hex')}`) {
      const { account, keys } = await createAccountWithKeys(runtime.store.db, runtime.secrets, { name, now: runtime.now() });
      return {
        id: account.id,
        tencent: { secretId: keys[0].keyId, secretKey: keys[0].secret },
        alibaba: { accessKeyId: keys[1].keyId, accessKeySecret: keys[1].secret },
      };
    },
    async close() {
      await fastify.close();
      await Promise.all(workers.map((worker) => worker.stop()));
      await runtime.close();
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Several Fleetgate nodes on one fresh PostgreSQL schema with one master key, as in production. */
export async function startCluster(count: number, env: Readonly<Record<string, string>> = {}): Promise<{ nodes: TestServer[]; close: () => Promise<void> }> {
  const schema = await freshPostgresSchema();
  const masterKey = randomBytes(32).toString('base64');
  const nodes: TestServer[] = [];
  for (let i = 0; i < count; i++) nodes.push(await startTestServer({ dialect: 'postgres', databaseUrl: schema.url, masterKey, env }));
  return {
    nodes,
    close: async () => {
      await Promise.all(nodes.map((node) => node.close()));
      await schema.drop();
    },
  };
}
