/**
 * OrderPerLicense through tencentcloud-sdk-nodejs at 50 connections, each order a different
 * device, against `node bin/fleetgate.js serve` in a process of its own (JSON log to a file), the
 * SDK in another process (or several sharing the connections: the sixth argument; see
 * support/order-load.ts): orders per second on SQLite (file) and PostgreSQL, and the CPU µs per
 * order over the timed orders of the server (all threads, its main thread, its busiest others)
 * and of the client (on a shared machine steadier than orders/s), with every order
 * paid by one account (all orders serialise on its balance row, by design) and spread over
 * several accounts as real tenants would. After each run, from the database: double charges
 * (devices with more than one order entry), balances against the sum of their ledger, against
 * what the paid orders should have cost, and paid orders against licenses. Prints figures; asserts nothing.
 *
 *   npm run bench -- mna-order      node --import tsx bench/mna-order.ts [orders] [connections] [accounts] [sqlite,postgres] [client processes]
 *   BENCH_CPU_PROF=<dir> writes the server's V8 CPU profile there (its whole life, set-up included).
 *   BENCH_PHASE_PROF=<dir> writes CPU profiles of the timed orders only there: the server's threads
 *   (phase.<pid>.<thread>.cpuprofile, 0 the main thread) and the clients' (phase.client.<pid>…).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { balance, credit } from '../src/billing/ledger.ts';
import { priceOf } from '../src/billing/prices.ts';
import type { Dialect } from '../src/storage/database.ts';
import { freshPostgresSchema } from '../test/support/databases.ts';
import { startFleetgate } from './support/serve.ts';
import { benchDataDir, seed } from './support/seed.ts';
import { fmt, table } from './support/harness.ts';
import { orderLoad } from './support/order-load.ts';

const orders = Number(process.argv[2] ?? 10_000);
const connections = Number(process.argv[3] ?? 50);
const tenants = Number(process.argv[4] ?? 10);
const dialects = (process.argv[5] ?? 'sqlite,postgres').split(',') as Dialect[];
const processes = Number(process.argv[6] ?? 1);
const PRICE_ITEM = 'mna.license.permanent.0';

async function run(dialect: Dialect, accounts: number) {
  const { dataDir, env } = benchDataDir();
  const schema = dialect === 'postgres' ? await freshPostgresSchema() : undefined;
  if (schema) env.FLEETGATE_DATABASE_URL = schema.url;
  // Client processes that share an account share its orders evenly.
  const sharing = accounts < processes ? processes : 1;
  const ordersPerAccount = Math.ceil(orders / accounts / sharing) * sharing;
  try {
    // Each account can pay for its timed orders and its warm-up orders (one per client process using it), no more.
    const { keys, ids, price, funds } = await seed(dataDir, env, async ({ store, secrets }) => {
      const now = Date.now();
      const price = await priceOf(store.db, PRICE_ITEM);
      const funds = price * (ordersPerAccount + sharing);
      const created = [];
      for (let a = 0; a < accounts; a++) {
        const made = await createAccountWithKeys(store.db, secrets, { name: `bench-${a}`, now });
        await credit(store, made.account.id, funds, 'bench', now);
        created.push(made);
      }
      return { keys: created.map((made) => ({ secretId: made.keys[0]!.keyId, secretKey: made.keys[0]!.secret })), ids: created.map((made) => made.account.id), price, funds };
    });
    const profileDir = process.env.BENCH_PHASE_PROF;
    if (profileDir) env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${join(import.meta.dirname, 'support/phase-profile.mjs')}`;
    const server = await startFleetgate(dataDir, env);
    let result;
    try {
      result = await orderLoad({ endpoint: `127.0.0.1:${server.port}`, accounts: keys, ordersPerAccount, connections, processes, serverPid: server.pid, profileDir });
    } catch (error) {
      // What the server said last, before its data directory goes.
      console.error(readFileSync(join(dataDir, 'serve.log'), 'utf8').split('\n').slice(-20).join('\n'));
      throw error;
    } finally {
      await server.stop();
    }
    const audit = await seed(dataDir, env, async ({ store }) => {
      let doubles = 0;
      const mismatches: string[] = [];
      for (const id of ids) {
        const charged = await store.db
          .selectFrom('billing_ledger')
          .select(['device_id', sql<number>`count(*)`.as('n')])
          .where('account_id', '=', id)
          .where('kind', '=', 'order')
          .groupBy('device_id')
          .execute();
        doubles += charged.filter((row) => Number(row.n) > 1).length;
        const paid = charged.reduce((sum, row) => sum + Number(row.n), 0);
        const { sum } = await store.db.selectFrom('billing_ledger').select(sql<string>`coalesce(sum(amount), 0)`.as('sum')).where('account_id', '=', id).executeTakeFirstOrThrow();
        const { n: licenses } = await store.db.selectFrom('mna_licenses').select(sql<string>`count(*)`.as('n')).where('account_id', '=', id).executeTakeFirstOrThrow();
        const fen = await balance(store.db, id);
        if (fen !== Number(sum)) mismatches.push(`${id}: balance ${fen} != ledger sum ${sum}`);
        if (fen !== funds - price * paid) mismatches.push(`${id}: balance ${fen} != ${funds - price * paid}`);
        if (paid !== Number(licenses)) mismatches.push(`${id}: ${paid} orders charged, ${licenses} licenses`);
      }
      return { doubles, mismatches };
    });
    console.log(`${dialect}, ${accounts} account(s): server threads other than the main one, CPU µs/order: ${JSON.stringify(result.cpuPerOrder.serverOther)}`);
    const failed = Object.values(result.failed).reduce((a, b) => a + b, 0);
    return {
      dialect,
      accounts,
      orders: ordersPerAccount * accounts,
      connections,
      'orders/s': fmt(result.ordersPerSecond),
      'server CPU µs/order (main thread)': `${result.cpuPerOrder.server} (${result.cpuPerOrder.serverMain})`,
      'clients CPU µs/order': result.cpuPerOrder.client,
      'server syscalls/order (read, write)': `${result.serverPerOrder.reads}, ${result.serverPerOrder.writes}`,
      'server context switches/order (voluntary, preempted)': `${result.serverPerOrder.voluntarySwitches}, ${result.serverPerOrder.involuntarySwitches}`,
      load: fmt(result.load, 1),
      failed: failed === 0 ? '0' : JSON.stringify(result.failed),
      'double charges': audit.doubles,
      'balances == ledger sums == funds - price × paid, paid == licenses': audit.mismatches.length === 0 ? 'yes' : `NO: ${audit.mismatches.slice(0, 3).join('; ')}`,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await schema?.drop();
  }
}

console.log(`OrderPerLicense through \`fleetgate serve\`, tencentcloud-sdk-nodejs in ${processes} process(es) of its own, ${connections} connections in all, each order a different device`);
const rows = [];
for (const dialect of dialects) {
  for (const accounts of [1, tenants]) rows.push(await run(dialect, accounts));
}
table(rows);
