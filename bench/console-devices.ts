/**
 * The console's devices page (`GET /console/api/v1/accounts/{id}/mna/devices`, 50 rows) for an
 * account with 1,000 devices and one with 1,000,000, through the whole server: the first page, a
 * page deep in the list (its cursor taken from the middle) and a DeviceName prefix search. Keyset
 * paging on the account's unique name index should keep the 1,000,000 figures near the 1,000 ones
 * (the ratio printed). Prints figures; asserts nothing.
 *
 *   node --import tsx bench/console-devices.ts [sqlite|postgres] [calls]   (both engines by default)
 */
import { startTestServer } from '../test/support/server.ts';
import type { Dialect } from '../src/storage/database.ts';
import { fmt, table } from './support/harness.ts';

const dialects: Dialect[] = process.argv[2] ? [process.argv[2] as Dialect] : ['sqlite', 'postgres'];
const calls = Number(process.argv[3] ?? 300);
const CHUNK = 1_000;
const WARM_UP = 50;
const ROUNDS = 5;

const deviceName = (i: number) => `dev-${String(i).padStart(7, '0')}`;
const cursorAfter = (name: string) => Buffer.from(JSON.stringify([name])).toString('base64url');

/** A server whose account has `rows` devices (names dev-0000000 …), bulk-inserted through the store, and an admin session. */
async function prepare(dialect: Dialect, rows: number) {
  const server = await startTestServer({ dialect, env: { FLEETGATE_RATE_LIMIT: '1000000', FLEETGATE_LOG_LEVEL: 'warn' } });
  const account = await server.createAccount();
  const now = server.app.now();
  const started = performance.now();
  for (let start = 0; start < rows; start += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, rows - start) }, (_, k) => {
      const i = start + k;
      return {
        device_id: `mna-b${i.toString(36).padStart(9, '0')}`,
        account_id: account.id,
        device_name: deviceName(i),
        remark: '',
        data_key_sealed: 'bench',
        data_key_digest: `digest-${i}`,
        access_scope: 0,
        license_pay_mode: 0,
        flow_trunc: 0,
        group_id: null,
        hardware_id: null,
        created_at: now + i,
      };
    });
    await server.app.store.db.insertInto('mna_devices').values(chunk).execute();
  }
  const fillSeconds = (performance.now() - started) / 1000;
  const session = await fetch(`${server.url}/console/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ adminToken: server.adminToken }),
  });
  const { token } = (await session.json()) as { token: string };
  const base = `${server.url}/console/api/v1/accounts/${account.id}/mna/devices?limit=50`;
  const pages = {
    first: base,
    middle: `${base}&cursor=${cursorAfter(deviceName(Math.floor(rows / 2)))}`,
    prefix: `${base}&q=${deviceName(Math.floor(rows / 3)).slice(0, -2)}`,
  };
  const samples: Record<keyof typeof pages, number[]> = { first: [], middle: [], prefix: [] };
  const run = async (count: number, keep: boolean) => {
    for (let i = 0; i < count; i++) {
      for (const [name, url] of Object.entries(pages) as [keyof typeof pages, string][]) {
        const begun = performance.now();
        const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        const body = (await answer.json()) as { items: unknown[] };
        if (body.items.length === 0) throw new Error(`empty page ${name}`);
        if (keep) samples[name].push(performance.now() - begun);
      }
    }
  };
  return { server, fillSeconds, samples, run };
}

const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length * p)]!;

async function compare(dialect: Dialect) {
  const small = await prepare(dialect, 1_000);
  const large = await prepare(dialect, 1_000_000);
  try {
    await small.run(WARM_UP, false);
    await large.run(WARM_UP, false);
    for (let round = 0; round < ROUNDS; round++) {
      await small.run(calls / ROUNDS, true);
      await large.run(calls / ROUNDS, true);
    }
    console.log(`console devices page, 50 rows (${dialect}), ${fmt(calls)} sequential requests per page and size; 1,000,000 devices inserted in ${fmt(large.fillSeconds, 1)} s`);
    table(
      (['first', 'middle', 'prefix'] as const).map((page) => ({
        page,
        '1,000 p50 ms': fmt(percentile(small.samples[page], 0.5), 2),
        '1,000,000 p50 ms': fmt(percentile(large.samples[page], 0.5), 2),
        '1,000,000 p99 ms': fmt(percentile(large.samples[page], 0.99), 2),
        'p50 ratio': `${fmt(percentile(large.samples[page], 0.5) / percentile(small.samples[page], 0.5), 2)}x`,
      })),
    );
  } finally {
    await small.server.close();
    await large.server.close();
  }
}

for (const dialect of dialects) await compare(dialect);
