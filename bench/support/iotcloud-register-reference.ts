/**
 * The bare reference for IoT Hub auto-create registration (RegisterType 2): what any server
 * answering `/device/register` must do, with no Fleetgate code (node:http, node:crypto,
 * better-sqlite3 or pg). Doing the same work as Fleetgate, not less: the ProductSecret is kept
 * sealed (AES-256-GCM) and opened for each request, as a server keeping secrets sealed at rest
 * must; check the X-TC-* signature (body hash, HMAC with the ProductSecret, host without its port);
 * refuse a (product, device, timestamp, nonce) seen within 600 s (an in-memory map, as Fleetgate
 * without Redis); JSON.parse the body; read the product, raise its counters under the
 * RegisterLimit and insert the device with its PSK sealed (AES-256-GCM) in one transaction;
 * encrypt the payload (AES-128-CBC, zero padding); answer with a random RequestId.
 * argv: a JSON spec, the port.
 */
import { createServer } from 'node:http';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';

interface Spec {
  /** A SQLite file or a postgres:// URL. */
  readonly database: string;
  readonly productSecret: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const port = Number(process.argv[3]);
const MAX_DEVICES = 1_000_000;
const IV = Buffer.from('0000000000000000');
const NONCE_TTL_MS = 600_000;

// Secrets at rest: AES-256-GCM under a key of this process, bound to what they belong to.
const SEALING_KEY = randomBytes(32);

function seal(plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', SEALING_KEY, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
}

function open(sealed: string, aad: string): string {
  const [iv, tag, body] = sealed.split('.') as [string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', SEALING_KEY, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

const sealedProductSecret = seal(spec.productSecret, 'product');

/** Nonces seen, with when they may be used again; swept every 10 s. */
const seen = new Map<string, number>();
let nextSweep = 0;

function firstUse(key: string): boolean {
  const now = Date.now();
  if (now >= nextSweep) {
    for (const [k, expires] of seen) if (expires <= now) seen.delete(k);
    nextSweep = now + 10_000;
  }
  if ((seen.get(key) ?? 0) > now) return false;
  seen.set(key, now + NONCE_TTL_MS);
  return true;
}

type Register = (productId: string, deviceName: string, pskSealed: string, now: number) => Promise<boolean>;

const PRODUCT = 'select account_id, register_type from iotcloud_products where product_id = $1';
const RAISE = `update iotcloud_products set device_count = device_count + 1, dynamic_device_count = dynamic_device_count + 1
  where product_id = $1 and device_count < ${MAX_DEVICES} and dynamic_device_count < register_limit`;
const INSERT = `insert into iotcloud_devices (product_id, device_name, account_id, psk_sealed, cert, cert_state, enable_state, log_level, tags,
  isp, imei, version, online, login_at, first_online_at, last_offline_at, client_ip, shadow, dynamic_registered, created_at, updated_at)
  values ($1, $2, $3, $4, null, 0, 1, 0, '[]', 0, '', '', 0, null, null, null, null, null, 1, $5, $5)`;

function sqliteRegister(file: string): Register {
  const db = new SQLite(file);
  db.pragma('busy_timeout = 5000');
  // Fleetgate's own durability setting (WAL, synchronous NORMAL): the same cost per commit.
  db.pragma('synchronous = NORMAL');
  const sqlite = (text: string) => db.prepare(text.replace(/\$\d/g, (m) => `@p${m.slice(1)}`));
  const product = sqlite(PRODUCT);
  const raise = sqlite(RAISE);
  const insert = sqlite(INSERT);
  const register = db.transaction((productId: string, deviceName: string, pskSealed: string, now: number) => {
    const row = product.get({ p1: productId }) as { account_id: string; register_type: number } | undefined;
    if (row?.register_type !== 2 || raise.run({ p1: productId }).changes !== 1) return false;
    insert.run({ p1: productId, p2: deviceName, p3: row.account_id, p4: pskSealed, p5: now });
    return true;
  });
  return async (...args) => register.immediate(...args);
}

function postgresRegister(url: string): Register {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return async (productId, deviceName, pskSealed, now) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const row = (await client.query<{ account_id: string; register_type: number }>(PRODUCT, [productId])).rows[0];
      const ok = row?.register_type === 2 && (await client.query(RAISE, [productId])).rowCount === 1;
      if (ok) await client.query(INSERT, [productId, deviceName, row.account_id, pskSealed, now]);
      await client.query(ok ? 'commit' : 'rollback');
      return ok;
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  };
}

const register = spec.database.startsWith('postgres') ? postgresRegister(spec.database) : sqliteRegister(spec.database);

function verified(headers: Record<string, string | string[] | undefined>, body: Buffer, productSecret: string): boolean {
  const algorithm = String(headers['x-tc-algorithm']);
  const hash = algorithm === 'hmacsha256' ? 'sha256' : algorithm === 'hmacsha1' ? 'sha1' : undefined;
  if (!hash) return false;
  const host = String(headers.host).replace(/:\d+$/, '');
  const stringToSign = `POST\n${host}\n/device/register\n\n${algorithm}\n${headers['x-tc-timestamp']}\n${headers['x-tc-nonce']}\n${createHash(hash).update(body).digest('hex')}`;
  const expected = Buffer.from(createHmac(hash, productSecret).update(stringToSign).digest('base64'));
  const given = Buffer.from(String(headers['x-tc-signature']));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function payload(productSecret: string, plaintext: string): { Len: number; Payload: string } {
  const plain = Buffer.from(plaintext);
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(productSecret.slice(0, 16)), IV).setAutoPadding(false);
  const padded = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]);
  return { Len: plain.length, Payload: Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64') };
}

createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const answer = (fields: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { ...fields, RequestId: randomUUID() } }));
    };
    const { ProductId, DeviceName } = JSON.parse(body.toString('utf8')) as { ProductId: string; DeviceName: string };
    const productSecret = open(sealedProductSecret, 'product');
    if (!verified(req.headers, body, productSecret)) return answer({ Error: { Code: 'AuthFailure.SignatureFailure' } });
    if (!firstUse(`${ProductId}/${DeviceName}/${req.headers['x-tc-timestamp']}/${req.headers['x-tc-nonce']}`)) return answer({ Error: { Code: 'AuthFailure.SignatureFailure' } });
    const psk = randomBytes(16).toString('base64');
    register(ProductId, DeviceName, seal(psk, `${ProductId}/${DeviceName}`), Date.now()).then(
      (created) => answer(created ? payload(productSecret, JSON.stringify({ encryptionType: 2, psk })) : { Error: { Code: 'LimitExceeded.DeviceExceedLimit' } }),
      () => answer({ Error: { Code: 'InternalError' } }),
    );
  });
}).listen(port, '127.0.0.1');
// Exit normally on SIGTERM, so `--cpu-prof` (BENCH_CPU_PROF) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
