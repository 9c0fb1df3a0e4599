/**
 * The bare reference for HTTPS dynamic registration (PROTOCOL 5.1): what any server answering
 * it must do, with no Fleetgate code (node:http, node:crypto, better-sqlite3 only). Read the form
 * body, check the five fields, one prepared read of the product and its device, HMAC-SHA256 over
 * the sorted fields compared in constant time, refuse a used random, a new 32-hex secret sealed
 * with AES-256-GCM, one conditional UPDATE, a compact JSON answer. It holds the ProductSecret in
 * the clear, which Fleetgate opens per request. argv: a JSON spec, the port; GET /refusals answers how many requests were refused.
 */
import { createServer } from 'node:http';
import { createCipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import SQLite from 'better-sqlite3';

interface Spec {
  readonly database: string;
  readonly productSecret: string;
  /** base64, 32 bytes. */
  readonly masterKey: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const port = Number(process.argv[3]);
const masterKey = Buffer.from(spec.masterKey, 'base64');
const db = new SQLite(spec.database);
db.pragma('busy_timeout = 5000');
// Fleetgate's own durability setting (WAL, synchronous NORMAL): the same cost per commit.
db.pragma('synchronous = NORMAL');
const target = db.prepare(
  `select p.dynamic_registration, d.iot_id, d.activated_at from iot_products p
   left join iot_devices d on d.product_key = p.product_key and d.account_id = p.account_id and d.device_name = ?
   where p.product_key = ?`,
);
const update = db.prepare('update iot_devices set secret_sealed = ?, modified_at = ? where iot_id = ? and activated_at is null');
const randoms = new Map<string, number>();
const WINDOW_MS = 15 * 60 * 1000;
setInterval(() => {
  const now = Date.now();
  for (const [key, expires] of randoms) if (expires < now) randoms.delete(key);
}, 1000).unref();

function seal(plaintext: string, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv).setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

function answer(fields: URLSearchParams): string {
  const field = (name: string): string => fields.get(name) ?? '';
  const [productKey, deviceName, random, sign, method] = [field('productKey'), field('deviceName'), field('random'), field('sign'), field('signMethod')];
  if (!productKey || !deviceName || !random || !sign || method.toLowerCase() !== 'hmacsha256') return '{"code":460,"message":"request parameter error"}';
  const row = target.get(deviceName, productKey) as { dynamic_registration: number; iot_id: string | null; activated_at: number | null } | undefined;
  if (!row) return '{"code":6250,"message":"product not found"}';
  const expected = Buffer.from(createHmac('sha256', spec.productSecret).update(`deviceName${deviceName}productKey${productKey}random${random}`).digest('hex'));
  const given = Buffer.from(sign.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return '{"code":401,"message":"request auth error"}';
  const key = `${productKey}:${deviceName}:${random}`;
  if (randoms.has(key)) return '{"code":401,"message":"request auth error"}';
  randoms.set(key, Date.now() + WINDOW_MS);
  if (row.dynamic_registration !== 1 || row.activated_at !== null) return '{"code":401,"message":"request auth error"}';
  if (row.iot_id === null) return '{"code":6100,"message":"device not found"}';
  const secret = randomBytes(16).toString('hex');
  if (update.run(seal(secret, `iot.device:${row.iot_id}`), Date.now(), row.iot_id).changes === 0) return '{"code":401,"message":"request auth error"}';
  return JSON.stringify({ code: 200, data: { productKey, deviceName, deviceSecret: secret }, message: 'success' });
}

let refusals = 0;

createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  // The benchmark checks that every measured request registered.
  if (req.url === '/refusals') return void res.end(String(refusals));
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = answer(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    if (!body.startsWith('{"code":200,')) refusals++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
}).listen(port, '127.0.0.1');
// Exit normally on SIGTERM, so `--cpu-prof` (BENCH_CPU_PROF) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
