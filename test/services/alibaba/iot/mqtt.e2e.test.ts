import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import mqtt from 'mqtt';
import { device as DeviceClient, register, type Device, type RegisterAnswer } from 'alibabacloud-iot-device-sdk';
import { signUtil } from 'alibabacloud-iot-device-sdk/lib/utils.js';
import { mqttHealth, startTestServer, type TestServer } from '../../../support/server.ts';
import { alibabaClient, type AlibabaClient } from '../../../support/alibaba-harness.ts';
import { deviceSign } from '../../../support/alibaba-device-signer.ts';
import { connectRefusal, connected, nextMessage, subscribeGrant, until } from '../../../support/mqtt-client.ts';
import { readReference } from '../../../support/reference.ts';
import { ensureDefaultInstance, findInstanceId } from '../../../../src/services/alibaba/iot/store/instances.ts';
import { createProduct } from '../../../../src/services/alibaba/iot/store/products.ts';
import { registerDevice } from '../../../../src/services/alibaba/iot/store/devices.ts';

interface MqttVector {
  readonly productKey: string;
  readonly deviceName: string;
  readonly deviceSecret: string;
  readonly mqttClientId: string;
  readonly mqttUsername: string;
  readonly password: string;
}
const vectors = readReference<{ mqtt_password: { vectors: MqttVector[] } }>('alibaba/test-vectors.json').mqtt_password.vectors;

/**
 * The MQTT listener with Alibaba devices (PROTOCOL 5.2, 5.3): the official device SDK, unchanged,
 * pointed at it; dynamic registration in both modes with mqtt.js and the documented sign.
 */

let server: TestServer;
let mqttUrl: string;
let mqttsUrl: string;
const lines: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
  // Revalidation by timer never runs during these tests: a revoked connection that closes was closed by the revoking action itself.
  const env = { FLEETGATE_MQTT_PORT: '0', FLEETGATE_MQTT_TLS_PORT: '0', FLEETGATE_MQTT_REVALIDATE_SECONDS: '86400' };
  server = await startTestServer({ dialect: 'sqlite', env, logger });
  const { port, tlsPort } = await mqttHealth(server);
  mqttUrl = `mqtt://127.0.0.1:${port}`;
  mqttsUrl = `mqtts://localhost:${tlsPort}`;
});
afterAll(() => server.close());

let products = 0;
async function product(client: AlibabaClient, dynamicRegistration: boolean) {
  const created = await client.call('CreateProduct', { ProductName: `mqtt_${++products}`, NodeType: 0 });
  const productKey = created.ProductKey as string;
  if (dynamicRegistration) {
    const response = await fetch(`${server.url}/admin/v1/iot/products/${productKey}/dynamic-registration`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    expect(response.status).toBe(200);
  }
  return { productKey, productSecret: created.Data.ProductSecret as string };
}

const sdkRegister = (device: { productKey: string; productSecret: string; deviceName: string }): Promise<RegisterAnswer> =>
  new Promise((resolve, reject) => register({ ...device, registerURL: `${server.url}/auth/register/device` }, (answer) => (answer instanceof Error ? reject(answer) : resolve(answer))));

/** The device SDK connected to the listener; resolves once it is connected, rejects on its first error. */
function sdkDevice(config: { productKey: string; deviceName: string; deviceSecret: string }): Promise<Device> {
  const sdk = DeviceClient({ ...config, brokerUrl: mqttUrl, reconnectPeriod: 0 });
  return new Promise((resolve, reject) => {
    sdk.once('connect', () => resolve(sdk));
    sdk.once('error', ([error]) => {
      sdk.end(true);
      reject(error as Error);
    });
  });
}

describe('Alibaba devices on the MQTT listener', () => {
  it('HTTPS registration → the device SDK connects with the secret → ONLINE and activated → end → OFFLINE; the old secret and another device\'s topic are refused', async () => {
    const account = await server.createAccount();
    const client = alibabaClient('pop-core POST', server, account);
    const { productKey, productSecret } = await product(client, true);
    const iotId = (await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'sdk-device' })).Data.IotId as string;
    const oldSecret = (await client.call('QueryDeviceDetail', { IotId: iotId })).Data.DeviceSecret as string;
    const registered = await sdkRegister({ productKey, productSecret, deviceName: 'sdk-device' });
    const deviceSecret = registered.data!.deviceSecret;

    await expect(sdkDevice({ productKey, deviceName: 'sdk-device', deviceSecret: oldSecret })).rejects.toThrow(/Bad username or password/i);
    expect((await client.call('QueryDeviceDetail', { IotId: iotId })).Data.Status).toBe('UNACTIVE');

    const sdk = await sdkDevice({ productKey, deviceName: 'sdk-device', deviceSecret });
    const online = await client.call('QueryDeviceDetail', { IotId: iotId });
    expect(online.Data).toMatchObject({ Status: 'ONLINE', GmtActive: expect.any(String), GmtOnline: expect.any(String) });
    expect((await client.call('QueryDevice', { ProductKey: productKey })).Data.DeviceInfo[0]).toMatchObject({ DeviceStatus: 'ONLINE' });
    expect((await client.call('QueryDeviceInfo', { IotId: iotId })).Data).toMatchObject({ IotId: iotId });
    // Activated: HTTPS registration is refused from now on.
    const refused = await sdkRegister({ productKey, productSecret, deviceName: 'sdk-device' }).catch((answer: RegisterAnswer) => answer);
    expect(refused.code).toBe(401);

    // Its own topics route back to it; another device's are refused (SUBACK 0x80).
    expect(await subscribeGrant(sdk, `/${productKey}/sdk-device/user/get`)).toBe(1);
    expect(await subscribeGrant(sdk, `/${productKey}/other-device/user/get`)).toBe(128);
    expect(await subscribeGrant(sdk, `/sys/${productKey}/+/thing/event/property/post`)).toBe(128);
    expect(await subscribeGrant(sdk, '#')).toBe(128);
    const echoed = nextMessage(sdk, `/${productKey}/sdk-device/user/get`);
    sdk.publish(`/${productKey}/sdk-device/user/get`, 'hello', { qos: 1 });
    expect(await echoed).toBe('hello');

    await new Promise<void>((resolve) => sdk.end(false, resolve));
    await until(async () => (await client.call('QueryDeviceDetail', { IotId: iotId })).Data.Status === 'OFFLINE');
    expect(await mqttHealth(server)).toMatchObject({ configured: true, state: 'running', connectedDevices: 0 });
    expect(lines.join('')).not.toContain(deviceSecret);
  });

  it('the documented password vectors (PROTOCOL 5.3) log in over MQTT; one changed character is refused', async () => {
    // The vectors' product keys and secrets are fixed, so their devices are made at the store level.
    const { db } = server.app.store;
    const account = await server.createAccount();
    const now = server.app.now();
    await ensureDefaultInstance(db, account.id, now);
    const instanceId = (await findInstanceId(db, account.id, undefined))!;
    const fields = { name: 'vectors', description: null, node_type: 0, auth_type: 'secret', commodity_code: 'iothub', data_format: null, protocol_type: null, net_type: 'WIFI', validate_type: 1, category_key: null, region: null };
    for (const productKey of new Set(vectors.map((v) => v.productKey))) {
      await createProduct(db, server.app.secrets, account.id, instanceId, { ...fields, name: `vectors_${productKey}` }, now, { productKey });
    }
    const devices = new Map(vectors.map((v) => [`${v.productKey}/${v.deviceName}`, v]));
    for (const v of devices.values()) await registerDevice(db, server.app.secrets, account.id, v.productKey, { deviceName: v.deviceName, secret: v.deviceSecret, nickname: null }, now);
    for (const v of vectors) {
      const options = { clientId: v.mqttClientId, username: v.mqttUsername, password: v.password, reconnectPeriod: 0 };
      await (await connected(mqtt.connect(mqttUrl, options))).endAsync();
      const altered = `${v.password.slice(0, -1)}${v.password.endsWith('0') ? '1' : '0'}`;
      expect(await connectRefusal(mqtt.connect(mqttUrl, { ...options, password: altered })), v.mqttClientId).toBe(4);
    }
  });

  it('publishing to another device\'s topic closes the connection; a second connection of the same device closes the first and it stays ONLINE', async () => {
    const account = await server.createAccount();
    const client = alibabaClient('pop-core POST', server, account);
    const { productKey } = await product(client, false);
    const device = (await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'twice-device' })).Data as { IotId: string; DeviceSecret: string };
    const first = await sdkDevice({ productKey, deviceName: 'twice-device', deviceSecret: device.DeviceSecret });
    const firstClosed = new Promise<void>((resolve) => first.mqttClient.once('close', resolve));
    const second = await sdkDevice({ productKey, deviceName: 'twice-device', deviceSecret: device.DeviceSecret });
    await firstClosed;
    expect((await client.call('QueryDeviceDetail', { IotId: device.IotId })).Data.Status).toBe('ONLINE');

    const closed = new Promise<void>((resolve) => second.mqttClient.once('close', resolve));
    second.publish(`/${productKey}/someone-else/user/update`, 'x', { qos: 1 });
    await closed;
    await until(async () => (await client.call('QueryDeviceDetail', { IotId: device.IotId })).Data.Status === 'OFFLINE');
    second.end(true);
  });

  /** A registered device's DeviceSecret login (securemode=3). */
  async function secretLogin(client: AlibabaClient, deviceName: string) {
    const { productKey } = await product(client, false);
    const device = (await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: deviceName })).Data as { IotId: string; DeviceSecret: string };
    const login = signUtil({ productKey, deviceName, deviceSecret: device.DeviceSecret }, 'sha1');
    const options = { clientId: `${login.clientId}|securemode=3,signmethod=${login.signMethod},timestamp=${login.timestamp}|`, username: `${deviceName}&${productKey}`, password: login.sign, reconnectPeriod: 0 };
    return { productKey, iotId: device.IotId, options };
  }

  const closing = (client: mqtt.MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

  it('ResetThing and DeleteDevice end a held connection at once on the node that served them; a reset device stays UNACTIVE', async () => {
    const client = alibabaClient('pop-core POST', server, await server.createAccount());
    const reset = await secretLogin(client, 'reset-device');
    const held = await connected(mqtt.connect(mqttUrl, reset.options));
    const closed = closing(held);
    await client.call('ResetThing', { IotId: reset.iotId });
    await closed;
    held.end(true);
    expect((await client.call('QueryDeviceDetail', { IotId: reset.iotId })).Data.Status).toBe('UNACTIVE');

    const deleted = await secretLogin(client, 'deleted-device');
    const other = await connected(mqtt.connect(mqttUrl, deleted.options));
    const otherClosed = closing(other);
    await client.call('DeleteDevice', { IotId: deleted.iotId });
    await otherClosed;
    other.end(true);
    await until(async () => (await mqttHealth(server)).connectedDevices === 0);
  });

  it('the operator\'s activation of a connected device keeps it ONLINE and connected; its end still records OFFLINE', async () => {
    const client = alibabaClient('pop-core POST', server, await server.createAccount());
    const device = await secretLogin(client, 'activated-device');
    const held = await connected(mqtt.connect(mqttUrl, device.options));
    const response = await fetch(`${server.url}/admin/v1/iot/products/${device.productKey}/devices/activated-device/activate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(await response.json()).toMatchObject({ status: 'ONLINE' });
    expect((await client.call('QueryDeviceDetail', { IotId: device.iotId })).Data.Status).toBe('ONLINE');
    // Revalidation (as the timer would run it) keeps the connection: activation revoked nothing.
    server.app.revocations.notify();
    expect(await subscribeGrant(held, `/${device.productKey}/activated-device/user/get`)).toBe(1);
    expect(held.connected).toBe(true);
    await held.endAsync();
    await until(async () => (await client.call('QueryDeviceDetail', { IotId: device.iotId })).Data.Status === 'OFFLINE');
  });

  it('a keep-alive outside Alibaba\'s 30-1200 s is refused (not authorized); the bounds themselves connect', async () => {
    const client = alibabaClient('pop-core POST', server, await server.createAccount());
    const device = await secretLogin(client, 'keepalive-device');
    expect(await connectRefusal(mqtt.connect(mqttUrl, { ...device.options, keepalive: 29 }))).toBe(5);
    expect(await connectRefusal(mqtt.connect(mqttUrl, { ...device.options, keepalive: 1201 }))).toBe(5);
    expect(await connectRefusal(mqtt.connect(mqttUrl, { ...device.options, keepalive: 0 }))).toBe(5);
    for (const keepalive of [30, 1200]) await (await connected(mqtt.connect(mqttUrl, { ...device.options, keepalive }))).endAsync();
  });

  it('MQTT dynamic registration: register publishes /ext/register with a new secret; regnwl issues a ClientId and token the device connects with, QueryClientIds lists and DeleteClientIds revokes', async () => {
    const account = await server.createAccount();
    const client = alibabaClient('pop-core POST', server, account);
    const { productKey, productSecret } = await product(client, true);
    const iotId = (await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'mqtt-reg' })).Data.IotId as string;
    const registration = (deviceName: string, authType: string, secret = productSecret) => {
      const random = `r${Date.now()}`;
      return {
        clientId: `${productKey}.${deviceName}|securemode=2,authType=${authType},random=${random},signmethod=hmacsha256|`,
        username: `${deviceName}&${productKey}`,
        password: deviceSign('hmacsha256', secret, { productKey, deviceName, random }),
      };
    };
    // The generated certificate, as a device would be given it.
    const ca = readFileSync(join(server.app.config.dataDir, 'mqtt-tls.crt'));
    const answer = async (options: mqtt.IClientOptions, topic: string) => {
      const device = mqtt.connect(mqttsUrl, { ...options, ca, reconnectPeriod: 0 });
      const message = nextMessage(device, topic);
      const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
      const payload = JSON.parse(await message) as Record<string, string>;
      await closed;
      device.end(true);
      return payload;
    };

    expect(await connectRefusal(mqtt.connect(mqttsUrl, { ...registration('mqtt-reg', 'register', 'wrong-secret'), ca, reconnectPeriod: 0 }))).toBe(4);
    expect(await connectRefusal(mqtt.connect(mqttUrl, { ...registration('mqtt-reg', 'register'), reconnectPeriod: 0 }))).toBe(5);
    const registered = await answer(registration('mqtt-reg', 'register'), '/ext/register');
    expect(registered).toEqual({ productKey, deviceName: 'mqtt-reg', deviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await client.call('QueryDeviceDetail', { IotId: iotId })).Data.DeviceSecret).toBe(registered.deviceSecret);

    const issued = await answer(registration('nwl-device', 'regnwl'), '/ext/regnwl');
    expect(issued).toEqual({ productKey, deviceName: 'nwl-device', clientId: expect.any(String), deviceToken: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const nwl = (await client.call('QueryDeviceDetail', { ProductKey: productKey, DeviceName: 'nwl-device' })).Data as { IotId: string; Status: string };
    expect(nwl.Status).toBe('UNACTIVE');
    const listed = await client.call('QueryClientIds', { IotId: nwl.IotId });
    expect(listed.Data.DynamicRegClientIds).toEqual([{ ClientId: issued.clientId, CreateTime: expect.any(Number) }]);

    const tokenLogin = { clientId: `${issued.clientId}|securemode=-2,authType=connwl|`, username: `nwl-device&${productKey}`, password: issued.deviceToken, reconnectPeriod: 0 };
    const device = await connected(mqtt.connect(mqttUrl, tokenLogin));
    expect((await client.call('QueryDeviceDetail', { IotId: nwl.IotId })).Data.Status).toBe('ONLINE');
    // DeleteClientIds revokes the token: the connection made with it ends at once.
    const revoked = closing(device);
    await client.call('DeleteClientIds', { IotId: nwl.IotId });
    await revoked;
    device.end(true);
    expect(await connectRefusal(mqtt.connect(mqttUrl, tokenLogin))).toBe(4);
    // An activated device registers no more, either way: no one holding the ProductSecret takes it over.
    expect(await connectRefusal(mqtt.connect(mqttsUrl, { ...registration('nwl-device', 'register'), ca, reconnectPeriod: 0 }))).toBe(5);
    expect(await connectRefusal(mqtt.connect(mqttsUrl, { ...registration('nwl-device', 'regnwl'), ca, reconnectPeriod: 0 }))).toBe(5);
    // A captured registration CONNECT replayed: its random was used.
    const once = registration('nwl-other', 'regnwl');
    await answer(once, '/ext/regnwl');
    expect(await connectRefusal(mqtt.connect(mqttsUrl, { ...once, ca, reconnectPeriod: 0 }))).toBe(4);
    expect(lines.join('')).not.toContain(issued.deviceToken);
    expect(lines.join('')).not.toContain(registered.deviceSecret);
  });
});
