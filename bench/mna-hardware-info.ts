/**
 * GetHardwareInfo latency against a store of 1,000 hardware rows and one of 1,000,000, through
 * the whole server with tencentcloud-sdk-nodejs (one call at a time, random SNs), plus the
 * process's peak RSS. The point read uses two unique indexes, so the p50 should barely move
 * (target ≤ 1.2×). Prints figures; asserts nothing.
 *
 *   node --import tsx bench/mna-hardware-info.ts [sqlite|postgres] [calls]   (both engines by default)
 */
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { startTestServer } from '../test/support/server.ts';
import type { Dialect } from '../src/storage/database.ts';
import { registerVendor } from '../src/services/tencent/mna/store/vendors.ts';
import { insertHardware } from '../src/services/tencent/mna/store/hardware.ts';
import { alternateRounds, fmt, percentile, table } from './support/harness.ts';

const dialects: Dialect[] = process.argv[2] ? [process.argv[2] as Dialect] : ['sqlite', 'postgres'];
const calls = Number(process.argv[3] ?? 2_000);
const CHUNK = 1_000;
const VENDOR = 'BenchVendor';
/** Calls before timing starts: JIT, statement caches and index pages warm up. */
const WARM_UP = 500;
const ROUNDS = 10;

/** A server whose vendor has `rows` hardware rows (SNs sn-0 … sn-(rows-1)), and a reading client. */
async function prepare(dialect: Dialect, rows: number) {
  const server = await startTestServer({ dialect, env: { FLEETGATE_RATE_LIMIT: '1000000', FLEETGATE_LOG_LEVEL: 'warn' } });
  const vendor = await server.createAccount();
  await registerVendor(server.app.store.db, vendor.id, VENDOR, server.app.now());
  const now = server.app.now();
  const started = performance.now();
  for (let start = 0; start < rows; start += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, rows - start) }, (_, i) => ({
      hardware_id: `cpe-b${(start + i).toString(36)}`,
      sn: `sn-${start + i}`,
      license_charging_mode: 1 + ((start + i) % 3),
      description: 'bench',
      status: 1 as const,
      created_at: now,
      activated_at: null,
      owner_account_id: null,
    }));
    await insertHardware(server.app.store.db, vendor.id, chunk);
  }
  const fillSeconds = (performance.now() - started) / 1000;
  const reader = await server.createAccount();
  const client = new tencentcloud.mna.v20210119.Client({
    credential: reader.tencent,
    region: 'ap-guangzhou',
    profile: { httpProfile: { protocol: 'http://', endpoint: server.endpoint } },
  });
  const samples: number[] = [];
  /** Times `count` sequential calls for random SNs. */
  const run = async (count: number, keep: boolean) => {
    // The server drops keep-alive sockets idle for 5 s; the SDK's agent finds out on its next
    // request, which may then fail with ECONNRESET.
    await client.GetHardwareInfo({ Vendor: VENDOR, SN: 'sn-0' }).catch(() => undefined);
    for (let i = 0; i < count; i++) {
      const SN = `sn-${Math.floor(Math.random() * rows)}`;
      const begun = performance.now();
      await client.GetHardwareInfo({ Vendor: VENDOR, SN });
      if (keep) samples.push(performance.now() - begun);
    }
  };
  return { server, fillSeconds, samples, run };
}

/** Both stores side by side on one engine; prints p50/p99 of each, their ratio and peak RSS. */
async function compare(dialect: Dialect) {
  const small = await prepare(dialect, 1_000);
  const large = await prepare(dialect, 1_000_000);
  try {
    await alternateRounds([small, large], WARM_UP, calls, ROUNDS);
    const row = (rows: string, s: number[]) => ({ rows, 'p50 ms': fmt(percentile(s, 0.5), 2), 'p99 ms': fmt(percentile(s, 0.99), 2) });
    console.log(`GetHardwareInfo (${dialect}), ${fmt(calls)} sequential calls per size in ${ROUNDS} alternating rounds; 1,000,000 rows inserted in ${fmt(large.fillSeconds, 1)} s`);
    table([row('1,000', small.samples), row('1,000,000', large.samples)]);
    console.log(`p50 ratio 1,000,000 / 1,000: ${fmt(percentile(large.samples, 0.5) / percentile(small.samples, 0.5), 2)}x`);
    console.log(`peak RSS so far (servers and client, one process): ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
  } finally {
    await small.server.close();
    await large.server.close();
  }
}

for (const dialect of dialects) await compare(dialect);
