/**
 * The device side of `mqtt-connect`, in its own process: raw sockets speaking MQTT 3.1.1 through
 * mqtt-packet (an mqtt.js client per connection would cost the driver more than the server).
 *   mode 'rate': `concurrency` loops of connect → CONNACK → DISCONNECT for `seconds`; connects/s.
 *   mode 'hold': connects `devices` devices and keeps them idle; prints once all are connected,
 *   then waits for "close" on stdin.
 * Each device's CONNECT is Alibaba's (PROTOCOL 5.3, hmacsha1) for `productKey`, `device-<i>`, `secret`.
 */
import { createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface MqttLoadSpec {
  readonly mode: 'rate' | 'hold';
  readonly port: number;
  readonly productKey: string;
  readonly secret: string;
  readonly devices: number;
  readonly concurrency: number;
  readonly seconds: number;
}

export interface MqttLoadResult {
  readonly connects: number;
  readonly refused: number;
  readonly seconds: number;
}

function connectPacket(spec: MqttLoadSpec, index: number): Buffer {
  const deviceName = `device-${index}`;
  const clientId = `${spec.productKey}&${deviceName}`;
  const timestamp = '1700000000000';
  const password = createHmac('sha1', spec.secret).update(`clientId${clientId}deviceName${deviceName}productKey${spec.productKey}timestamp${timestamp}`).digest('hex');
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    // What device SDKs send (Alibaba accepts 30-1200 s).
    keepalive: 60,
    clientId: `${clientId}|securemode=3,signmethod=hmacsha1,timestamp=${timestamp}|`,
    username: `${deviceName}&${spec.productKey}`,
    password: Buffer.from(password),
  });
}

/** Connects one device; resolves with its socket and whether the CONNACK accepted it. */
function open(spec: MqttLoadSpec, index: number): Promise<{ socket: Socket; accepted: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(spec.port, '127.0.0.1');
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connack') resolve({ socket, accepted: packet.returnCode === 0 });
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.once('error', reject);
    socket.write(connectPacket(spec, index));
  });
}

const DISCONNECT = mqttPacket.generate({ cmd: 'disconnect' });

async function rate(spec: MqttLoadSpec): Promise<MqttLoadResult> {
  let connects = 0;
  let refused = 0;
  const started = Date.now();
  const until = started + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async (_, worker) => {
      // Each loop uses its own devices, so no connection replaces another's.
      for (let round = 0; Date.now() < until; round++) {
        const index = (worker + round * spec.concurrency) % spec.devices;
        const { socket, accepted } = await open(spec, index);
        if (accepted) connects++;
        else refused++;
        await new Promise<void>((done) => socket.end(DISCONNECT, done));
        socket.destroy();
      }
    }),
  );
  return { connects, refused, seconds: (Date.now() - started) / 1000 };
}

async function hold(spec: MqttLoadSpec): Promise<void> {
  const sockets: Socket[] = [];
  let refused = 0;
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (next < spec.devices) {
        const { socket, accepted } = await open(spec, next++);
        sockets.push(socket);
        if (!accepted) refused++;
      }
    }),
  );
  console.log(JSON.stringify({ connects: sockets.length - refused, refused, seconds: (Date.now() - started) / 1000 }));
  process.stdin.once('data', () => {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
}

const spec = JSON.parse(process.argv[2]!) as MqttLoadSpec;
if (spec.mode === 'rate') console.log(JSON.stringify(await rate(spec)));
else await hold(spec);
