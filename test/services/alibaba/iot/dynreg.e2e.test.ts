import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { register, type RegisterAnswer } from 'alibabacloud-iot-device-sdk';
import { signUtil } from 'alibabacloud-iot-device-sdk/lib/utils.js';
import { DIALECTS, REDIS_URL, startCluster, startTestServer, type TestServer } from '../../../support/server.ts';
import { alibabaClient, expectAlibabaError, type Body } from '../../../support/alibaba-harness.ts';
import { deviceSign, type DeviceSignMethod } from '../../../support/alibaba-device-signer.ts';
import { runCli } from '../../../support/cli.ts';
import { parseMqttCredentials, verifyMqttPassword } from '../../../../src/protocols/alibaba-device/index.ts';
import { loadConfig } from '../../../../src/config.ts';
import { createAccount } from '../../../../src/core/accounts.ts';
import { openRuntime } from '../../../../src/runtime.ts';
import { ensureDefaultInstance, findInstanceId } from '../../../../src/services/alibaba/iot/store/instances.ts';
import { createProduct } from '../../../../src/services/alibaba/iot/store/products.ts';
import { registerDevice } from '../../../../src/services/alibaba/iot/store/devices.ts';

/** The device SDK's own HTTPS dynamic registration, pointed at the server. */
function sdkRegister(server: TestServer, device: { productKey: string; productSecret: string; deviceName: string; signMethod?: string }): Promise<RegisterAnswer> {
  return new Promise((resolve, reject) =>
    register({ ...device, registerURL: `${server.url}/auth/register/device` }, (answer) => (answer instanceof Error ? reject(answer) : resolve(answer))),
  );
}

/** Whether `secret` is the device's current DeviceSecret, by the MQTT login (PROTOCOL 5.3) the device SDK would send with it. */
function mqttLoginWorks(device: { productKey: string; deviceName: string }, secret: string, current: string): boolean {
  const login = signUtil({ ...device, deviceSecret: secret }, 'sha1');
  const credentials = parseMqttCredentials(`${login.clientId}|securemode=3,signmethod=${login.signMethod},timestamp=${login.timestamp},lan=NODEJS|`, `${device.deviceName}&${device.productKey}`);
  if (typeof credentials === 'string') throw new Error(credentials);
  return verifyMqttPassword(credentials, current, login.sign);
}

let randoms = 0;

/** A registration body signed by the test client; `fields` override what is sent. */
function signedBody(device: { productKey: string; productSecret: string; deviceName: string }, fields: Record<string, string> = {}, method: DeviceSignMethod = 'hmacsha256'): string {
  const random = fields.random ?? `r${++randoms}x${Date.now()}`;
  const sign = deviceSign(method, device.productSecret, { productKey: device.productKey, deviceName: device.deviceName, random });
  return new URLSearchParams({ productKey: device.productKey, deviceName: device.deviceName, random, sign, signMethod: method, ...fields }).toString();
}

async function post(server: TestServer, body: string): Promise<{ status: number; text: string; json: Body }> {
  const response = await fetch(`${server.url}/auth/register/device`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Body };
}

async function admin(server: TestServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${server.url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

/** A product (switch as given) with one registered device, of a fresh account. */
async function setUp(server: TestServer, dynamicRegistration: boolean, deviceName = 'dyn-device-1') {
  const account = await server.createAccount();
  const client = alibabaClient('pop-core POST', server, account);
  const product = await client.call('CreateProduct', { ProductName: `dynreg_${++randoms}`, NodeType: 0 });
  const productKey = product.ProductKey as string;
  const registered = await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: deviceName });
  if (dynamicRegistration) await admin(server, 'PUT', `/iot/products/${productKey}/dynamic-registration`, { enabled: true });
  const device = { productKey, productSecret: product.Data.ProductSecret as string, deviceName };
  return { account, client, device, iotId: registered.Data.IotId as string, firstSecret: registered.Data.DeviceSecret as string };
}

describe.each(DIALECTS)('HTTPS dynamic registration against a running server (%s)', (dialect) => {
  let server: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    server = await startTestServer({ dialect, logger });
  });
  afterAll(() => server.close());

  it('RegisterDevice → switch on → the device SDK registers → the new secret logs in → activated → refused → ResetThing → registers again', async () => {
    const { account, client, device, iotId, firstSecret } = await setUp(server, false);
    const off = await sdkRegister(server, device).catch((answer: RegisterAnswer) => answer);
    expect(off).toEqual({ code: 401, message: 'request auth error: dynamic registration is off for this product' });

    const switched = await admin(server, 'PUT', `/iot/products/${device.productKey}/dynamic-registration`, { enabled: true });
    expect(switched).toEqual({
      status: 200,
      body: { productKey: device.productKey, accountId: account.id, iotInstanceId: null, name: expect.any(String), nodeType: 0, deviceCount: 1, dynamicRegistration: true, createdAt: expect.any(Number) },
    });
    expect((await admin(server, 'GET', `/iot/products/${device.productKey}`)).body.dynamicRegistration).toBe(true);

    const first = await sdkRegister(server, device);
    expect(first).toEqual({ code: 200, data: { productKey: device.productKey, deviceName: device.deviceName, deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/) }, message: 'success' });
    const secret = first.data!.deviceSecret;
    expect(secret).not.toBe(firstSecret);
    const detail = await client.call('QueryDeviceDetail', { IotId: iotId });
    expect(detail.Data).toMatchObject({ DeviceSecret: secret, Status: 'UNACTIVE' });
    expect(detail.Data.GmtActive).toBeUndefined();
    expect(mqttLoginWorks(device, secret, detail.Data.DeviceSecret)).toBe(true);
    expect(mqttLoginWorks(device, firstSecret, detail.Data.DeviceSecret)).toBe(false);

    const activated = await admin(server, 'POST', `/iot/products/${device.productKey}/devices/${device.deviceName}/activate`);
    expect(activated).toEqual({ status: 200, body: { productKey: device.productKey, deviceName: device.deviceName, iotId, status: 'OFFLINE', activatedAt: expect.any(Number) } });
    const active = await client.call('QueryDeviceDetail', { ProductKey: device.productKey, DeviceName: device.deviceName });
    expect(active.Data).toMatchObject({ Status: 'OFFLINE', GmtActive: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), UtcActive: new Date(activated.body.activatedAt).toISOString() });
    expect((await client.call('QueryDevice', { ProductKey: device.productKey })).Data.DeviceInfo[0]).toMatchObject({ DeviceStatus: 'OFFLINE' });
    // Activating again keeps the first activation time.
    expect((await admin(server, 'POST', `/iot/products/${device.productKey}/devices/${device.deviceName}/activate`)).body.activatedAt).toBe(activated.body.activatedAt);

    const refused = await sdkRegister(server, device).catch((answer: RegisterAnswer) => answer);
    expect(refused).toEqual({ code: 401, message: 'request auth error: the device has already activated; ResetThing lets it register again' });
    expect((await client.call('QueryDeviceInfo', { IotId: iotId })).Data.DeviceSecret).toBe(secret);

    const reset = await alibabaClient('iot20180120 ACS3', server, account).call('ResetThing', { ProductKey: device.productKey, DeviceName: device.deviceName });
    expect(reset).toEqual({ RequestId: expect.any(String), Success: true, JobId: expect.stringMatching(/^[A-Za-z0-9]{20}$/) });
    const unactive = await client.call('QueryDeviceDetail', { IotId: iotId });
    expect(unactive.Data).toMatchObject({ Status: 'UNACTIVE', DeviceSecret: secret });
    expect(unactive.Data.GmtActive).toBeUndefined();

    const again = await sdkRegister(server, device);
    expect(again.code).toBe(200);
    expect(again.data!.deviceSecret).not.toBe(secret);
    expect((await client.call('QueryDeviceInfo', { IotId: iotId })).Data.DeviceSecret).toBe(again.data!.deviceSecret);
  });

  it('ResetThing through pop-core: by IotId, an unactivated device is a no-op reset; the documented identity errors', async () => {
    const { client, device, iotId } = await setUp(server, true);
    expect(await client.call('ResetThing', { IotId: iotId })).toMatchObject({ Success: true, JobId: expect.any(String) });
    await expectAlibabaError(client.call('ResetThing', { IotId: 'A'.repeat(26) }), 'iot.device.NotExistedDevice');
    await expectAlibabaError(client.call('ResetThing', { IotId: 'short' }), 'iot.device.InvalidIoTId');
    await expectAlibabaError(client.call('ResetThing', { ProductKey: device.productKey }), 'iot.device.NullDeviceName');
    await expectAlibabaError(client.call('ResetThing', { DeviceName: device.deviceName }), 'iot.prod.NullProductKey');
    await expectAlibabaError(client.call('ResetThing', { ProductKey: device.productKey, DeviceName: 'no such device' }), 'iot.device.InvalidFormattedDeviceName');
    await expectAlibabaError(client.call('ResetThing', { IotId: iotId, IotInstanceId: 'iot-zzzzzzzz' }), 'iot.system.InstanceNotFound');
    const other = alibabaClient('pop-core GET', server, await server.createAccount());
    await expectAlibabaError(other.call('ResetThing', { IotId: iotId }), 'iot.device.NotExistedDevice');
    await expectAlibabaError(other.call('ResetThing', { ProductKey: device.productKey, DeviceName: device.deviceName }), 'iot.prod.NotExistedProduct');
  });

  it('refuses with the section 5.1 codes, HTTP 200 and compact bodies; all three methods, hex in either case', async () => {
    const { device } = await setUp(server, true);
    for (const method of ['hmacmd5', 'hmacsha1', 'hmacsha256'] as const) {
      const body = signedBody(device, {}, method);
      const upper = new URLSearchParams(body);
      upper.set('sign', upper.get('sign')!.toUpperCase());
      upper.set('signMethod', method.replace('hmac', 'Hmac').toUpperCase());
      const answer = await post(server, upper.toString());
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(/^\{"code":200,"data":\{"productKey":"[^"]+","deviceName":"dyn-device-1","deviceSecret":"[0-9a-f]{32}"\},"message":"success"\}$/);
    }
    const cases: [string, Record<string, string>, Body][] = [
      ['no random', { random: '' }, { code: 460, message: 'request parameter error: random is required' }],
      ['unknown method', { signMethod: 'sha256' }, { code: 460, message: 'request parameter error: signMethod must be hmacmd5, hmacsha1 or hmacsha256' }],
      ['long random', { random: 'r'.repeat(65) }, { code: 460, message: 'request parameter error: random must be at most 64 characters' }],
      ['malformed productKey', { productKey: 'short' }, { code: 6250, message: 'product not found' }],
      ['unknown productKey', { productKey: 'a1NoSuchPK0' }, { code: 6250, message: 'product not found' }],
      ['bad name', { deviceName: 'no spaces' }, { code: 6280, message: 'devicename not meet specs: 4-32 of letters, digits and - _ @ . :' }],
      ['bad sign', { sign: 'ab'.repeat(32) }, { code: 401, message: 'request auth error: sign does not match' }],
    ];
    for (const [name, fields, expected] of cases) {
      const answer = await post(server, signedBody(device, fields));
      expect({ status: answer.status, body: answer.json }, name).toEqual({ status: 200, body: expected });
    }
    expect((await post(server, 'productKey=x')).json).toEqual({ code: 460, message: 'request parameter error: deviceName is required' });
    // The Node device SDK signs with HMAC-SHA1 whatever signMethod it sends (README).
    expect(await sdkRegister(server, { ...device, signMethod: 'hmacsha256' }).catch((answer: RegisterAnswer) => answer)).toEqual({ code: 401, message: 'request auth error: sign does not match' });
    const unknownDevice = await post(server, signedBody({ ...device, deviceName: 'not-registered' }));
    expect(unknownDevice.json).toEqual({ code: 6100, message: 'device not found' });
  });

  it('refuses a (productKey, deviceName, random) seen before, and only once genuine', async () => {
    const { device } = await setUp(server, true);
    const body = signedBody(device, { random: 'once-only' });
    // A forgery with that random does not use it up.
    expect((await post(server, signedBody({ ...device, productSecret: 'wrong' }, { random: 'once-only' }))).json.code).toBe(401);
    expect((await post(server, body)).json.code).toBe(200);
    expect((await post(server, body)).json).toEqual({ code: 401, message: 'request auth error: random already used' });
    expect((await post(server, signedBody(device, { random: 'once-only2' }))).json.code).toBe(200);
  });

  it('keeps tenants apart: one account\'s ProductSecret reaches none of another\'s devices', async () => {
    const a = await setUp(server, true, 'tenant-a-dev');
    const b = await setUp(server, true, 'tenant-b-dev');
    // B's secret over A's product key: the sign is wrong for A's product.
    expect((await post(server, signedBody({ ...a.device, productSecret: b.device.productSecret }))).json.code).toBe(401);
    // B's own product naming A's device: no such device in B's product.
    expect((await post(server, signedBody({ ...b.device, deviceName: a.device.deviceName }))).json.code).toBe(6100);
    expect((await a.client.call('QueryDeviceInfo', { IotId: a.iotId })).Data.DeviceSecret).toBe(a.firstSecret);
  });

  it('seals issued secrets and logs no secret, sign or random', async () => {
    const { device, iotId } = await setUp(server, true, 'sealed-device');
    const body = signedBody(device, { random: 'log-random-7' });
    const answer = await post(server, body);
    const secret = answer.json.data.deviceSecret as string;
    const row = await server.app.store.db.selectFrom('iot_devices').select('secret_sealed').where('iot_id', '=', iotId).executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(secret);
    const log = lines.join('\n');
    expect(log).toContain('"endpoint":"DynamicRegister"');
    for (const value of [secret, device.productSecret, new URLSearchParams(body).get('sign')!, 'log-random-7']) expect(log).not.toContain(value);
  });

  it('concurrent registrations of one device: every answer is a distinct secret, exactly one is current at the end', async () => {
    const { client, device, iotId } = await setUp(server, true, 'raced-device');
    const answers = await Promise.all(Array.from({ length: 16 }, () => post(server, signedBody(device))));
    const secrets = answers.map((a) => {
      expect(a.json.code).toBe(200);
      return a.json.data.deviceSecret as string;
    });
    expect(new Set(secrets).size).toBe(secrets.length);
    const current = (await client.call('QueryDeviceInfo', { IotId: iotId })).Data.DeviceSecret as string;
    expect(secrets.filter((s) => mqttLoginWorks(device, s, current))).toEqual([current]);
  });

  it('the admin API answers 404 ProductNotFound / DeviceNotFound and 400 for a malformed switch body', async () => {
    const { device } = await setUp(server, false);
    expect(await admin(server, 'GET', '/iot/products/a1NoSuchPK0')).toEqual({ status: 404, body: { error: { code: 'ProductNotFound', message: 'no IoT product a1NoSuchPK0' } } });
    expect((await admin(server, 'PUT', '/iot/products/a1NoSuchPK0/dynamic-registration', { enabled: true })).body.error.code).toBe('ProductNotFound');
    expect((await admin(server, 'POST', `/iot/products/${device.productKey}/devices/nobody/activate`)).body.error.code).toBe('DeviceNotFound');
    expect((await admin(server, 'POST', '/iot/products/a1NoSuchPK0/devices/nobody/activate')).body.error.code).toBe('ProductNotFound');
    expect((await admin(server, 'PUT', `/iot/products/${device.productKey}/dynamic-registration`, { enabled: 'yes' })).status).toBe(400);
    expect((await admin(server, 'PUT', `/iot/products/${device.productKey}/dynamic-registration`, { enabled: false })).body.dynamicRegistration).toBe(false);
  });
});

describe('dynamic registration budgets (FLEETGATE_RATE_LIMITS device-alibaba.iot:DynamicRegister=1)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite', env: { FLEETGATE_RATE_LIMITS: 'device-alibaba.iot:DynamicRegister=1' } });
  });
  afterAll(() => server.close());

  it('throttles a product\'s genuine registrations in its envelope; forgeries naming the product spend nothing', async () => {
    const { device } = await setUp(server, true);
    const forged = await Promise.all(Array.from({ length: 6 }, () => post(server, signedBody({ ...device, productSecret: 'forged' }))));
    expect(forged.map((a) => a.json.code)).toEqual([401, 401, 401, 401, 401, 401]);
    const codes = (await Promise.all(Array.from({ length: 6 }, () => post(server, signedBody(device))))).map((a) => a.json.code);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(4);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(1);
    expect(codes.filter((c) => c === 429).length + codes.filter((c) => c === 200).length).toBe(6);
  });
});

describe('dynamic registration replay across two nodes sharing PostgreSQL and Redis', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    cluster = await startCluster(2, { FLEETGATE_REDIS_URL: REDIS_URL });
  });
  afterAll(() => cluster.close());

  it('a request answered by one node is refused as a replay by the other', async () => {
    const [one, two] = cluster.nodes as [TestServer, TestServer];
    const { device } = await setUp(one, true);
    const body = signedBody(device);
    expect((await post(one, body)).json.code).toBe(200);
    expect((await post(two, body)).json).toEqual({ code: 401, message: 'request auth error: random already used' });
  });
});

describe('dynamic registration through the CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-dynreg-cli-'));
  const env = { FLEETGATE_DATA_DIR: dataDir };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('switches dynamic registration on (a table) and activates a device (JSON)', { timeout: 120_000 }, async () => {
    // An account, a product and a device, written the way the admin API, CreateProduct and RegisterDevice write them.
    const app = await openRuntime(loadConfig({ dataDir }, {}));
    const now = app.now();
    const account = await createAccount(app.store.db, 'dynreg-cli', now);
    await ensureDefaultInstance(app.store.db, account.id, now);
    const instanceId = (await findInstanceId(app.store.db, account.id, undefined))!;
    const fields = { name: 'cli_product', description: null, node_type: 0, auth_type: 'secret', commodity_code: 'iothub', data_format: null, protocol_type: null, net_type: 'WIFI', validate_type: 1, category_key: null, region: null };
    const { row: product } = await createProduct(app.store.db, app.secrets, account.id, instanceId, fields, now);
    const device = await registerDevice(app.store.db, app.secrets, account.id, product.product_key, { deviceName: 'cli-device', secret: 'x'.repeat(32), nickname: null }, now);
    await app.close();

    // Each CLI start costs seconds on a busy machine: two commands, a table and JSON (`products show` prints what `on` does).
    const on = await runCli(['iot', 'products', 'dynamic-registration', product.product_key, 'on'], env);
    expect(on.stdout).toMatch(new RegExp(`^product\\s+account\\s+instance\\s+name\\s+devices\\s+dynamic registration\\n${product.product_key}\\s+${account.id}\\s+\\(default\\)\\s+cli_product\\s+1\\s+on\\n$`));
    const activated = await runCli(['iot', 'devices', 'activate', product.product_key, 'cli-device', '--json'], env);
    expect(JSON.parse(activated.stdout)).toEqual({ productKey: product.product_key, deviceName: 'cli-device', iotId: device.iot_id, status: 'OFFLINE', activatedAt: expect.any(Number) });
  });
});
