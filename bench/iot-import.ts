/**
 * BatchImportDevice of 100,000 devices in 10 jobs of 10,000 through iot20180120 (ACS3), on SQLite
 * and on PostgreSQL (FLEETGATE_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test):
 * time to have the jobs accepted, time until every device exists, devices per second. Prints
 * figures; asserts nothing.
 *
 *   node --import tsx bench/iot-import.ts [sqlite|postgres ...]
 */
import * as $Iot from '@alicloud/iot20180120';
import type { Dialect } from '../src/storage/database.ts';
import { startTestServer } from '../test/support/server.ts';
import { iotSdkClient } from '../test/support/alibaba-harness.ts';

const JOBS = 10;
const ROWS = 10_000;

async function run(dialect: Dialect): Promise<void> {
  const server = await startTestServer({ dialect });
  try {
    const account = await server.createAccount();
    const client = iotSdkClient(server, account, { readTimeout: 120_000, connectTimeout: 120_000 });
    const productKey = (await client.createProduct(new $Iot.CreateProductRequest({ productName: 'bench_import', nodeType: 0 }))).body.productKey!;
    const lists = Array.from({ length: JOBS }, (_, job) =>
      Array.from({ length: ROWS }, (_, i) => new $Iot.BatchImportDeviceRequestDeviceList({ deviceName: `job${job}-dev${i}`, deviceSecret: `secret-${job}-${i}`, sn: `SN${i}` })),
    );

    const started = performance.now();
    const applyIds: number[] = [];
    for (const deviceList of lists) {
      const response = await client.batchImportDevice(new $Iot.BatchImportDeviceRequest({ productKey, deviceList }));
      if (!response.body.success) throw new Error(`import refused: ${JSON.stringify(response.body)}`);
      applyIds.push(response.body.data!.applyId!);
    }
    const accepted = performance.now() - started;
    for (const applyId of applyIds) {
      for (;;) {
        const status = await client.queryBatchRegisterDeviceStatus(new $Iot.QueryBatchRegisterDeviceStatusRequest({ productKey, applyId }));
        const state = status.body.data?.status;
        if (state === 'CREATE_SUCCESS') break;
        if (state !== 'CREATE') throw new Error(`job ${applyId} ended ${state}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const finished = performance.now() - started;
    const count = (await client.queryProduct(new $Iot.QueryProductRequest({ productKey }))).body.data?.deviceCount;
    const total = JOBS * ROWS;
    console.log(`${dialect.padEnd(8)} ${total.toLocaleString('en')} devices in ${JOBS} jobs: accepted in ${(accepted / 1000).toFixed(2)} s, ` +
      `all created in ${(finished / 1000).toFixed(2)} s -> ${Math.round(total / (finished / 1000)).toLocaleString('en')} devices/s (DeviceCount ${count})`);
  } finally {
    await server.close();
  }
}

const dialects = (process.argv.length > 2 ? process.argv.slice(2) : ['sqlite', 'postgres']) as Dialect[];
console.log(`BatchImportDevice, iot20180120 ACS3, end to end (request, job runner, status polling)`);
for (const dialect of dialects) await run(dialect);
