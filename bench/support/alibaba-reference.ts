/**
 * The bare reference for BatchCheckImportDevice with 2 rows: what any Alibaba RPC v1 endpoint
 * answering it must do, with no Fleetgate code (node:http, node:crypto, better-sqlite3 only).
 * Decode the query, check the 15-minute window, sort and percent-encode the parameters,
 * HMAC-SHA1, compare in constant time, refuse a used SignatureNonce; one prepared read of the
 * names in the product; JSON.stringify the answer with a random RequestId. argv: a JSON spec, the port.
 */
import { createServer } from 'node:http';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import SQLite from 'better-sqlite3';

interface Spec {
  readonly database: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const port = Number(process.argv[3]);
const db = new SQLite(spec.database, { readonly: true });
const existing = db.prepare('select count(*) as n from iot_devices where account_id = ? and product_key = ? and device_name in (?, ?)');
const WINDOW_MS = 15 * 60 * 1000;
const nonces = new Map<string, number>();

const percentEncode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function verified(query: URLSearchParams): boolean {
  if (query.get('AccessKeyId') !== spec.accessKeyId || query.get('SignatureMethod') !== 'HMAC-SHA1') return false;
  const time = Date.parse(query.get('Timestamp') ?? '');
  if (!(Math.abs(Date.now() - time) <= WINDOW_MS)) return false;
  const pairs = [...query].filter(([name]) => name !== 'Signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
  const expected = Buffer.from(createHmac('sha1', `${spec.accessKeySecret}&`).update(`GET&%2F&${percentEncode(canonical)}`).digest('base64'));
  const given = Buffer.from(query.get('Signature') ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A nonce is kept for twice the window; expired ones are swept once a second. */
function claimNonce(nonce: string): boolean {
  if (nonces.has(nonce)) return false;
  nonces.set(nonce, Date.now() + 2 * WINDOW_MS);
  return true;
}
setInterval(() => {
  const now = Date.now();
  for (const [nonce, expires] of nonces) if (expires < now) nonces.delete(nonce);
}, 1000).unref();

createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  req.resume().on('end', () => {
    const query = new URLSearchParams(req.url!.slice(req.url!.indexOf('?') + 1));
    if (!verified(query) || !claimNonce(`${query.get('AccessKeyId')}:${query.get('SignatureNonce')}`)) {
      res.writeHead(400).end();
      return;
    }
    const names = [query.get('DeviceList.1.DeviceName'), query.get('DeviceList.2.DeviceName')];
    const { n } = existing.get(spec.accountId, query.get('ProductKey'), ...names) as { n: number };
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(n === 0 ? { RequestId: randomUUID().toUpperCase(), Success: true } : { RequestId: randomUUID().toUpperCase(), Success: false }));
  });
}).listen(port, '127.0.0.1');
// Exit normally on SIGTERM, so `--cpu-prof` (BENCH_CPU_PROF) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
