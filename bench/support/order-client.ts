/**
 * Drives OrderPerLicense through tencentcloud-sdk-nodejs from its own process, so the client's
 * JSON building, signing and response parsing never share the server's event loop. Each
 * connection pays with one of the given accounts (connection i with account i mod n): AddDevice
 * makes every order's device first (not timed), one order per account warms up, then the timed
 * run orders each device once. Input: a JSON OrderClientSpec as argv[2]; output: one JSON line.
 */
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { threadCpuSeconds } from './proc.ts';

export interface OrderClientSpec {
  readonly endpoint: string;
  readonly accounts: readonly { readonly secretId: string; readonly secretKey: string }[];
  /** Timed orders per account. */
  readonly ordersPerAccount: number;
  readonly connections: number;
  /** The server's pid: its threads' CPU time is read (Linux /proc) at the timed phase's bounds. */
  readonly serverPid: number;
  /** Profile the timed phase: this process's CPU profile goes there, and the server (preloaded with phase-profile.mjs) is signalled to profile itself. */
  readonly profileDir?: string;
}

export interface OrderClientResult {
  readonly ordersPerSecond: number;
  /** Orders the server refused, by error code. */
  readonly failed: Record<string, number>;
  /**
   * CPU µs per timed order (user + system, from /proc, which counts in 10 ms ticks): the server's
   * main thread, its busiest other threads by name (the SQLite writer is the busiest worker), all
   * of it, and this client process's.
   */
  readonly cpuPerOrder: { readonly serverMain: number; readonly serverOther: Record<string, number>; readonly server: number; readonly client: number };
  /** The 1-minute load average at the end of the timed phase. */
  readonly load: number;
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
    return (await clients[account]!.AddDevice({ DeviceName: `${name}-${attempt}` })).DeviceId!;
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

const profiler = spec.profileDir === undefined ? undefined : new Session();
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
  process.kill(spec.serverPid, 'SIGUSR2');
}

const failed: Record<string, number> = {};
const threadsBefore = threadCpuSeconds(spec.serverPid);
const clientBefore = process.cpuUsage();
const started = performance.now();
await drive(spec.ordersPerAccount, (account, i) =>
  clients[account]!.OrderPerLicense({ DeviceId: devices[account]![i]!, Type: 0 }).catch((error: { code?: string }) => {
    const code = error.code ?? 'network';
    failed[code] = (failed[code] ?? 0) + 1;
  }),
);
const seconds = (performance.now() - started) / 1000;
const clientUsed = process.cpuUsage(clientBefore);
const threadsAfter = threadCpuSeconds(spec.serverPid);
const load = loadavg()[0]!;
if (profiler) {
  process.kill(spec.serverPid, 'SIGUSR2');
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(`${spec.profileDir}/phase.client.${process.pid}.cpuprofile`, JSON.stringify(profile));
  // The server writes its profiles meanwhile; it is stopped once this process has answered.
  await new Promise((done) => setTimeout(done, 3000));
}
agent.destroy();
const count = spec.ordersPerAccount * clients.length;
const perOrder = (cpuSeconds: number) => Math.round((cpuSeconds * 1e6) / count);
const serverOther: Record<string, number> = {};
let server = 0;
for (const [tid, { name, seconds: after }] of threadsAfter) {
  const used = after - (threadsBefore.get(tid)?.seconds ?? 0);
  server += used;
  if (tid === String(spec.serverPid)) continue;
  serverOther[`${name}#${tid}`] = perOrder(used);
}
const busiest = Object.fromEntries(Object.entries(serverOther).filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]).slice(0, 4));
const mainUsed = (threadsAfter.get(String(spec.serverPid))?.seconds ?? 0) - (threadsBefore.get(String(spec.serverPid))?.seconds ?? 0);
const result: OrderClientResult = {
  ordersPerSecond: count / seconds,
  failed,
  cpuPerOrder: { serverMain: perOrder(mainUsed), serverOther: busiest, server: perOrder(server), client: Math.round((clientUsed.user + clientUsed.system) / count) },
  load,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
