/**
 * Signed GetHardwareInfo (TC3, full Fleetgate pipeline: Fastify, signature, key ring, rate
 * limiting raised out of the way, parameter validation, Kysely query, JSON log line, metrics)
 * against a bare reference measured in the same run: a node:http server that does the same TC3
 * parse and verification, one better-sqlite3 point read on the same database file, and writes the
 * same envelope. autocannon drives both from its own process, 50 connections. Rounds alternate
 * (reference, Fleetgate, reference, Fleetgate, …) so drift on a noisy machine hits both alike;
 * the ratio is of the medians.
 *
 *   npm run bench -- tencent-gateway        (BENCH_ROUNDS pairs of BENCH_SECONDS each, default 3 × 10 s)
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { pino } from 'pino';
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { loadConfig } from '../src/config.ts';
import { openRuntime } from '../src/runtime.ts';
import { buildServer } from '../src/server.ts';
import { createAccountWithKeys } from '../src/core/bootstrap.ts';
import { parseTencentRequest, successBody, JSON_CONTENT_TYPE } from '../src/protocols/tencent/index.ts';
import { signTc3Request } from '../test/support/tencent-signer.ts';
import { hardwareLicense } from '../src/services/tencent/mna/licensing.ts';
import { fmt, load, table } from './support/harness.ts';
import type { LoadResult } from './support/load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;

const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-bench-'));
const config = loadConfig(
  { port: 0, dataDir },
  { FLEETGATE_MASTER_KEY: randomBytes(32).toString('base64'), FLEETGATE_ADMIN_TOKEN: 'bench', FLEETGATE_RATE_LIMIT: '1000000000' },
);
const logger = pino({ level: 'info' }, pino.destination({ dest: join(dataDir, 'fleetgate.log'), sync: false }));
const runtime = await openRuntime(config, { logger, serving: true });
const fleetgate = await buildServer(runtime);
await fleetgate.listen({ host: '127.0.0.1', port: 0 });
const fleetgatePort = (fleetgate.server.address() as { port: number }).port;

// One vendor with one SN, one customer asking about it.
const vendor = await createAccountWithKeys(runtime.store.db, runtime.secrets, { name: 'bench-vendor', now: Date.now() });
const customer = await createAccountWithKeys(runtime.store.db, runtime.secrets, { name: 'bench-customer', now: Date.now() });
await fetch(`http://127.0.0.1:${fleetgatePort}/admin/v1/vendors`, {
  method: 'POST',
  headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
  body: JSON.stringify({ accountId: vendor.account.id, name: 'kainan' }),
});
await new tencentcloud.mna.v20210119.Client({
  credential: { secretId: vendor.keys[0].keyId, secretKey: vendor.keys[0].secret },
  profile: { httpProfile: { protocol: 'http://', endpoint: `127.0.0.1:${fleetgatePort}` } },
}).AddHardware({ Hardware: [{ SN: '123321', LicenseChargingMode: 2 }] });

/** The reference server: what any TC3 endpoint must do, and nothing else. */
function startReference(): Promise<Server> {
  const db = new SQLite(join(dataDir, 'fleetgate.db'), { readonly: true });
  const lookup = db.prepare(
    `select h.license_charging_mode as mode from mna_vendors v
     join mna_hardware h on h.account_id = v.account_id and h.sn = ? where v.name = ?`,
  );
  const secrets = new Map([[customer.keys[0].keyId, customer.keys[0].secret]]);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const request = parseTencentRequest({ method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks) }, Math.floor(Date.now() / 1000));
      const secret = secrets.get(request.secretId);
      if (!secret || !request.verify(secret)) throw new Error('the reference must only see valid requests');
      const { Vendor, SN } = (request.params as unknown as { value: { Vendor: string; SN: string } }).value;
      const row = lookup.get(SN, Vendor) as { mode: number };
      const license = hardwareLicense(row.mode, null);
      res.writeHead(200, { 'content-type': JSON_CONTENT_TYPE });
      res.end(successBody(randomUUID(), { LicensePayMode: license.licensePayMode, Payer: license.payer, SN, Vendor }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const reference = await startReference();
const referencePort = (reference.address() as { port: number }).port;

// TC3 has no nonce: one signed request can be replayed for the whole run (within its 300 s).
const signed = signTc3Request({
  secretId: customer.keys[0].keyId,
  secretKey: customer.keys[0].secret,
  action: 'GetHardwareInfo',
  version: '2021-01-19',
  timestamp: Math.floor(Date.now() / 1000) + 60,
  host: '127.0.0.1',
  params: { Vendor: 'kainan', SN: '123321' },
});
const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host')) as Record<string, string>;
const drive = (port: number, seconds: number) =>
  load({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, seconds, method: 'POST', headers, body: signed.body.toString() });

const check = (await (await fetch(`http://127.0.0.1:${fleetgatePort}/`, { method: 'POST', headers, body: signed.body })).json()) as { Response: { Error?: unknown } };
if (check.Response.Error) throw new Error(`the signed request fails: ${JSON.stringify(check)}`);

await drive(referencePort, 2);
await drive(fleetgatePort, 2);
const rounds: { target: string; result: LoadResult }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  rounds.push({ target: 'bare node:http reference', result: await drive(referencePort, SECONDS) });
  rounds.push({ target: 'Fleetgate', result: await drive(fleetgatePort, SECONDS) });
}

const median = (target: string, pick: (r: LoadResult) => number) => {
  const values = rounds
    .filter((r) => r.target === target)
    .map((r) => pick(r.result))
    .sort((a, b) => a - b);
  const middle = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
};
console.log(`\nGetHardwareInfo, TC3 POST, ${CONNECTIONS} connections, ${SECONDS} s per round, SQLite`);
table(
  rounds.map(({ target, result }) => ({
    target,
    'req/s': fmt(result.requestsPerSecond),
    'p50 ms': fmt(result.p50Ms, 1),
    'p99 ms': fmt(result.p99Ms, 1),
    errors: result.errors + result.non2xx,
  })),
);
const ratio = median('Fleetgate', (r) => r.requestsPerSecond) / median('bare node:http reference', (r) => r.requestsPerSecond);
console.log(
  `median req/s: reference ${fmt(median('bare node:http reference', (r) => r.requestsPerSecond))}, Fleetgate ${fmt(median('Fleetgate', (r) => r.requestsPerSecond))}; ` +
    `ratio Fleetgate/reference = ${ratio.toFixed(2)} (target ≥ 0.75); ` +
    `p99 reference ${fmt(median('bare node:http reference', (r) => r.p99Ms), 1)} ms, Fleetgate ${fmt(median('Fleetgate', (r) => r.p99Ms), 1)} ms`,
);

await fleetgate.close();
await new Promise((resolve) => reference.close(resolve));
await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
