/**
 * One of the processes that drive OrderPerLicense through tencentcloud-sdk-nodejs for
 * bench/mna-order.ts (see order-load.ts, which starts them and times them together), so the
 * client's JSON building, signing and response parsing never share the server's event loop. Each
 * of its connections pays with one of its accounts (connection i with account i mod n): AddDevice
 * makes every order's device first (not timed), one order per account warms up, then the process
 * prints `ready`, waits for a line on stdin, orders each device once and prints one JSON line
 * (OrderClientReport). Input: a JSON OrderClientSpec as argv[2].
 */
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { Session } from 'node:inspector/promises';
import { once } from 'node:events';
import tencentcloud from 'tencentcloud-sdk-nodejs';

export interface OrderClientSpec {
  readonly endpoint: string;
  readonly accounts: readonly { readonly secretId: string; readonly secretKey: string }[];
  /** Timed orders per account. */
  readonly ordersPerAccount: number;
  readonly connections: number;
  /** Makes this process's device names its own when other processes order for the same accounts. */
  readonly devicePrefix: string;
  /** Write a CPU profile of the timed phase to this directory. */
  readonly profileDir?: string;
}

export interface OrderClientReport {
  readonly orders: number;
  /** Orders the server refused, by error code. */
  readonly failed: Record<string, number>;
  /** This process's CPU time (user + system) over its timed orders, in µs. */
  readonly cpuMicros: number;
}

const spec = JSON.parse(process.argv[2]!) as OrderClientSpec;
// Keep-alive sockets, as 50 SDK users would hold.
const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
const clients = spec.accounts.map(
  (credential) => new tencentcloud.mna.v20210119.Client({ credential, region: 'ap-guangzhou', profile: { httpProfile: { protocol: 'http://', endpoint: spec.endpoint, agent } } }),
);

/** Runs `count` calls per account with spec.connections in flight, each connection on its own account's queue. */
async function drive(count: number, call: (account: number, i: number) => Promise<unknown>): Promise<void> {
  const next = clients.map(() => 0);
  await Promise.all(
    Array.from({ length: spec.connections }, async (_, connection) => {
      const account = connection % clients.length;
      while (next[account]! < count) await call(account, next[account]!++);
    }),
  );
}

/** Set-up is not measured: a call lost to the loaded machine (timeout, reset) is tried again, under a new name. */
async function addDevice(account: number, name: string, attempt = 1): Promise<string> {
  try {
    return (await clients[account]!.AddDevice({ DeviceName: `${spec.devicePrefix}${name}-${attempt}` })).DeviceId!;
  } catch (error) {
    if (attempt === 3 || (error as { requestId?: string }).requestId) throw error;
    return addDevice(account, name, attempt + 1);
  }
}

const devices = clients.map(() => new Array<string>(spec.ordersPerAccount));
await drive(spec.ordersPerAccount, async (account, i) => {
  devices[account]![i] = await addDevice(account, `bench-${i}`);
});
for (const [account, client] of clients.entries()) await client.OrderPerLicense({ DeviceId: await addDevice(account, 'warm'), Type: 0 });

process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
await once(process.stdin, 'data');

const profiler = spec.profileDir === undefined ? undefined : new Session();
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const failed: Record<string, number> = {};
const cpuBefore = process.cpuUsage();
await drive(spec.ordersPerAccount, (account, i) =>
  clients[account]!.OrderPerLicense({ DeviceId: devices[account]![i]!, Type: 0 }).catch((error: { code?: string }) => {
    const code = error.code ?? 'network';
    failed[code] = (failed[code] ?? 0) + 1;
  }),
);
const cpu = process.cpuUsage(cpuBefore);
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(`${spec.profileDir}/phase.client.${process.pid}.cpuprofile`, JSON.stringify(profile));
}
agent.destroy();
const report: OrderClientReport = { orders: spec.ordersPerAccount * clients.length, failed, cpuMicros: cpu.user + cpu.system };
process.stdout.write(`${JSON.stringify(report)}\n`);
process.stdin.destroy();
