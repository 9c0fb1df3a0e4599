/**
 * IoT Hub dynamic registration with RegisterType 2 (auto-create) at 50 connections, on SQLite and
 * on PostgreSQL: Fleetgate as a user runs it (`serve` in its own process) against a bare
 * reference (bench/support/iotcloud-register-reference.ts: node:http, node:crypto, the database
 * driver) doing the same signature check, guarded insert and payload encryption on the same
 * database. Every request registers a new DeviceName with its own nonce.
 *
 *   npm run bench -- iothub-register        (BENCH_ROUNDS pairs of BENCH_SECONDS each, default 3 × 10 s)
 */
import { randomBytes } from 'node:crypto';
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { createProduct, updateDynamicRegister } from '../src/services/tencent/iotcloud/store/products.ts';
import { MAX_DEVICES_PER_PRODUCT } from '../src/services/tencent/iotcloud/store/devices.ts';
import { freshPostgresSchema } from '../test/support/databases.ts';
import { registerRequest } from '../test/support/tencent-device-client.ts';
import { load } from './support/harness.ts';
import { CONNECTIONS, compareWithReference } from './support/compare.ts';
import { benchDataDir, seed } from './support/seed.ts';

async function compare(database: 'SQLite' | 'PostgreSQL'): Promise<void> {
  const { dataDir, env } = benchDataDir();
  const schema = database === 'PostgreSQL' ? await freshPostgresSchema() : undefined;
  const seedEnv = schema ? { ...env, FLEETGATE_DATABASE_URL: schema.url } : env;
  try {
    const product = await seed(dataDir, seedEnv, async ({ store, secrets }) => {
      const now = Date.now();
      const { account } = await createAccountWithKeys(store.db, secrets, { name: 'bench-iothub', now });
      const fields = { product_name: 'bench', description: '', encryption_type: '2', product_type: 0, format: 'json', region: 'gz', platform: '', register_type: 0, register_limit: 0, private_ca_name: null } as const;
      const created = await createProduct(store.db, secrets, account.id, fields, now);
      await updateDynamicRegister(store.db, account.id, created.row.product_id, 2, MAX_DEVICES_PER_PRODUCT);
      return { productId: created.row.product_id, productSecret: created.secret };
    });
    await compareWithReference({
      title: `/device/register, RegisterType 2 (a new device per request), hmacsha256`,
      dataDir,
      env: { ...env, FLEETGATE_RATE_LIMITS: 'device-tencent.iotcloud:*=1000000000' },
      databaseUrl: schema?.url,
      target: 0.6,
      reference: { script: 'iotcloud-register-reference.ts', spec: { productSecret: product.productSecret } },
      prepare: async ({ fleetgate, reference }) => {
        for (const server of [fleetgate, reference]) {
          const host = `127.0.0.1:${server.port}`;
          const raw = registerRequest(host, { ...product, deviceName: `check-${server.port}` });
          const answer = await (await fetch(`http://${host}/device/register`, { method: 'POST', headers: raw.headers as Record<string, string>, body: raw.body })).text();
          if (!answer.includes('"Payload"')) throw new Error(`registration fails on port ${server.port}: ${answer}`);
        }
        return (server, seconds) =>
          load({
            url: `http://127.0.0.1:${server.port}/device/register`,
            connections: CONNECTIONS,
            seconds,
            method: 'POST',
            headers: {},
            body: '',
            tencentDeviceRegister: { ...product, host: `127.0.0.1:${server.port}`, prefix: `b${randomBytes(6).toString('hex')}-` },
          });
      },
    });
  } finally {
    await schema?.drop();
  }
}

await compare('SQLite');
if (!process.env.BENCH_SQLITE_ONLY) await compare('PostgreSQL');
