import { createServer, connect } from 'node:net';

/** A port nothing listens on now: bound once by the OS, then released (for a server to take, or to find closed). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * Several distinct free ports. All are held until the last is bound: released one at a time, the OS may
 * hand the same port out twice in a row (CI once gave the MQTT and MQTT TLS listeners both 37043).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.listen(0, '127.0.0.1', done))));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  return ports;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function connects(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
