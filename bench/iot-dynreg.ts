/**
 * HTTPS dynamic registration (`POST /auth/register/device`, hmacsha256, a fresh random per
 * request, 1,000 pre-registered devices of one product taken in turn) at 50 connections: Fleetgate
 * as a user runs it (`node bin/fleetgate.js serve`, JSON log to a file, metrics, replay guard,
 * device rate limit raised out of the way) against a bare node:http reference in another process
 * doing the same signature check, lookup and update on the same SQLite file
 * (bench/support/alibaba-dynreg-reference.ts). Rounds alternate; figures only, no assertion.
 * Plain HTTP on both: TLS would cost both alike.
 *
 *   npm run bench -- iot-dynreg        (BENCH_ROUNDS pairs of BENCH_SECONDS each, default 3 × 10 s)
 */
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { ensureDefaultInstance, findInstanceId } from '../src/services/alibaba/iot/store/instances.ts';
import { createProduct, setDynamicRegistration } from '../src/services/alibaba/iot/store/products.ts';
import { registerDevice } from '../src/services/alibaba/iot/store/devices.ts';
import { load } from './support/harness.ts';
import { CONNECTIONS, compareWithReference } from './support/compare.ts';
import { alibabaDynregBody, type AlibabaDynregSigning } from './support/alibaba-dynreg-client.ts';
import { benchDataDir, seed } from './support/seed.ts';

const DEVICES = 1_000;

const { dataDir, env: baseEnv } = benchDataDir();
const env = { ...baseEnv, FLEETGATE_RATE_LIMITS: `${baseEnv.FLEETGATE_RATE_LIMITS},device-alibaba.iot:*=1000000000` };
const signing: AlibabaDynregSigning = await seed(dataDir, env, async ({ store, secrets }) => {
  const now = Date.now();
  const { account } = await createAccountWithKeys(store.db, secrets, { name: 'bench-dynreg', now });
  await ensureDefaultInstance(store.db, account.id, now);
  const instanceId = (await findInstanceId(store.db, account.id, undefined))!;
  const fields = { name: 'bench_dynreg', description: null, node_type: 0, auth_type: 'secret', commodity_code: 'iothub', data_format: null, protocol_type: null, net_type: 'WIFI', validate_type: 1, category_key: null, region: null };
  const { row, secret } = await createProduct(store.db, secrets, account.id, instanceId, fields, now);
  const deviceNames = Array.from({ length: DEVICES }, (_, i) => `bench-device-${i}`);
  for (const deviceName of deviceNames) await registerDevice(store.db, secrets, account.id, row.product_key, { deviceName, secret: 'x'.repeat(32), nickname: null }, now);
  await setDynamicRegistration(store.db, row.product_key, true);
  return { productKey: row.product_key, productSecret: secret, deviceNames };
});

const headers = { 'content-type': 'application/x-www-form-urlencoded' };
await compareWithReference({
  title: `HTTPS dynamic registration (${DEVICES.toLocaleString('en')} devices in turn, hmacsha256), POST /auth/register/device`,
  dataDir,
  env,
  reference: { script: 'alibaba-dynreg-reference.ts', spec: { productSecret: signing.productSecret, masterKey: baseEnv.FLEETGATE_MASTER_KEY } },
  prepare: async ({ fleetgate, reference }) => {
    for (const server of [fleetgate, reference]) {
      const answer = await (await fetch(`http://127.0.0.1:${server.port}/auth/register/device`, { method: 'POST', headers, body: alibabaDynregBody(signing) })).text();
      if (!/^\{"code":200,"data":\{"productKey":"\w+","deviceName":"bench-device-\d+","deviceSecret":"[0-9a-f]{32}"\},"message":"success"\}$/.test(answer)) {
        throw new Error(`a registration fails on port ${server.port}: ${answer}`);
      }
    }
    // Refusals answer HTTP 200 too: after each round, both servers must have refused nothing.
    const refusals = async (port: number): Promise<number> => {
      if (port === reference.port) return Number(await (await fetch(`http://127.0.0.1:${port}/refusals`)).text());
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return [...metrics.matchAll(/^fleetgate_api_requests_total\{[^}]*action="DynamicRegister",code="(?!Success")[^"]*"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    return async (server, seconds) => {
      const result = await load({ url: `http://127.0.0.1:${server.port}/auth/register/device`, connections: CONNECTIONS, seconds, method: 'POST', headers, body: '', alibabaDynreg: signing });
      const refused = await refusals(server.port);
      if (refused > 0) throw new Error(`the server on port ${server.port} refused ${refused} registrations`);
      return result;
    };
  },
});
