import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startTestServer, type TestServer } from '../support/server.ts';
import { mqttPassword, mqttUsername } from '../support/tencent-device-client.ts';
import { connectRefusal, connected, nextMessage, subscribeGrant, until } from '../support/mqtt-client.ts';
import { iotcloudClient } from '../services/tencent/iotcloud/support.ts';
import { startMqttListener, MAX_PACKET_BYTES, type MqttLimits, type MqttListener } from '../../src/mqtt/broker.ts';
import { mqttTlsMaterial } from '../../src/mqtt/tls-material.ts';
import type { MqttRealm } from '../../src/mqtt/realm.ts';
import { MQTT_REALMS } from '../../src/services/registry.ts';
import { recordDeviceOffline, recordDeviceOnline, setDevicesEnableState } from '../../src/services/tencent/iotcloud/store/devices.ts';

/**
 * The listener itself, started on a test server's runtime as another node would be: its
 * revalidation ticked by hand, its limits set per test, without this runtime's revocation signal
 * (so only its own timer or a tick revalidates it).
 */

const LIMITS: MqttLimits = { revalidateMs: 86_400_000, maxConnections: 1000, connectsPerIpPerSecond: 0, connectTimeoutMs: 10_000 };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ dialect: 'sqlite' });
});
afterAll(() => server.close());

interface Node {
  readonly listener: MqttListener;
  readonly url: string;
  /** Runs one revalidation as the timer would, and waits for it. */
  tick(): Promise<void>;
}

async function startNode(limits: Partial<MqttLimits> = {}, realms: readonly MqttRealm[] = MQTT_REALMS): Promise<Node> {
  let tick: (() => Promise<void>) | undefined;
  const tls = { port: 0, ...(await mqttTlsMaterial(server.app.config, Date.now())) };
  const listener = await startMqttListener({ ...server.app, revocations: undefined }, realms, {
    host: '127.0.0.1',
    port: 0,
    tls,
    limits: { ...LIMITS, ...limits },
    revalidationTimer: (run) => ((tick = run), () => (tick = undefined)),
  });
  return {
    listener,
    url: `mqtt://127.0.0.1:${listener.port}`,
    tick: () => tick!(),
  };
}

let devices = 0;
/** A fresh IoT Hub key device and its CONNECT options. */
async function device() {
  const client = iotcloudClient(server, await server.createAccount());
  const productId = (await client.CreateProduct({ ProductName: `broker_${++devices}`, ProductProperties: { EncryptionType: '2' } })).ProductId!;
  const deviceName = `dev${devices}`;
  const psk = (await client.CreateDevice({ ProductId: productId, DeviceName: deviceName })).DevicePsk!;
  const username = mqttUsername(productId, deviceName, Math.floor(Date.now() / 1000) + 3600);
  const options: mqtt.IClientOptions = { clientId: `${productId}${deviceName}`, username, password: mqttPassword(psk, username, 'hmacsha256'), reconnectPeriod: 0 };
  return { client, productId, deviceName, options };
}

const closing = (client: mqtt.MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

async function accountOf(productId: string): Promise<string> {
  const row = await server.app.store.db.selectFrom('iotcloud_products').select('account_id').where('product_id', '=', productId).executeTakeFirstOrThrow();
  return row.account_id;
}

describe('revalidation (what covers revocations made on other nodes)', () => {
  it('each tick asks each realm once for all of the node\'s connections and closes only those that lost access', async () => {
    const asked: string[][] = [];
    const realms = MQTT_REALMS.map((realm): MqttRealm => ({
      ...realm,
      standings: (ctx, logins) => (asked.push([...logins]), realm.standings(ctx, logins)),
    }));
    const node = await startNode({}, realms);
    try {
      const [kept, revoked] = [await device(), await device()];
      const keptClient = await connected(mqtt.connect(node.url, kept.options));
      const revokedClient = await connected(mqtt.connect(node.url, revoked.options));
      // Disabled in the database only, as another node's API would: nothing tells this node.
      await setDevicesEnableState(server.app.store.db, await accountOf(revoked.productId), revoked.productId, [revoked.deviceName], 0, Date.now());
      const closed = closing(revokedClient);
      await node.tick();
      await closed;
      expect(asked.filter((logins) => logins.length > 0)).toHaveLength(1);
      expect(asked.find((logins) => logins.length > 0)).toHaveLength(2);
      expect(keptClient.connected).toBe(true);
      expect(await subscribeGrant(keptClient, `${kept.productId}/${kept.deviceName}/data`)).toBe(1);
      await until(async () => (await revoked.client.DescribeDevice({ ProductId: revoked.productId, DeviceName: revoked.deviceName })).Online === 0);
      revokedClient.end(true);
      await keptClient.endAsync();
    } finally {
      await node.listener.close();
    }
  });

  it('a connection replaced by a newer login on another node closes at the next tick; the device stays online', async () => {
    const [a, b] = [await startNode(), await startNode()];
    try {
      const dev = await device();
      const onA = await connected(mqtt.connect(a.url, dev.options));
      const closedOnA = closing(onA);
      const onB = await connected(mqtt.connect(b.url, dev.options));
      await a.tick();
      await closedOnA;
      onA.end(true);
      expect((await dev.client.DescribeDevice({ ProductId: dev.productId, DeviceName: dev.deviceName })).Online).toBe(1);
      await onB.endAsync();
    } finally {
      await Promise.all([a.listener.close(), b.listener.close()]);
    }
  });
});

describe('online state', () => {
  it('two IoT Hub logins in the same millisecond: the first one\'s end leaves the device online (logins are random tokens, not times)', async () => {
    const dev = await device();
    const { db } = server.app.store;
    const now = Date.now();
    await recordDeviceOnline(db, dev.productId, dev.deviceName, 'login-old', now, null);
    await recordDeviceOnline(db, dev.productId, dev.deviceName, 'login-new', now, null);
    await recordDeviceOffline(db, dev.productId, dev.deviceName, 'login-old', now);
    expect((await dev.client.DescribeDevice({ ProductId: dev.productId, DeviceName: dev.deviceName })).Online).toBe(1);
    await recordDeviceOffline(db, dev.productId, dev.deviceName, 'login-new', now);
    expect((await dev.client.DescribeDevice({ ProductId: dev.productId, DeviceName: dev.deviceName })).Online).toBe(0);
  });
});

describe('limits', () => {
  it(`a packet over ${MAX_PACKET_BYTES} bytes closes the connection; one just under is delivered`, async () => {
    const node = await startNode();
    try {
      const dev = await device();
      const client = await connected(mqtt.connect(node.url, dev.options));
      const topic = `${dev.productId}/${dev.deviceName}/data`;
      expect(await subscribeGrant(client, topic)).toBe(1);
      const echoed = nextMessage(client, topic);
      await client.publishAsync(topic, Buffer.alloc(MAX_PACKET_BYTES - 1024, 1), { qos: 1 });
      expect((await echoed).length).toBe(MAX_PACKET_BYTES - 1024);
      const closed = closing(client);
      client.publish(topic, Buffer.alloc(MAX_PACKET_BYTES + 1, 1), { qos: 0 });
      await closed;
      client.end(true);
    } finally {
      await node.listener.close();
    }
  });

  it('beyond maxConnections a new device is refused with CONNACK 3 (server unavailable); a connected device may still reconnect', async () => {
    const node = await startNode({ maxConnections: 1 });
    try {
      const [first, second] = [await device(), await device()];
      const held = await connected(mqtt.connect(node.url, first.options));
      expect(await connectRefusal(mqtt.connect(node.url, second.options))).toBe(3);
      const again = await connected(mqtt.connect(node.url, first.options));
      held.end(true);
      await again.endAsync();
    } finally {
      await node.listener.close();
    }
  });

  it('CONNECTs of new devices arriving together never exceed maxConnections: against a cap of 1, exactly one is admitted', async () => {
    const node = await startNode({ maxConnections: 1 });
    try {
      const devs = await Promise.all([1, 2, 3, 4].map(() => device()));
      const outcomes = await Promise.all(devs.map((dev) => connected(mqtt.connect(node.url, dev.options)).catch((error: { code?: number }) => error.code)));
      const admitted = outcomes.filter((outcome): outcome is mqtt.MqttClient => typeof outcome === 'object');
      expect(admitted).toHaveLength(1);
      expect(outcomes.filter((outcome) => typeof outcome === 'number')).toEqual([3, 3, 3]);
      for (const client of admitted) await client.endAsync();
    } finally {
      await node.listener.close();
    }
  });

  it('CONNECTs from one address beyond the per-second limit are refused with CONNACK 3 before any credential is checked', async () => {
    const node = await startNode({ connectsPerIpPerSecond: 2 });
    try {
      const dev = await device();
      const codes = await Promise.all([1, 2, 3].map(() => connectRefusal(mqtt.connect(node.url, { ...dev.options, password: 'wrong' }))));
      expect(codes.sort()).toEqual([3, 4, 4]);
    } finally {
      await node.listener.close();
    }
  });

  it('a TCP socket that never sends CONNECT is closed after the connect timeout', async () => {
    const node = await startNode({ connectTimeoutMs: 100 });
    try {
      const socket = tcpConnect(node.listener.port!, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    } finally {
      await node.listener.close();
    }
  });
});

describe('shutdown', () => {
  it('finishes with a TCP socket that never sent CONNECT and a TLS socket that never began its handshake', { timeout: 20_000 }, async () => {
    const node = await startNode({ connectTimeoutMs: 600_000 });
    const open = (port: number) =>
      new Promise<Socket>((resolve) => {
        const socket = tcpConnect(port, '127.0.0.1', () => resolve(socket));
        socket.on('error', () => undefined);
      });
    const silent = [await open(node.listener.port!), await open(node.listener.tlsPort!)];
    const dev = await device();
    const client = await connected(mqtt.connect(node.url, dev.options));
    await node.listener.close();
    // The server cut them: they close without having sent a byte.
    await Promise.all(silent.map((socket) => socket.closed || new Promise((resolve) => socket.once('close', resolve))));
    client.end(true);
    expect((await dev.client.DescribeDevice({ ProductId: dev.productId, DeviceName: dev.deviceName })).Online).toBe(0);
  });
});
