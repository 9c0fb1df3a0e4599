import type { Redis } from 'ioredis';
import type { ReplayGuard } from '../core/replay-guard.ts';
import type { EmulatorClock } from '../emulator/clock.ts';
import { randomUUID } from 'node:crypto';
import { createServer as createTcpServer, type Server, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppContext } from '../core/app-context.ts';
import type { Metrics } from '../core/metrics.ts';
import { CONNACK_BAD_CREDENTIALS, CONNACK_NOT_AUTHORIZED, CONNACK_SERVER_UNAVAILABLE, type MqttConnect, type MqttRealm, type MqttReply, type MqttSession } from './realm.ts';

export interface MqttListenerOptions {
  readonly host: string;
  /** Plain TCP (local use, securemode=3); 0 picks a free port; undefined: TLS only. */
  readonly port: number | undefined;
  /** TLS (securemode=2), with the operator's or the generated certificate. */
  readonly tls?: { readonly port: number; readonly key: string; readonly cert: string };
  readonly limits: MqttLimits;
  /**
   * Runs `tick` every `intervalMs` until the returned function is called: setInterval unless a
   * test ticks revalidation by hand.
   */
  readonly revalidationTimer?: (tick: () => Promise<void>, intervalMs: number) => () => void;
}

/** The listener's limits (README "MQTT"), from the configuration. */
export interface MqttLimits {
  /** How often connections are revalidated against the database (other nodes' revocations). */
  readonly revalidateMs: number;
  /** Devices connected to this node at once; a CONNECT beyond is refused (CONNACK 3). */
  readonly maxConnections: number;
  /** CONNECTs per second from one IP address (all nodes together with Redis); 0: unlimited. */
  readonly connectsPerIpPerSecond: number;
  /** A socket that has not sent CONNECT (or finished its TLS handshake) by then is closed. */
  readonly connectTimeoutMs: number;
}

/** Both clouds' largest message (Alibaba's 256 KB per message; Tencent's device SDK buffers at most 256 KiB). */
export const MAX_PACKET_BYTES = 256 * 1024;
/** How long a shutdown lets connections end on their own before it cuts the rest. */
const SHUTDOWN_GRACE_MS = 500;

export interface MqttListener {
  readonly port: number | undefined;
  readonly tlsPort: number | undefined;
  /** Devices holding a connection on this node. */
  connectedDevices(): number;
  /** Revalidates every connection now (what the timer and this node's revocations do). */
  revalidate(): Promise<void>;
  /** Stops accepting, closes every connection and waits for their offline records. */
  close(): Promise<void>;
}

/** What /_fleetgate/health shows of the MQTT listener. */
export interface MqttStatus {
  readonly configured: boolean;
  readonly port: number | undefined;
  readonly tlsPort: number | undefined;
  readonly connectedDevices: number;
}

/** A connection this node holds for a device, with the login its online record carries. */
interface Held {
  readonly client: Client;
  readonly realm: MqttRealm;
  readonly session: MqttSession;
  readonly login: string;
  readonly standing: string;
  /** Set when a newer connection of the same identity took over: it records the state from then on. */
  replaced: boolean;
}

const refusal = (code: number, reason: string): AuthenticateError => Object.assign(new Error(reason), { returnCode: code }) as AuthenticateError;

/** Logins per revalidation query: one query per realm and tick, split only to keep IN lists sane. */
const REVALIDATION_BATCH = 500;

const everyInterval = (tick: () => Promise<void>, intervalMs: number): (() => void) => {
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
};

export type MqttListenerContext = AppContext & {
  readonly metrics: Metrics;
  readonly clock: Pick<EmulatorClock, 'signatureNow'>;
  readonly replayGuard: ReplayGuard;
  readonly redis?: Redis | undefined;
};

/**
 * Fleetgate's MQTT listener: an Aedes broker whose CONNECT authentication, publish and subscribe
 * checks are the realms' (one per cloud, from the registry). Messages a device publishes on its
 * own topics are routed by Aedes to subscribers of those topics (the same device, or another
 * connection of it); nothing else is delivered anywhere.
 */
export async function startMqttListener(ctx: MqttListenerContext, realms: readonly MqttRealm[], options: MqttListenerOptions): Promise<MqttListener> {
  const { limits } = options;
  const held = new Map<string, Held>();
  /** New identities between the maxConnections check and taking their place in `held`. */
  let admitting = 0;
  const sessions = new WeakMap<Client, Held>();
  const replies = new WeakMap<Client, MqttReply>();
  const keepalives = new WeakMap<Client, number>();
  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  };
  const connectRate = connectRateLimiter(ctx.redis, limits.connectsPerIpPerSecond);

  const broker = await Aedes.createBroker({
    // MQTT 3.1 caps ClientIds at 23 characters; the clouds' ClientIds carry their options.
    maxClientsIdLength: 1024,
    connectTimeout: limits.connectTimeoutMs,
    preConnect(client, packet, done) {
      // The realm judges the keep-alive once it knows the cloud (authenticate does not see it).
      keepalives.set(client, packet.keepalive ?? 0);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      const connect: MqttConnect = {
        clientId: client.id,
        username: username ?? '',
        password: password?.toString('utf8') ?? '',
        // IPv4 peers of a dual-stack socket read ::ffff:a.b.c.d; ClientIP shows a.b.c.d.
        remoteAddress: (client.conn as { remoteAddress?: string }).remoteAddress?.replace(/^::ffff:/, ''),
        tls: client.conn instanceof TLSSocket,
        keepalive: keepalives.get(client) ?? 0,
      };
      track(admit(client, connect)).then(
        (error) => done(error, error === null),
        (error: unknown) => {
          ctx.logger.error({ err: error }, 'MQTT authentication failed');
          ctx.metrics.mqttConnects.inc({ realm: 'unknown', result: 'error' });
          done(refusal(CONNACK_SERVER_UNAVAILABLE, 'server unavailable'), false);
        },
      );
    },
    authorizePublish(client, packet, done) {
      const own = client && sessions.get(client);
      if (own && own.session.mayUse(packet.topic)) {
        // Neither cloud keeps retained messages for devices: kept here, they would outlive the device.
        packet.retain = false;
        return done(null);
      }
      // MQTT 3.1.1 has no refusal for a PUBLISH: the connection closes, as at the clouds.
      done(new Error(`not authorized to publish to ${packet.topic}`));
    },
    authorizeSubscribe(client, subscription, done) {
      const own = sessions.get(client);
      // A null subscription is SUBACK 0x80 for that filter; the connection stays.
      done(null, own && own.session.mayUse(subscription.topic) ? subscription : null);
    },
  });

  async function admit(client: Client, connect: MqttConnect): Promise<AuthenticateError | null> {
    const realm = realms.find((candidate) => candidate.claims(connect));
    const count = (result: string) => ctx.metrics.mqttConnects.inc({ realm: realm?.name ?? 'unknown', result });
    const refuse = (code: number, result: string, reason: string) => {
      count(result);
      // The reason never includes the password or a secret; the ClientId and username are not secret.
      ctx.logger.info({ realm: realm?.name, clientId: connect.clientId, username: connect.username, reason }, 'MQTT connection refused');
      return refusal(code, reason);
    };
    if (connectRate && !(await withinRate(connectRate, connect.remoteAddress ?? 'unknown'))) {
      return refuse(CONNACK_SERVER_UNAVAILABLE, 'rate_limited', `more than ${limits.connectsPerIpPerSecond} CONNECTs a second from this address`);
    }
    if (!realm) return refuse(CONNACK_BAD_CREDENTIALS, 'bad_credentials', 'the username is neither deviceName&productKey nor an IoT Hub username');
    const admission = await realm.admit(ctx, connect);
    if (admission.kind === 'refused') return refuse(admission.code, admission.code === CONNACK_NOT_AUTHORIZED ? 'not_authorized' : 'bad_credentials', admission.reason);
    if (admission.kind === 'reply') {
      count('registered');
      replies.set(client, admission.reply);
      (client as { id: string }).id = `registration:${randomUUID()}`;
      return null;
    }
    const [minKeepalive, maxKeepalive] = realm.keepaliveSeconds ?? [0, Infinity];
    if (connect.keepalive < minKeepalive || connect.keepalive > maxKeepalive) {
      return refuse(CONNACK_NOT_AUTHORIZED, 'not_authorized', `the keep-alive must be ${minKeepalive} to ${maxKeepalive} seconds`);
    }
    const { session } = admission;
    // A device reconnecting replaces its own connection, so only new identities count; so do new
    // ones still being admitted, or CONNECTs arriving together would all pass the check.
    const isNew = !held.has(session.identity);
    if (isNew && held.size + admitting >= limits.maxConnections) {
      return refuse(CONNACK_SERVER_UNAVAILABLE, 'server_full', `this node holds its maximum of ${limits.maxConnections} connections`);
    }
    // Random, so two connects of a device within the same millisecond still tell apart.
    const login = randomUUID();
    if (isNew) admitting++;
    let online: boolean;
    try {
      online = await session.online(login, ctx.now());
    } finally {
      if (isNew) admitting--;
    }
    if (!online) return refuse(CONNACK_NOT_AUTHORIZED, 'not_authorized', 'the device no longer exists');
    const entry: Held = { client, realm, session, login, standing: session.standing(login), replaced: false };
    const offline = () => {
      if (held.get(session.identity) === entry) held.delete(session.identity);
      ctx.metrics.mqttConnected.set(held.size);
      if (entry.replaced) return;
      track(session.offline(login, ctx.now())).catch((error: unknown) => ctx.logger.error({ err: error, identity: session.identity }, 'MQTT offline record failed'));
    };
    // The device hung up while its online record was being written.
    if (client.conn.destroyed) {
      offline();
      return refusal(CONNACK_NOT_AUTHORIZED, 'the connection closed');
    }
    const previous = held.get(session.identity);
    if (previous) previous.replaced = true;
    held.set(session.identity, entry);
    ctx.metrics.mqttConnected.set(held.size);
    count('accepted');
    sessions.set(client, entry);
    // Keyed by the device, Aedes closes the identity's previous connection on this node
    // ([MQTT-3.1.4-2]) and keeps a persistent session per device, never per free-form ClientId.
    (client as { id: string }).id = session.identity;
    client.conn.once('close', offline);
    ctx.logger.info({ realm: realm.name, identity: session.identity }, 'MQTT device connected');
    return null;
  }

  /**
   * Closes the connections whose device lost access since it connected: replaced by a newer login
   * on any node, deleted, disabled, reset, or its credential revoked or changed. One query per
   * realm for all of this node's connections.
   */
  async function revalidateAll(): Promise<void> {
    const byRealm = new Map<MqttRealm, Held[]>();
    for (const entry of held.values()) {
      const entries = byRealm.get(entry.realm);
      if (entries) entries.push(entry);
      else byRealm.set(entry.realm, [entry]);
    }
    for (const [realm, entries] of byRealm) {
      for (let start = 0; start < entries.length; start += REVALIDATION_BATCH) {
        const batch = entries.slice(start, start + REVALIDATION_BATCH);
        const standings = await realm.standings(ctx, batch.map((entry) => entry.login));
        for (const entry of batch) {
          if (standings.has(entry.standing) || entry.client.closed) continue;
          ctx.logger.info({ realm: realm.name, identity: entry.session.identity }, 'MQTT connection closed: the device lost access');
          entry.client.close();
        }
      }
    }
  }

  // One revalidation at a time; asks made meanwhile are served by one more run after it.
  let running: Promise<void> | undefined;
  let again = false;
  const revalidate = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = track(
      revalidateAll()
        .catch((error: unknown) => ctx.logger.error({ err: error }, 'MQTT revalidation failed'))
        .finally(() => {
          running = undefined;
          if (again) {
            again = false;
            void revalidate();
          }
        }),
    );
    return running;
  };
  const stopTimer = (options.revalidationTimer ?? everyInterval)(revalidate, limits.revalidateMs);
  const unsubscribe = ctx.revocations?.subscribe(() => void revalidate());

  broker.on('clientReady', (client) => {
    const reply = replies.get(client);
    if (!reply) return;
    // Dynamic registration: the answer goes to the device without a subscription, then the
    // connection ends (PROTOCOL 5.2). Its payload holds a secret: it is never logged.
    client.publish({ cmd: 'publish', topic: reply.topic, payload: Buffer.from(reply.payload), qos: 0, retain: false, dup: false }, () => client.close());
  });

  const handle = (conn: Socket) => limitPacketSize(broker.handle(conn));
  const servers: Server[] = [];
  // Every accepted socket, TLS ones from before their handshake: a shutdown cuts what lingers.
  const sockets = new Set<Socket>();
  const listen = async (server: Server, port: number): Promise<number> => {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    servers.push(server);
    return (server.address() as AddressInfo).port;
  };
  const stop = async () => {
    stopTimer();
    unsubscribe?.();
    const stopped = Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    // The broker first: it closes every device's connection (each one's 'close' starts its
    // offline record). Sockets still handshaking or without CONNECT get a short grace, then are cut.
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await closeWithin(sockets, SHUTDOWN_GRACE_MS);
    await stopped;
    // Each offline record must land before the database closes.
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  try {
    const port = options.port === undefined ? undefined : await listen(createTcpServer(handle), options.port);
    const tlsPort = options.tls
      ? await listen(createTlsServer({ key: options.tls.key, cert: options.tls.cert, handshakeTimeout: limits.connectTimeoutMs }, handle), options.tls.port)
      : undefined;
    return { port, tlsPort, connectedDevices: () => held.size, revalidate, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Refuses a packet longer than MAX_PACKET_BYTES as soon as its fixed header says so, before its
 * body is buffered. Aedes 1.x's parser (mqtt-packet) has no such limit for MQTT 3.1.1, so its
 * length step is wrapped; the parser's error closes the connection, as the clouds do.
 */
function limitPacketSize(client: Client): Client {
  const parser = (client as unknown as { _parser: PacketParser })._parser;
  const parseLength = parser._parseLength;
  parser._parseLength = function checkedLength(this: PacketParser) {
    const parsed = parseLength.call(this);
    if (parsed && this.packet.length > MAX_PACKET_BYTES) return this._emitError(new Error(`packet of ${this.packet.length} bytes exceeds ${MAX_PACKET_BYTES}`));
    return parsed;
  };
  return client;
}

interface PacketParser {
  packet: { length: number };
  _parseLength(): boolean;
  _emitError(error: Error): boolean;
}

/** Waits for the sockets to close, destroying those still open after `graceMs`. */
async function closeWithin(sockets: ReadonlySet<Socket>, graceMs: number): Promise<void> {
  // 'close', not destroy: a device's offline record starts in its socket's 'close' listeners. A
  // socket still in the set has not emitted 'close' yet, even when `socket.closed` already says
  // true (Node sets it a tick before the event), so the event itself is awaited.
  const closed = (socket: Socket) => new Promise((resolve) => socket.once('close', resolve));
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([Promise.all([...sockets].map(closed)), grace]);
  clearTimeout(timer);
  await Promise.all([...sockets].map((socket) => (socket.destroy(), closed(socket))));
}

function connectRateLimiter(redis: Redis | undefined, perSecond: number): RateLimiterAbstract | undefined {
  if (perSecond === 0) return undefined;
  // With Redis the budget of an address is shared by every node, like the API rate limits.
  const options = { points: perSecond, duration: 1, keyPrefix: 'fleetgate:mqtt-connect' };
  return redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : new RateLimiterMemory(options);
}

async function withinRate(limiter: RateLimiterAbstract, address: string): Promise<boolean> {
  try {
    await limiter.consume(address);
    return true;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return false;
    throw rejection;
  }
}
