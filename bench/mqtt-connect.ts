/**
 * The MQTT listener: authenticated CONNECTs per second and idle devices held, Fleetgate
 * (`serve --mqtt-port`, SQLite, Alibaba DeviceSecret logins: device lookup, HMAC check, online
 * record, offline record on each disconnect) against a bare Aedes broker without authentication
 * (bench/support/mqtt-reference.ts) measured in the same run. The device side runs in its own
 * process (bench/support/mqtt-load.ts).
 *
 *   npm run bench -- mqtt-connect      (BENCH_SECONDS per rate run, default 10; BENCH_MQTT_DEVICES held, default 10000)
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { ensureDefaultInstance, findInstanceId } from '../src/services/alibaba/iot/store/instances.ts';
import { createProduct } from '../src/services/alibaba/iot/store/products.ts';
import { deviceSealingContext } from '../src/services/alibaba/iot/store/devices.ts';
import { newIotId } from '../src/services/alibaba/iot/ids.ts';
import { freePorts } from '../test/support/ports.ts';
import { fmt, table } from './support/harness.ts';
import { benchDataDir, seed } from './support/seed.ts';
import { startFleetgate, startReference, type ServerProcess } from './support/serve.ts';
import type { MqttLoadResult, MqttLoadSpec } from './support/mqtt-load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DEVICES = Number(process.env.BENCH_MQTT_DEVICES ?? 10_000);
const CONCURRENCY = 50;
const SEED_BATCH = 500;

/** Starts the device side; resolves with its first output line, and a function that ends it. */
function driver(spec: MqttLoadSpec): Promise<{ result: MqttLoadResult; end: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'support/mqtt-load.ts'), JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      if (!output.includes('\n')) return;
      const exited = new Promise<void>((ended) => child.once('exit', () => ended()));
      done({
        result: JSON.parse(output.split('\n')[0]!) as MqttLoadResult,
        end: async () => {
          if (child.exitCode === null) child.stdin.end('close\n');
          await exited;
        },
      });
    });
    child.once('exit', (code) => fail(new Error(`mqtt-load exited with ${code} before answering`)));
  });
}

async function measure(name: string, server: ServerProcess, mqttPort: number, device: { productKey: string; secret: string }): Promise<Record<string, string>> {
  const base = { port: mqttPort, ...device, devices: DEVICES, concurrency: CONCURRENCY, seconds: SECONDS };
  const idleRss = server.rssMiB();
  const rate = await driver({ ...base, mode: 'rate' });
  await rate.end();
  const held = await driver({ ...base, mode: 'hold', concurrency: 200 });
  await new Promise((done) => setTimeout(done, 1000));
  const heldRss = server.rssMiB();
  await held.end();
  return {
    server: name,
    'connects/s': fmt(rate.result.connects / rate.result.seconds),
    refused: String(rate.result.refused + held.result.refused),
    held: fmt(held.result.connects),
    'held in s': fmt(held.result.seconds, 1),
    'RSS idle MiB': fmt(idleRss),
    'RSS held MiB': fmt(heldRss),
    'KiB/device': fmt(((heldRss - idleRss) * 1024) / Math.max(held.result.connects, 1), 1),
  };
}

const { dataDir, env } = benchDataDir();
const secret = randomBytes(16).toString('hex');
const productKey = await seed(dataDir, env, async ({ store, secrets }) => {
  const now = Date.now();
  const { account } = await createAccountWithKeys(store.db, secrets, { name: 'bench-mqtt', now });
  await ensureDefaultInstance(store.db, account.id, now);
  const instanceId = (await findInstanceId(store.db, account.id, undefined))!;
  const fields = { name: 'bench_mqtt', description: null, node_type: 0, auth_type: 'secret', commodity_code: 'iothub', data_format: null, protocol_type: null, net_type: 'WIFI', validate_type: 1, category_key: null, region: null };
  const { row } = await createProduct(store.db, secrets, account.id, instanceId, fields, now);
  for (let start = 0; start < DEVICES; start += SEED_BATCH) {
    const rows = Array.from({ length: Math.min(SEED_BATCH, DEVICES - start) }, (_, i) => {
      const iotId = newIotId();
      const base = { iot_id: iotId, account_id: account.id, product_key: row.product_key, device_name: `device-${start + i}`, sn: null, nickname: null };
      return { ...base, secret_sealed: secrets.seal(secret, deviceSealingContext(iotId)), status: 'UNACTIVE' as const, created_at: now, modified_at: now, activated_at: null, online_at: null, mqtt_login: null };
    });
    await store.db.insertInto('iot_devices').values(rows).execute();
  }
  await store.db.updateTable('iot_products').set({ device_count: DEVICES }).where('product_key', '=', row.product_key).execute();
  return row.product_key;
});

const rows: Record<string, string>[] = [];
// Taken together: two ports released one at a time can be the same one.
const [fleetgateMqtt, fleetgateHttp] = (await freePorts(2)) as [number, number];
// All CONNECTs come from 127.0.0.1: the per-address limit is off.
const fleetgate = await startFleetgate(dataDir, { ...env, FLEETGATE_MQTT_PORT: String(fleetgateMqtt), FLEETGATE_MQTT_CONNECTS_PER_IP: '0' }, fleetgateHttp);
try {
  rows.push(await measure('fleetgate (auth + state)', fleetgate, fleetgateMqtt, { productKey, secret }));
} finally {
  await fleetgate.stop();
}
const [referenceMqtt, referenceHttp] = (await freePorts(2)) as [number, number];
const reference = await startReference('mqtt-reference.ts', { mqttPort: referenceMqtt }, join(dataDir, 'reference.log'), referenceHttp);
try {
  rows.push(await measure('bare aedes (no auth)', reference, referenceMqtt, { productKey, secret }));
} finally {
  await reference.stop();
}
console.log(`MQTT CONNECT (Alibaba hmacsha1, SQLite): ${CONCURRENCY} connect/disconnect loops for ${SECONDS} s, then ${fmt(DEVICES)} idle devices held`);
table(rows);
