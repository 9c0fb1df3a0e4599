import type { ReplayGuard } from '../core/replay-guard.ts';
import type { EmulatorClock } from '../emulator/clock.ts';
import { randomUUID } from 'node:crypto';
import { createServer as createTcpServer, type Server, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer, Server as TlsServer, TLSSocket } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { AppContext } from '../core/app-context.ts';
import type { Metrics } from '../core/metrics.ts';
import { CONNACK_BAD_CREDENTIALS, CONNACK_NOT_AUTHORIZED, type MqttConnect, type MqttRealm, type MqttReply, type MqttSession } from './realm.ts';

export interface MqttListenerOptions {
  readonly host: string;
  /** Plain TCP (local use, securemode=3); 0 picks a free port; undefined: TLS only. */
  readonly port: number | undefined;
  /** TLS (securemode=2), with the operator's or the generated certificate. */
  readonly tls?: { readonly port: number; readonly key: string; readonly cert: string };
}

export interface MqttListener {
  readonly port: number | undefined;
  readonly tlsPort: number | undefined;
  /** Devices holding a connection on this node. */
  connectedDevices(): number;
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

/** A connection this node holds for a device, with the mark its online record left. */
interface Held {
  readonly client: Client;
  readonly session: MqttSession;
  readonly mark: number;
  /** Set when a newer connection of the same identity took over: it records the state from then on. */
  replaced: boolean;
}

const refusal = (code: number, reason: string): AuthenticateError => Object.assign(new Error(reason), { returnCode: code }) as AuthenticateError;

/**
 * Fleetgate's MQTT listener: an Aedes broker whose CONNECT authentication, publish and subscribe
 * checks are the realms' (one per cloud, from the registry). Messages a device publishes on its
 * own topics are routed by Aedes to subscribers of those topics (the same device, or another
 * connection of it); nothing else is delivered anywhere.
 */
export async function startMqttListener(ctx: AppContext & { readonly metrics: Metrics; readonly clock: Pick<EmulatorClock, 'signatureNow'>; readonly replayGuard: ReplayGuard }, realms: readonly MqttRealm[], options: MqttListenerOptions): Promise<MqttListener> {
  const held = new Map<string, Held>();
  const sessions = new WeakMap<Client, Held>();
  const replies = new WeakMap<Client, MqttReply>();
  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  };

  const broker = await Aedes.createBroker({
    // MQTT 3.1 caps ClientIds at 23 characters; the clouds' ClientIds carry their options.
    maxClientsIdLength: 1024,
    authenticate(client, username, password, done) {
      const connect: MqttConnect = {
        clientId: client.id,
        username: username ?? '',
        password: password?.toString('utf8') ?? '',
        // IPv4 peers of a dual-stack socket read ::ffff:a.b.c.d; ClientIP shows a.b.c.d.
        remoteAddress: (client.conn as { remoteAddress?: string }).remoteAddress?.replace(/^::ffff:/, ''),
        tls: client.conn instanceof TLSSocket,
      };
      track(admit(client, connect)).then(
        (error) => done(error, error === null),
        (error: unknown) => {
          ctx.logger.error({ err: error }, 'MQTT authentication failed');
          ctx.metrics.mqttConnects.inc({ realm: 'unknown', result: 'error' });
          done(refusal(3, 'server unavailable'), false);
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
    if (!realm) {
      count('bad_credentials');
      ctx.logger.info({ clientId: connect.clientId, username: connect.username }, 'MQTT connection refused: unknown username form');
      return refusal(CONNACK_BAD_CREDENTIALS, 'the username is neither deviceName&productKey nor an IoT Hub username');
    }
    const admission = await realm.admit(ctx, connect);
    if (admission.kind === 'refused') {
      count(admission.code === CONNACK_NOT_AUTHORIZED ? 'not_authorized' : 'bad_credentials');
      // The reason never includes the password or a secret; the ClientId and username are not secret.
      ctx.logger.info({ realm: realm.name, clientId: connect.clientId, username: connect.username, reason: admission.reason }, 'MQTT connection refused');
      return refusal(admission.code, admission.reason);
    }
    if (admission.kind === 'reply') {
      count('registered');
      replies.set(client, admission.reply);
      (client as { id: string }).id = `registration:${randomUUID()}`;
      return null;
    }
    const { session } = admission;
    const mark = await session.online(ctx.now());
    if (mark === undefined) {
      count('not_authorized');
      return refusal(CONNACK_NOT_AUTHORIZED, 'the device no longer exists');
    }
    const entry: Held = { client, session, mark, replaced: false };
    const offline = () => {
      if (held.get(session.identity) === entry) held.delete(session.identity);
      ctx.metrics.mqttConnected.set(held.size);
      if (entry.replaced) return;
      track(session.offline(mark, ctx.now())).catch((error: unknown) => ctx.logger.error({ err: error, identity: session.identity }, 'MQTT offline record failed'));
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

  // Each PINGREQ (every keep-alive interval) asks the database whether the connection is still
  // the device's latest login: a device that connected again on another node, or was deleted,
  // reset or disabled, loses this connection within one keep-alive.
  broker.on('ping', (_packet, client) => {
    const own = sessions.get(client);
    if (!own) return;
    track(own.session.current(own.mark)).then(
      (current) => {
        if (!current) client.close();
      },
      (error: unknown) => ctx.logger.error({ err: error, identity: own.session.identity }, 'MQTT session check failed'),
    );
  });

  broker.on('clientReady', (client) => {
    const reply = replies.get(client);
    if (!reply) return;
    // Dynamic registration: the answer goes to the device without a subscription, then the
    // connection ends (PROTOCOL 5.2). Its payload holds a secret: it is never logged.
    client.publish({ cmd: 'publish', topic: reply.topic, payload: Buffer.from(reply.payload), qos: 0, retain: false, dup: false }, () => client.close());
  });

  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const listen = async (server: Server, port: number): Promise<number> => {
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
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
  try {
    const port = options.port === undefined ? undefined : await listen(createTcpServer(broker.handle), options.port);
    const tlsPort = options.tls ? await listen(createTlsServer({ key: options.tls.key, cert: options.tls.cert }, broker.handle), options.tls.port) : undefined;
    return {
      port,
      tlsPort,
      connectedDevices: () => held.size,
      async close() {
        const stopped = Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
        // Devices reconnect elsewhere at once; waiting for their output to drain would hold the
        // shutdown. A socket's 'close' (which starts its offline record) comes after the server's
        // own bookkeeping, so each one is awaited.
        await Promise.all(
          [...sockets].map(
            (socket) =>
              new Promise((resolve) => {
                socket.once('close', resolve);
                socket.destroy();
              }),
          ),
        );
        await stopped;
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        // Closing the broker closes its connections; each one's offline record must land
        // before the database closes.
        while (pending.size > 0) await Promise.allSettled([...pending]);
      },
    };
  } catch (error) {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
}
