/**
 * OrderPerLicense through tencentcloud-sdk-nodejs at 50 connections, each order a different
 * device, on SQLite (file) and PostgreSQL: orders per second, then the audit: double charges
 * (devices with more than one order entry in the ledger), and the balance against the sum of the
 * ledger and against what the successful orders should have cost. Prints figures; asserts nothing.
 * The SDK runs in the server's process (a test server), so the figure includes the client's cost.
 *
 *   npm run bench -- mna-order            node --import tsx bench/mna-order.ts [orders] [connections]
 */
import { Agent } from 'node:http';
import { sql } from 'kysely';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { startTestServer } from '../test/support/server.ts';
import type { Dialect } from '../src/storage/database.ts';
import { balance, credit } from '../src/billing/ledger.ts';
import { priceOf } from '../src/billing/prices.ts';
import { fmt, table } from './support/harness.ts';

const orders = Number(process.argv[2] ?? 5_000);
const connections = Number(process.argv[3] ?? 50);

/** Runs `count` calls with `connections` in flight. */
async function drive(count: number, call: (i: number) => Promise<unknown>): Promise<{ seconds: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        const i = next++;
        await call(i).catch(() => failed++);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, failed };
}

async function run(dialect: Dialect) {
  const server = await startTestServer({ dialect, env: { FLEETGATE_RATE_LIMIT: '1000000000', FLEETGATE_LOG_LEVEL: 'warn' } });
  try {
    const account = await server.createAccount();
    const { store } = server.app;
    const price = await priceOf(store.db, 'mna.license.permanent.0');
    const funds = price * orders;
    await credit(store, account.id, funds, 'bench', server.app.now());
    // One keep-alive connection per worker, as 50 SDK users would hold.
    const agent = new Agent({ keepAlive: true, maxSockets: connections });
    const client = new tencentcloud.mna.v20210119.Client({
      credential: account.tencent,
      region: 'ap-guangzhou',
      profile: { httpProfile: { protocol: 'http://', endpoint: server.endpoint, agent } },
    });
    const devices: string[] = new Array(orders);
    await drive(orders, async (i) => {
      devices[i] = (await client.AddDevice({ DeviceName: `bench-${i}` })).DeviceId!;
    });
    // Warm-up outside the timed run: a device of its own, paid from an extra credit.
    await credit(store, account.id, price, 'warm-up', server.app.now());
    await client.OrderPerLicense({ DeviceId: (await client.AddDevice({ DeviceName: 'warm' })).DeviceId!, Type: 0 });

    const { seconds, failed } = await drive(orders, (i) => client.OrderPerLicense({ DeviceId: devices[i]!, Type: 0 }));
    agent.destroy();

    const doubles = await store.db
      .selectFrom('billing_ledger')
      .select('device_id')
      .where('account_id', '=', account.id)
      .where('kind', '=', 'order')
      .groupBy('device_id')
      .having(sql`count(*)`, '>', 1)
      .execute();
    const { sum } = await store.db
      .selectFrom('billing_ledger')
      .select(sql<string>`coalesce(sum(amount), 0)`.as('sum'))
      .where('account_id', '=', account.id)
      .executeTakeFirstOrThrow();
    const fen = await balance(store.db, account.id);
    const succeeded = orders - failed;
    return {
      dialect,
      orders,
      connections,
      'orders/s': fmt(orders / seconds),
      failed,
      'double charges': doubles.length,
      'balance == ledger sum': fen === Number(sum) ? 'yes' : `NO (${fen} vs ${sum})`,
      'balance == funds - price × paid': fen === funds - price * succeeded ? 'yes' : `NO (${fen} vs ${funds - price * succeeded})`,
    };
  } finally {
    await server.close();
  }
}

const rows = [];
for (const dialect of ['sqlite', 'postgres'] as const) rows.push(await run(dialect));
table(rows);
