/**
 * The bare reference for GetHardwareInfo: what any TC3 endpoint answering it must do, with no
 * Fleetgate code (node:http, node:crypto, better-sqlite3 only). Parse the Authorization header,
 * check the 300 s window, build the canonical request, hash the body, derive the signing key,
 * HMAC, compare in constant time; JSON.parse the body; one prepared point read; JSON.stringify
 * the envelope with a random RequestId. argv: a JSON spec, the port.
 */
import { createServer } from 'node:http';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import SQLite from 'better-sqlite3';

interface Spec {
  readonly database: string;
  readonly secretId: string;
  readonly secretKey: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const port = Number(process.argv[3]);
const db = new SQLite(spec.database, { readonly: true });
const lookup = db.prepare(
  `select h.license_charging_mode as mode from mna_vendors v
   join mna_hardware h on h.account_id = v.account_id and h.sn = ? where v.name = ?`,
);
const AUTHORIZATION = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function verified(headers: Record<string, string | string[] | undefined>, body: Buffer): boolean {
  const m = AUTHORIZATION.exec(String(headers.authorization));
  if (!m || m[1] !== spec.secretId) return false;
  const [, , date, service, signedHeaders, signature] = m as unknown as string[];
  const timestamp = String(headers['x-tc-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== date) return false;
  const names = signedHeaders!.split(';');
  // The benchmark signs the host as the Node SDK does: without the port.
  const value = (name: string) => (name === 'host' ? String(headers.host).replace(/:\d+$/, '') : String(headers[name] ?? ''));
  const canonicalHeaders = names.map((name) => `${name}:${value(name).trim().toLowerCase()}\n`).join('');
  const canonical = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${sha256(body)}`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${spec.secretKey}`, date!), service!), 'tc3_request');
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign).digest('hex'));
  const given = Buffer.from(signature!);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (!verified(req.headers, body)) {
      res.writeHead(401).end();
      return;
    }
    const { Vendor, SN } = JSON.parse(body.toString('utf8')) as { Vendor: string; SN: string };
    const row = lookup.get(SN, Vendor) as { mode: number } | undefined;
    // Charging mode 2 (vendor pays monthly) is what the benchmark's hardware has: LicensePayMode 0, Payer 1.
    const fields = row?.mode === 2 ? { LicensePayMode: 0, Payer: 1, SN, Vendor } : { Error: { Code: 'OperationDenied.HardwareNotExist' } };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Response: { ...fields, RequestId: randomUUID() } }));
  });
}).listen(port, '127.0.0.1');
// Exit normally on SIGTERM, so `--cpu-prof` (BENCH_CPU_PROF) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
