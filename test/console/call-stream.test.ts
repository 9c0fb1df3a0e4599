import { connect } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { STREAM_BUFFER_CAP_BYTES } from '../../src/console/routes/emulator.ts';
import { signIn } from './support.ts';

/** Opens the live call stream on a raw socket, answering it once the stream has said it is connected. */
async function openCallStream(server: TestServer) {
  const token = await signIn(server, { adminToken: server.adminToken });
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  socket.write(`GET /console/api/v1/emulator/calls/stream HTTP/1.1\r\nhost: fleetgate\r\nauthorization: Bearer ${token}\r\n\r\n`);
  let received = '';
  socket.setEncoding('utf8');
  while (!received.includes(': connected')) received += (await once(socket, 'data'))[0];
  expect(received).toMatch(/^HTTP\/1.1 200/);
  return socket;
}

/** A call the gateway would record, its request id padded so a few thousand fill megabytes. */
const bulkyCall = (i: number) => ({
  cloud: 'tencent' as const,
  requestId: `${i}-${'x'.repeat(8_000)}`,
  accountId: undefined,
  product: 'mna',
  action: 'DescribeDevices',
  code: 'Success',
  codeLabel: 'Success',
  startedAt: process.hrtime.bigint(),
});

describe('live call stream', () => {
  it('does not keep a closing server waiting for its watchers', async () => {
    const server = await startTestServer({ dialect: 'sqlite' });
    const socket = await openCallStream(server);
    const closed = once(socket, 'close');
    await server.close();
    await closed;
  }, 30_000);

  it(`cuts off a watcher that lets more than ${STREAM_BUFFER_CAP_BYTES} bytes pile up unread, instead of buffering every call`, async () => {
    const server = await startTestServer({ dialect: 'sqlite' });
    try {
      const socket = await openCallStream(server);
      socket.pause();
      const closed = once(socket, 'close');
      // Far more than the cap plus what the kernel's socket buffers hold.
      for (let batch = 0; batch < 40; batch++) {
        for (let i = 0; i < 100; i++) server.app.recentCalls.record(bulkyCall(batch * 100 + i), 0.001);
        await new Promise((resolve) => setImmediate(resolve));
      }
      socket.resume();
      await closed;
    } finally {
      await server.close();
    }
  }, 60_000);
});
