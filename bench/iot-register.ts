/**
 * IoT Platform registration benchmarks. Each measurement runs on SQLite and on PostgreSQL
 * (FLEETGATE_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test), prints its
 * figures and throws when the run was wrong; a measurement is one entry of MEASUREMENTS.
 *
 * - batch-register: BatchRegisterDevice of 100,000 devices (10 calls of 10,000, the documented
 *   maximum) through iot20180120 (ACS3) against a started server: time to have the applies
 *   accepted, time until every device exists, devices per second end to end.
 * - kill-9: the 50,000-device BatchRegisterDevice in `fleetgate serve`, killed with SIGKILL
 *   once devices start to appear, restarted on the same database: devices committed at the kill,
 *   time for the restarted server to finish, and a check that every apply ended CREATE_SUCCESS with
 *   each device created once.
 *
 *   npm run bench -- iot-register                         # every measurement, both databases
 *   node --import tsx bench/iot-register.ts [measurement|sqlite|postgres ...]
 */
import * as $Iot from '@alicloud/iot20180120';
import type { Dialect } from '../src/storage/database.ts';
import { startTestServer } from '../test/support/server.ts';
import { iotSdkClient, type IotSdkClient } from '../test/support/alibaba-harness.ts';
import { batchRegisterAcrossKill } from '../test/support/iot-register-crash.ts';
import { fmt, table } from './support/harness.ts';

interface Measurement {
  readonly name: string;
  readonly title: string;
  run(dialect: Dialect): Promise<Record<string, string | number>>;
}

const CALLS = 10;
const COUNT = 10_000;

/** Polls until the apply has left CREATE; throws unless it ended CREATE_SUCCESS. */
async function created(client: IotSdkClient, productKey: string, applyId: number): Promise<void> {
  for (;;) {
    const status = (await client.queryBatchRegisterDeviceStatus(new $Iot.QueryBatchRegisterDeviceStatusRequest({ productKey, applyId }))).body.data?.status;
    if (status === 'CREATE_SUCCESS') return;
    if (status !== 'CREATE') throw new Error(`apply ${applyId} ended ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const batchRegister: Measurement = {
  name: 'batch-register',
  title: `BatchRegisterDevice, ${fmt(CALLS * COUNT)} devices in ${CALLS} calls, iot20180120 ACS3, end to end (request, job runner, status polling)`,
  async run(dialect) {
    const server = await startTestServer({ dialect });
    try {
      const client = iotSdkClient(server, await server.createAccount(), { readTimeout: 120_000, connectTimeout: 120_000 });
      const productKey = (await client.createProduct(new $Iot.CreateProductRequest({ productName: 'bench_register', nodeType: 0 }))).body.productKey!;
      const started = performance.now();
      const applyIds: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const response = await client.batchRegisterDevice(new $Iot.BatchRegisterDeviceRequest({ productKey, count: COUNT }));
        if (!response.body.success) throw new Error(`BatchRegisterDevice refused: ${JSON.stringify(response.body)}`);
        applyIds.push(response.body.data!.applyId!);
      }
      const accepted = performance.now() - started;
      for (const applyId of applyIds) await created(client, productKey, applyId);
      const finished = performance.now() - started;
      const count = (await client.queryProduct(new $Iot.QueryProductRequest({ productKey }))).body.data?.deviceCount;
      if (count !== CALLS * COUNT) throw new Error(`DeviceCount ${count}, expected ${CALLS * COUNT}`);
      return {
        database: dialect,
        'accepted (s)': fmt(accepted / 1000, 2),
        'all created (s)': fmt(finished / 1000, 2),
        'devices/s': fmt((CALLS * COUNT) / (finished / 1000)),
      };
    } finally {
      await server.close();
    }
  },
};

const KILL_CALLS = 5;

const killNine: Measurement = {
  name: 'kill-9',
  title: `BatchRegisterDevice of ${fmt(KILL_CALLS * COUNT)} devices in fleetgate serve, kill -9 mid-creation, restart on the same database`,
  async run(dialect) {
    const outcome = await batchRegisterAcrossKill(dialect, KILL_CALLS, COUNT);
    const total = KILL_CALLS * COUNT;
    const complete = outcome.statuses.every((s) => s.Status === 'CREATE_SUCCESS' && s.ValidList.Name.length === COUNT && s.InvalidList.Name.length === 0);
    if (!complete || outcome.deviceCount !== total || outcome.stored.devices !== total || outcome.stored.names !== total) {
      throw new Error(`after the restart: ${JSON.stringify({ statuses: outcome.statuses.map((s) => s.Status), deviceCount: outcome.deviceCount, stored: outcome.stored })}`);
    }
    return {
      database: dialect,
      'created at kill': fmt(outcome.createdAtKill),
      'finished after restart (s)': fmt(outcome.resumeMs / 1000, 2),
      'jobs taken over': outcome.jobs.filter((job) => job.attempts > 0).length,
      result: `${fmt(total)} devices, each once, every apply CREATE_SUCCESS`,
    };
  },
};

const MEASUREMENTS: readonly Measurement[] = [batchRegister, killNine];

const args = process.argv.slice(2);
const dialects = (['sqlite', 'postgres'] as const).filter((d) => !args.some((a) => a === 'sqlite' || a === 'postgres') || args.includes(d));
const chosen = MEASUREMENTS.filter((m) => !args.some((a) => MEASUREMENTS.some((n) => n.name === a)) || args.includes(m.name));
for (const measurement of chosen) {
  console.log(`\n${measurement.title}`);
  const rows: Record<string, string | number>[] = [];
  for (const dialect of dialects) rows.push(await measurement.run(dialect));
  table(rows);
}
