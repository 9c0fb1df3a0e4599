/**
 * Drives OrderPerLicense through tencentcloud-sdk-nodejs from its own process, so the client's
 * JSON building, signing and response parsing never share the server's event loop. Each
 * connection pays with one of the given accounts (connection i with account i mod n): AddDevice
 * makes every order's device first (not timed), one order per account warms up, then the timed
 * run orders each device once. Input: a JSON OrderClientSpec as argv[2]; output: one JSON line.
 */
import { Agent } from 'node:http';
import tencentcloud from 'tencentcloud-sdk-nodejs';

export interface OrderClientSpec {
  readonly endpoint: string;
  readonly accounts: readonly { readonly secretId: string; readonly secretKey: string }[];
  /** Timed orders per account. */
  readonly ordersPerAccount: number;
  readonly connections: number;
}

export interface OrderClientResult {
  readonly ordersPerSecond: number;
  /** Orders the server refused, by error code. */
  readonly failed: Record<string, number>;
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

const failed: Record<string, number> = {};
const started = performance.now();
await drive(spec.ordersPerAccount, (account, i) =>
  clients[account]!.OrderPerLicense({ DeviceId: devices[account]![i]!, Type: 0 }).catch((error: { code?: string }) => {
    const code = error.code ?? 'network';
    failed[code] = (failed[code] ?? 0) + 1;
  }),
);
const seconds = (performance.now() - started) / 1000;
agent.destroy();
const result: OrderClientResult = { ordersPerSecond: (spec.ordersPerAccount * clients.length) / seconds, failed };
process.stdout.write(`${JSON.stringify(result)}\n`);
