import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { mqttHealth, startCluster, startTestServer, type TestServer } from '../../../support/server.ts';
import { mqttPassword, mqttUsername } from '../../../support/tencent-device-client.ts';
import { connectRefusal, connected, nextMessage, subscribeGrant, until } from '../../../support/mqtt-client.ts';
import { iotcloudClient, unique, type IotcloudClient } from './support.ts';
import { readReference } from '../../../support/reference.ts';
import { createDevice } from '../../../../src/services/tencent/iotcloud/store/devices.ts';

interface MqttVector {
  readonly psk: string;
  readonly clientId: string;
  readonly username: string;
  readonly password_hmacsha1: string;
  readonly password_hmacsha256: string;
}
const [vector] = readReference<{ iotcloud_mqtt_password: MqttVector[] }>('tencent/test-vectors.json').iotcloud_mqtt_password;

/** IoT Hub devices on the MQTT listener (PROTOCOL.md §4.4), with mqtt.js and credentials made from the documented algorithm. */

const HOUR = 3600;

/** A key product with one device, of a fresh account. */
async function keyDevice(server: TestServer, deviceName = 'mqtt-dev') {
  const account = await server.createAccount();
  const client = iotcloudClient(server, account);
  const productId = (await client.CreateProduct({ ProductName: unique('mqtt'), ProductProperties: { EncryptionType: '2' } })).ProductId!;
  const psk = (await client.CreateDevice({ ProductId: productId, DeviceName: deviceName })).DevicePsk!;
  return { account, client, productId, deviceName, psk };
}

/** The CONNECT options of a device whose username is valid until `expiry` (Unix seconds). */
function login(device: { productId: string; deviceName: string; psk: string }, expiry: number, algorithm: 'hmacsha1' | 'hmacsha256' = 'hmacsha256'): mqtt.IClientOptions {
  const username = mqttUsername(device.productId, device.deviceName, expiry);
  return { clientId: `${device.productId}${device.deviceName}`, username, password: mqttPassword(device.psk, username, algorithm), reconnectPeriod: 0 };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

const describeDevice = async (client: IotcloudClient, device: { productId: string; deviceName: string }) =>
  client.DescribeDevice({ ProductId: device.productId, DeviceName: device.deviceName });

describe('IoT Hub devices on the MQTT listener (SQLite, TCP and TLS)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    // Revalidation by timer never runs during these tests: a revoked connection that closes was closed by the revoking action itself.
    server = await startTestServer({ dialect: 'sqlite', env: { FLEETGATE_MQTT_PORT: '0', FLEETGATE_MQTT_TLS_PORT: '0', FLEETGATE_MQTT_REVALIDATE_SECONDS: '86400' } });
    url = `mqtt://127.0.0.1:${(await mqttHealth(server)).port}`;
  });
  afterAll(() => server.close());

  it('connects with the psk HMAC (SHA-256 and SHA-1): Online, FirstOnlineTime, LoginTime and ClientIP in DescribeDevice; offline after it ends', async () => {
    const device = await keyDevice(server);
    const before = await describeDevice(device.client, device);
    expect(before).toMatchObject({ Online: 0, FirstOnlineTime: null });

    const first = await connected(mqtt.connect(url, login(device, nowSeconds() + HOUR)));
    const online = await describeDevice(device.client, device);
    expect(online).toMatchObject({ Online: 1, ClientIP: '127.0.0.1', FirstOnlineTime: expect.any(Number) });
    expect(online.LoginTime).toBeGreaterThanOrEqual(nowSeconds() - 5);
    expect((await device.client.DescribeDevices({ ProductId: device.productId, Offset: 0, Limit: 10 })).Devices![0]).toMatchObject({ Online: 1 });
    expect((await mqttHealth(server)).connectedDevices).toBe(1);
    await first.endAsync();
    await until(async () => (await describeDevice(device.client, device)).Online === 0);
    const offline = await describeDevice(device.client, device);
    expect(offline.LastOfflineTime).toEqual(expect.any(Number));

    const second = await connected(mqtt.connect(url, login(device, nowSeconds() + HOUR, 'hmacsha1')));
    const again = await describeDevice(device.client, device);
    expect(again).toMatchObject({ Online: 1, FirstOnlineTime: online.FirstOnlineTime });
    await second.endAsync();
  });

  it('the documented vector (PROTOCOL.md §4.4) connects with both hash methods while its expiry is ahead of the server clock', async () => {
    const v = vector!;
    const device = { productId: v.clientId.slice(0, 10), deviceName: v.clientId.slice(10) };
    const account = await server.createAccount();
    const client = iotcloudClient(server, account);
    const created = (await client.CreateProduct({ ProductName: unique('vector'), ProductProperties: { EncryptionType: '2' } })).ProductId!;
    // The vector's ProductId is not of the API's form (it has a lower-case letter): the fresh product
    // takes it in the store, and its device is made there.
    const { db } = server.app.store;
    await db.updateTable('iotcloud_products').set({ product_id: device.productId }).where('product_id', '=', created).execute();
    await createDevice(db, server.app.secrets, account.id, { ...device, psk: v.psk }, server.app.now());
    const expiry = Number(v.username.split(';')[3]);
    const options = { clientId: v.clientId, username: v.username, reconnectPeriod: 0 };
    // The vector's expiry is past: the clock is moved for signature freshness too (`signatures: true`).
    server.app.clock.set(expiry * 1000 - Date.now() - 60_000, true);
    try {
      for (const password of [v.password_hmacsha1, v.password_hmacsha256]) await (await connected(mqtt.connect(url, { ...options, password }))).endAsync();
      expect(await connectRefusal(mqtt.connect(url, { ...options, password: v.password_hmacsha1.replace(';hmacsha1', ';hmacsha256') }))).toBe(4);
      server.app.clock.set(expiry * 1000 - Date.now() + 1_000, true);
      expect(await connectRefusal(mqtt.connect(url, { ...options, password: v.password_hmacsha1 }))).toBe(4);
    } finally {
      server.app.clock.reset();
    }
  });

  it('refuses an expired username, a wrong psk and a stranger (bad user name or password), a disabled device and a forbidden product (not authorized)', async () => {
    const device = await keyDevice(server);
    expect(await connectRefusal(mqtt.connect(url, login(device, nowSeconds() - 1)))).toBe(4);
    expect(await connectRefusal(mqtt.connect(url, login({ ...device, psk: Buffer.from('not the key').toString('base64') }, nowSeconds() + HOUR)))).toBe(4);
    expect(await connectRefusal(mqtt.connect(url, login({ ...device, deviceName: 'ghost' }, nowSeconds() + HOUR)))).toBe(4);
    await device.client.UpdateDevicesEnableState({ ProductId: device.productId, DeviceNames: [device.deviceName], Status: 0 });
    expect(await connectRefusal(mqtt.connect(url, login(device, nowSeconds() + HOUR)))).toBe(5);
    await device.client.UpdateDevicesEnableState({ ProductId: device.productId, DeviceNames: [device.deviceName], Status: 1 });
    await device.client.SetProductsForbiddenStatus({ ProductId: [device.productId], Status: 1 });
    expect(await connectRefusal(mqtt.connect(url, login(device, nowSeconds() + HOUR)))).toBe(5);
    expect((await describeDevice(device.client, device)).FirstOnlineTime).toBeNull();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^fleetgate_mqtt_connects_total\{realm="tencent.iotcloud",result="bad_credentials"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^fleetgate_mqtt_connects_total\{realm="tencent.iotcloud",result="not_authorized"\} [1-9]\d*$/m);
  });

  it('disabling the device, forbidding its product or deleting it ends its connection at once on the node that served the call; it is then offline', async () => {
    const device = await keyDevice(server, 'revoked-dev');
    const revokedBy = async (revoke: () => Promise<unknown>) => {
      const client = await connected(mqtt.connect(url, login(device, nowSeconds() + HOUR)));
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      await revoke();
      await closed;
      client.end(true);
    };
    await revokedBy(() => device.client.UpdateDevicesEnableState({ ProductId: device.productId, DeviceNames: [device.deviceName], Status: 0 }));
    await until(async () => (await describeDevice(device.client, device)).Online === 0);
    await device.client.UpdateDevicesEnableState({ ProductId: device.productId, DeviceNames: [device.deviceName], Status: 1 });
    await revokedBy(() => device.client.SetProductsForbiddenStatus({ ProductId: [device.productId], Status: 1 }));
    await device.client.SetProductsForbiddenStatus({ ProductId: [device.productId], Status: 0 });
    await revokedBy(() => device.client.DeleteDevice({ ProductId: device.productId, DeviceName: device.deviceName }));
    await until(async () => (await mqttHealth(server)).connectedDevices === 0);
  });

  it('a device uses its own topics ($thing/…/<ProductId>/<DeviceName>, <ProductId>/<DeviceName>/…), never another device\'s; over TLS with the generated certificate', async () => {
    const device = await keyDevice(server);
    const ca = readFileSync(join(server.app.config.dataDir, 'mqtt-tls.crt'));
    const client = await connected(mqtt.connect(`mqtts://localhost:${(await mqttHealth(server)).tlsPort}`, { ...login(device, nowSeconds() + HOUR), ca }));
    const own = `${device.productId}/${device.deviceName}/data`;
    expect(await subscribeGrant(client, own)).toBe(1);
    expect(await subscribeGrant(client, `$thing/down/property/${device.productId}/${device.deviceName}`)).toBe(1);
    expect(await subscribeGrant(client, `$thing/down/property/${device.productId}/other`)).toBe(128);
    expect(await subscribeGrant(client, `${device.productId}/+/data`)).toBe(128);
    const echoed = nextMessage(client, own);
    await client.publishAsync(own, 'reading', { qos: 1 });
    expect(await echoed).toBe('reading');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(`${device.productId}/other/data`, 'x', { qos: 1 });
    await closed;
    client.end(true);
  });
});

describe('IoT Hub devices on two nodes sharing PostgreSQL', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    // Each node revalidates its connections every second: that is how one node learns of another's logins and revocations.
    cluster = await startCluster(2, { FLEETGATE_MQTT_PORT: '0', FLEETGATE_MQTT_REVALIDATE_SECONDS: '1' });
  });
  afterAll(() => cluster.close());

  it('a device connected to node A is online through node B\'s API, and offline there once it ends', async () => {
    const [a, b] = cluster.nodes as [TestServer, TestServer];
    const device = await keyDevice(a);
    const client = await connected(mqtt.connect(`mqtt://127.0.0.1:${(await mqttHealth(a)).port}`, login(device, nowSeconds() + HOUR)));
    const viaB = iotcloudClient(b, device.account);
    expect(await describeDevice(viaB, device)).toMatchObject({ Online: 1, FirstOnlineTime: expect.any(Number) });
    await client.endAsync();
    await until(async () => (await describeDevice(viaB, device)).Online === 0);
  });

  it('a second connection of the device on node B closes its connection on node A at A\'s next revalidation; the device stays online', async () => {
    const [a, b] = cluster.nodes as [TestServer, TestServer];
    const device = await keyDevice(a, 'moving-dev');
    const onA = await connected(mqtt.connect(`mqtt://127.0.0.1:${(await mqttHealth(a)).port}`, login(device, nowSeconds() + HOUR)));
    const closedOnA = new Promise<void>((resolve) => onA.once('close', () => resolve()));
    const onB = await connected(mqtt.connect(`mqtt://127.0.0.1:${(await mqttHealth(b)).port}`, login(device, nowSeconds() + HOUR)));
    await closedOnA;
    onA.end(true);
    expect((await describeDevice(device.client, device)).Online).toBe(1);
    expect((await mqttHealth(a)).connectedDevices).toBe(0);
    await onB.endAsync();
    await until(async () => (await describeDevice(device.client, device)).Online === 0);
  });

  it('a node that shuts down marks its devices offline before it closes the database', async () => {
    const [a, b] = cluster.nodes as [TestServer, TestServer];
    const c = await startTestServer({ dialect: 'postgres', databaseUrl: a.app.config.databaseUrl, masterKey: a.app.config.masterKey, env: { FLEETGATE_MQTT_PORT: '0' } });
    const device = await keyDevice(b, 'shutdown-dev');
    const client = await connected(mqtt.connect(`mqtt://127.0.0.1:${(await mqttHealth(c)).port}`, login(device, nowSeconds() + HOUR)));
    expect((await describeDevice(device.client, device)).Online).toBe(1);
    await c.close();
    client.end(true);
    expect(await describeDevice(device.client, device)).toMatchObject({ Online: 0, LastOfflineTime: expect.any(Number) });
  });
});
