import type { MqttClient } from 'mqtt';

/** Resolves once the client is connected; rejects with its first error (a refused CONNACK included). */
export function connected(client: MqttClient): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** The CONNACK return code of a refused connection (mqtt.js puts it on the error's `code`). */
export async function connectRefusal(client: MqttClient): Promise<number | undefined> {
  const error = await connected(client).then(
    () => {
      client.end(true);
      throw new Error('the connection was accepted');
    },
    (error: { code?: number }) => error,
  );
  return error.code;
}

/** What the helpers need of a client: mqtt.js 5, or a device SDK over its own mqtt.js. */
interface Subscriber {
  subscribe(topic: string, options: { qos: 0 | 1 }, cb: (error: Error | null, granted?: { qos: number }[]) => void): unknown;
  on(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  off(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
}

/** The granted QoS of one subscription (128: refused; mqtt.js 5 reports that as an error carrying the SUBACK). */
export function subscribeGrant(client: Subscriber, topic: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(topic, { qos: 1 }, (error, granted) => {
      const suback = (error as { packet?: { granted?: number[] } } | null)?.packet?.granted;
      if (suback) resolve(suback[0]!);
      else if (error) reject(error);
      else resolve(granted![0]!.qos);
    }),
  );
}

/** The payload of the next message on `topic`. */
export function nextMessage(client: Subscriber, topic: string): Promise<string> {
  return new Promise((resolve) => {
    const listener = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      client.off('message', listener);
      resolve(payload.toString('utf8'));
    };
    client.on('message', listener);
  });
}

/** Polls until the condition holds (state written when a connection ends lands a moment later). */
export async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
