/**
 * ActivateHardware in 100-entry batches, devices activated per second. Prints figures; asserts nothing.
 * - Production-style (the headline): 50,000 devices on SQLite through `node bin/fleetgate.js serve`
 *   in a process of its own (JSON log to a file, hooks, metrics), tencentcloud-sdk-nodejs in
 *   another process, 8 batches in flight.
 * - In-process breakdown on SQLite (file) and PostgreSQL, through a test server: the SDK in a
 *   process of its own, the SDK sharing the server's event loop, and the handler alone.
 *
 *   node --import tsx bench/mna-activate.ts [batches] [concurrency]     (the breakdown's; default 200 × 4)
 *
 * BENCH_MNA_DEVICES sets the production-style run's size (50,000); BENCH_MNA_BREAKDOWN=0 skips
 * the breakdown. The production-style run also prints the server process's CPU time per batch
 * (its main thread, and all its threads with the SQLite writer): on a shared machine that figure
 * moves far less than devices/s.
 */
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { startTestServer, type TestServer } from '../test/support/server.ts';
import type { Dialect } from '../src/storage/database.ts';
import type { ActionContext } from '../src/services/action-context.ts';
import { registerVendor } from '../src/services/tencent/mna/store/vendors.ts';
import { insertHardware } from '../src/services/tencent/mna/store/hardware.ts';
import { ActivateHardware } from '../src/services/tencent/mna/ActivateHardware.ts';
import { newHardwareId } from '../src/services/tencent/mna/ids.ts';
import { activateFromClientProcess, fmt, table } from './support/harness.ts';
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { startFleetgate } from './support/serve.ts';
import { benchDataDir, seed as seedDataDir } from './support/seed.ts';
import { rmSync } from 'node:fs';
import { cpuSecondsOf, threadCpuSeconds } from './support/proc.ts';

const BATCH = 100;
const batches = Number(process.argv[2] ?? 200);
const concurrency = Number(process.argv[3] ?? 4);

/**
 * Registers `count` batches of SNs `<prefix>-<batch>-<i>` under a fresh vendor, with random
 * HardwareIds as AddHardware gives them (sequential ones would hide the cost of random index keys).
 */
/** One batch of fresh hardware, SNs `<prefix>-0` … `<prefix>-99`, charging modes 1 to 3 in turn. */
function hardwareBatch(prefix: string, now: number) {
  return Array.from({ length: BATCH }, (_, i) => ({
    hardware_id: newHardwareId(),
    sn: `${prefix}-${i}`,
    license_charging_mode: 1 + (i % 3),
    description: '',
    status: 1 as const,
    created_at: now,
    activated_at: null,
    owner_account_id: null,
  }));
}

async function seed(server: TestServer, prefix: string, count: number) {
  const vendor = await server.createAccount();
  const vendorName = `Bench${prefix}`;
  await registerVendor(server.app.store.db, vendor.id, vendorName, server.app.now());
  const now = server.app.now();
  for (let k = 0; k < count; k++) {
    await insertHardware(server.app.store.db, vendor.id, hardwareBatch(`${prefix}-${k}`, now));
  }
  const entries = (k: number) => Array.from({ length: BATCH }, (_, i) => ({ Vendor: vendorName, SN: `${prefix}-${k}-${i}`, DeviceName: `${prefix}-${k}-${i}` }));
  return { customer: await server.createAccount(), vendorName, entries };
}

/** Runs `count` batches with `concurrency` in flight; returns devices per second. */
async function drive(count: number, activate: (k: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await activate(next++);
    }),
  );
  return (count * BATCH) / ((performance.now() - started) / 1000);
}

async function run(dialect: Dialect) {
  const server = await startTestServer({ dialect, env: { FLEETGATE_RATE_LIMIT: '1000000', FLEETGATE_LOG_LEVEL: 'warn' } });
  try {
    const viaSdk = await seed(server, 'sdk', batches);
    const client = new tencentcloud.mna.v20210119.Client({
      credential: viaSdk.customer.tencent,
      region: 'ap-guangzhou',
      profile: { httpProfile: { protocol: 'http://', endpoint: server.endpoint } },
    });
    // Warm-up (JIT, the account's key row) outside the timed runs.
    const warm = await seed(server, 'warm', 2);
    const warmClient = new tencentcloud.mna.v20210119.Client({ credential: warm.customer.tencent, region: 'ap-guangzhou', profile: { httpProfile: { protocol: 'http://', endpoint: server.endpoint } } });
    await warmClient.ActivateHardware({ Hardware: warm.entries(0) });
    const sdkRate = await drive(batches, (k) => client.ActivateHardware({ Hardware: viaSdk.entries(k) }));

    const apart = await seed(server, 'apart', batches + 1);
    const { devicesPerSecond: apartRate } = await activateFromClientProcess({
      endpoint: server.endpoint,
      secretId: apart.customer.tencent.secretId,
      secretKey: apart.customer.tencent.secretKey,
      vendor: apart.vendorName,
      prefix: 'apart',
      batches,
      batchSize: BATCH,
      concurrency,
    });

    const direct = await seed(server, 'handler', batches);
    const ctx: ActionContext = { accountId: direct.customer.id, requestId: 'bench', region: undefined, store: server.app.store, secrets: server.app.secrets, now: server.app.now };
    await ActivateHardware.handle({ ...ctx, accountId: warm.customer.id }, { Hardware: warm.entries(1) });
    const handlerRate = await drive(batches, (k) => ActivateHardware.handle(ctx, { Hardware: direct.entries(k) }));
    return {
      dialect,
      'SDK in its own process → server': fmt(apartRate),
      'SDK in the server process': fmt(sdkRate),
      'handler alone': fmt(handlerRate),
    };
  } finally {
    await server.close();
  }
}

const SERVE_BATCHES = Math.ceil(Number(process.env.BENCH_MNA_DEVICES ?? 50_000) / BATCH);
const SERVE_IN_FLIGHT = 8;

/** CPU ms so far of process `pid` (all threads) and of its main thread (Linux /proc). */
function cpuMs(pid: number): { readonly all: number; readonly main: number } {
  return { all: cpuSecondsOf(pid) * 1000, main: (threadCpuSeconds(pid).get(String(pid))?.seconds ?? 0) * 1000 };
}

/** 50,000 devices through `serve`, the SDK in its own process: the figure a user would see. */
async function viaServe(): Promise<{ devicesPerSecond: number; mainThreadMsPerBatch: number; processMsPerBatch: number }> {
  const { dataDir, env } = benchDataDir();
  const customer = await seedDataDir(dataDir, env, async ({ store, secrets }) => {
    const now = Date.now();
    const vendor = await createAccountWithKeys(store.db, secrets, { name: 'bench-vendor', now });
    await registerVendor(store.db, vendor.account.id, 'BenchServe', now);
    for (let k = 0; k <= SERVE_BATCHES; k++) {
      await insertHardware(store.db, vendor.account.id, hardwareBatch(`serve-${k}`, now));
    }
    return (await createAccountWithKeys(store.db, secrets, { name: 'bench-customer', now })).keys[0];
  });
  const server = await startFleetgate(dataDir, env);
  try {
    const before = cpuMs(server.pid);
    const { devicesPerSecond } = await activateFromClientProcess({
      endpoint: `127.0.0.1:${server.port}`,
      secretId: customer.keyId,
      secretKey: customer.secret,
      vendor: 'BenchServe',
      prefix: 'serve',
      batches: SERVE_BATCHES,
      batchSize: BATCH,
      concurrency: SERVE_IN_FLIGHT,
    });
    // The client's untimed warm-up batch used the server too.
    const perBatch = (used: number) => used / (SERVE_BATCHES + 1);
    const after = cpuMs(server.pid);
    return {
      devicesPerSecond,
      mainThreadMsPerBatch: perBatch(after.main - before.main),
      processMsPerBatch: perBatch(after.all - before.all),
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`ActivateHardware through \`fleetgate serve\` on SQLite, SDK in its own process: ${fmt(SERVE_BATCHES * BATCH)} devices, ${SERVE_IN_FLIGHT} batches of ${BATCH} in flight`);
const served = await viaServe();
console.log(`  ${fmt(served.devicesPerSecond)} devices/s (target ≥ 30,000)`);
console.log(`  server CPU per batch of ${BATCH}: ${fmt(served.mainThreadMsPerBatch, 2)} ms on its main thread, ${fmt(served.processMsPerBatch, 2)} ms in all its threads\n`);

if (process.env.BENCH_MNA_BREAKDOWN !== '0') {
  console.log(`In-process breakdown: ActivateHardware, ${batches} batches of ${BATCH} entries, ${concurrency} in flight; devices activated per second`);
  table([await run('sqlite'), await run('postgres')]);
}
