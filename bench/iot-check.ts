/**
 * BatchCheckImportDevice with 10,000 valid rows through iot20180120 (ACS3-HMAC-SHA256), against a
 * bare node:http reference in the same run that decodes the same query, applies the same rules
 * and looks the names up in the same SQLite table with one statement. Both are called by the
 * same SDK client, so the difference is Fleetgate's server-side work (signature, gateway,
 * handler). Also times the handler alone (checks and lookup, no HTTP). Prints latencies and the
 * ratio; asserts nothing.
 *
 *   node --import tsx bench/iot-check.ts [iterations]
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import * as $Iot from '@alicloud/iot20180120';
import { startTestServer } from '../test/support/server.ts';
import { iotSdkClient, type IotSdkClient } from '../test/support/alibaba-harness.ts';
import { isDeviceName, isImportedDeviceSecret, isSn } from '../src/services/alibaba/iot/rules.ts';
import { BatchCheckImportDevice } from '../src/services/alibaba/iot/BatchCheckImportDevice.ts';

const ROWS = 10_000;
const iterations = Number(process.argv[2] ?? 30);

/** The reference: the same decoding, rules and one-statement lookup, and nothing else. */
function startReference(file: string): Promise<Server> {
  const db = new SQLite(file, { readonly: true });
  const lookup = db.prepare('select device_name from iot_devices where product_key = ? and device_name in (select value from json_each(?))');
  const server = createServer({ maxHeaderSize: 16 * 1024 * 1024 }, (req, res) => {
    req.resume().on('end', () => {
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      const rows = new Map<number, { name: string; secret: string; sn: string | undefined }>();
      for (const [key, value] of query) {
        const m = /^DeviceList\.(\d+)\.(DeviceName|DeviceSecret|Sn)$/.exec(key);
        if (!m) continue;
        const row = rows.get(Number(m[1])) ?? { name: '', secret: '', sn: undefined };
        if (m[2] === 'DeviceName') row.name = value;
        else if (m[2] === 'DeviceSecret') row.secret = value;
        else row.sn = value;
        rows.set(Number(m[1]), row);
      }
      const seen = new Map<string, number>();
      let bad = 0;
      for (const row of rows.values()) {
        if (!isDeviceName(row.name)) bad++;
        else seen.set(row.name, (seen.get(row.name) ?? 0) + 1);
        if (!isImportedDeviceSecret(row.secret) || (row.sn !== undefined && !isSn(row.sn))) bad++;
      }
      const existing = lookup.all(query.get('ProductKey'), JSON.stringify([...seen.keys()])).length;
      const repeated = [...seen.values()].filter((n) => n > 1).length;
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: 'REFERENCE', Success: true, ...(bad + existing + repeated > 0 ? { Data: {} } : {}) }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]! };
}

async function measure(client: IotSdkClient, request: $Iot.BatchCheckImportDeviceRequest): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < iterations + 3; i++) {
    const started = performance.now();
    const response = await client.batchCheckImportDevice(request);
    const elapsed = performance.now() - started;
    if (response.body.success !== true || response.body.data !== undefined) throw new Error(`unexpected answer: ${JSON.stringify(response.body)}`);
    if (i >= 3) samples.push(elapsed); // the first calls warm up JIT and caches
  }
  return samples;
}

const fleetgate = await startTestServer({ dialect: 'sqlite' });
try {
  const account = await fleetgate.createAccount();
  const client = iotSdkClient(fleetgate, account, { readTimeout: 60_000 });
  const productKey = (await client.createProduct(new $Iot.CreateProductRequest({ productName: 'bench_check', nodeType: 0 }))).body.productKey!;
  // A product that already has devices, so the lookup searches a real index.
  const existing = Array.from({ length: ROWS }, (_, i) => new $Iot.BatchImportDeviceRequestDeviceList({ deviceName: `existing${i}`, deviceSecret: `s${i}` }));
  const job = await client.batchImportDevice(new $Iot.BatchImportDeviceRequest({ productKey, deviceList: existing }));
  for (;;) {
    const status = await client.queryBatchRegisterDeviceStatus(new $Iot.QueryBatchRegisterDeviceStatusRequest({ productKey, applyId: job.body.data!.applyId }));
    if (status.body.data?.status !== 'CREATE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const deviceList = Array.from(
    { length: ROWS },
    (_, i) => new $Iot.BatchCheckImportDeviceRequestDeviceList({ deviceName: `bench-device-${i}`, deviceSecret: `secret:${i}`, sn: `SN_${i}` }),
  );
  const request = new $Iot.BatchCheckImportDeviceRequest({ productKey, deviceList });
  const reference = await startReference(join(fleetgate.app.config.dataDir, 'fleetgate.db'));
  try {
    const referenceClient = iotSdkClient({ endpoint: `127.0.0.1:${(reference.address() as AddressInfo).port}` }, account, { readTimeout: 60_000 });
    const viaFleetgate = stats(await measure(client, request));
    const viaReference = stats(await measure(referenceClient, request));
    console.log(`BatchCheckImportDevice, ${ROWS.toLocaleString('en')} valid rows, iot20180120 ACS3, SQLite, ${iterations} calls each`);
    console.log(`  Fleetgate   median ${viaFleetgate.median.toFixed(1)} ms   p95 ${viaFleetgate.p95.toFixed(1)} ms`);
    console.log(`  reference   median ${viaReference.median.toFixed(1)} ms   p95 ${viaReference.p95.toFixed(1)} ms`);
    console.log(`  ratio (median)  ${(viaFleetgate.median / viaReference.median).toFixed(2)}x   (client-side SDK work is in both)`);

    const app = fleetgate.app;
    const ctx = { accountId: account.id, requestId: 'BENCH', region: undefined, store: app.store, secrets: app.secrets, now: app.now };
    const rows = deviceList.map((d) => ({ DeviceName: d.deviceName!, DeviceSecret: d.deviceSecret!, Sn: d.sn! }));
    const handlerSamples: number[] = [];
    for (let i = 0; i < iterations + 3; i++) {
      const started = performance.now();
      await BatchCheckImportDevice.handle(ctx, { ProductKey: productKey, DeviceList: rows });
      if (i >= 3) handlerSamples.push(performance.now() - started);
    }
    const handler = stats(handlerSamples);
    console.log(`  handler alone  median ${handler.median.toFixed(1)} ms   p95 ${handler.p95.toFixed(1)} ms   (rules + one lookup of ${ROWS.toLocaleString('en')} names)`);
  } finally {
    await new Promise((resolve) => reference.close(resolve));
  }
} finally {
  await fleetgate.close();
}
