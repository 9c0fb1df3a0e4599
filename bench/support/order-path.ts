/**
 * The order path alone, in one process: OrderPerLicense's handler called directly (no HTTP, no
 * signature, no log line) on a SQLite file store, `connections` orders in flight, each order a
 * different device, one paying account. Prints the CPU µs per order of the main thread and of the
 * store's other threads (the writer the busiest), and the read and write system calls per order
 * (the WAL's writes at each commit), from /proc, over the timed orders only: what the
 * order itself costs, steadier on a shared machine than the end-to-end bench (bench/mna-order.ts).
 *
 *   node --import tsx bench/support/order-path.ts [orders] [connections] [rounds]
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createAccountWithKeys } from '../../src/core/bootstrap.ts';
import { credit } from '../../src/billing/ledger.ts';
import { priceOf } from '../../src/billing/prices.ts';
import { actionContext } from '../../src/services/action-context.ts';
import { newDeviceId } from '../../src/services/tencent/mna/ids.ts';
import { insertDevices } from '../../src/services/tencent/mna/store/devices.ts';
import { OrderPerLicense } from '../../src/services/tencent/mna/OrderPerLicense.ts';
import { benchDataDir, seed } from './seed.ts';
import { ioSyscallsOf, threadCpuSeconds } from './proc.ts';

const orders = Number(process.argv[2] ?? 15_000);
const connections = Number(process.argv[3] ?? 50);
const rounds = Number(process.argv[4] ?? 3);

async function inFlight(count: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < count) await call(next++);
  }));
}

const { dataDir, env } = benchDataDir();
try {
  await seed(dataDir, env, async (runtime) => {
    const now = Date.now();
    const made = await createAccountWithKeys(runtime.store.db, runtime.secrets, { name: 'bench', now });
    const accountId = made.account.id;
    await credit(runtime.store, accountId, (await priceOf(runtime.store.db, 'mna.license.permanent.0')) * (orders * rounds + 1), 'bench', now);
    let request = 0;
    const ctx = () => actionContext(runtime, { accountId, userId: null, requestId: `req-${request++}`, region: 'ap-guangzhou' });
    // Devices as AddDevice makes them, minus its RSA signature (set-up, not measured).
    const devices = Array.from({ length: orders * rounds + 1 }, () => newDeviceId());
    for (let at = 0; at < devices.length; at += 100) {
      const rows = devices.slice(at, at + 100).map((deviceId, i) => ({
        device_id: deviceId,
        account_id: accountId,
        device_name: `bench-${at + i}`,
        remark: '',
        data_key_sealed: randomBytes(48).toString('base64'),
        data_key_digest: randomBytes(32).toString('hex'),
        access_scope: 0,
        license_pay_mode: 0,
        flow_trunc: 0,
        group_id: null,
        hardware_id: null,
        created_at: now,
      }));
      await runtime.store.writeAtomically([{ query: insertDevices.compile(runtime.store.db, rows) }]);
    }
    await OrderPerLicense.handle(ctx(), { DeviceId: devices[orders * rounds]!, Type: 0 } as never);
    const pid = String(process.pid);
    for (let round = 0; round < rounds; round++) {
      const before = threadCpuSeconds('self');
      const ioBefore = ioSyscallsOf(process.pid);
      const started = performance.now();
      await inFlight(orders, (i) => OrderPerLicense.handle(ctx(), { DeviceId: devices[round * orders + i]!, Type: 0 } as never));
      const seconds = (performance.now() - started) / 1000;
      const after = threadCpuSeconds('self');
      const io = ioSyscallsOf(process.pid);
      const syscalls = `${((io.reads - ioBefore.reads) / orders).toFixed(2)} reads, ${((io.writes - ioBefore.writes) / orders).toFixed(2)} writes`;
      const perOrder = (tid: string) => Math.round((((after.get(tid)?.seconds ?? 0) - (before.get(tid)?.seconds ?? 0)) * 1e6) / orders);
      const others = [...after.keys()].filter((tid) => tid !== pid).map((tid) => perOrder(tid)).sort((a, b) => b - a);
      console.log(
        `round ${round + 1}: ${Math.round(orders / seconds)} orders/s; CPU µs/order: main thread ${perOrder(pid)}, other threads ${JSON.stringify(others.filter((us) => us > 0))}; system calls/order ${syscalls}; load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
