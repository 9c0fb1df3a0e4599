import { Agent, request } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { trackInFlight } from '../src/graceful-shutdown.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A server whose `/slow` answers only when the test says so, and `/fast` at once. */
async function serverWithHeldAnswers() {
  const release: (() => void)[] = [];
  app = Fastify();
  app.get('/fast', async () => 'fast');
  app.get('/slow', async () => {
    await new Promise<void>((done) => release.push(done));
    return 'slow';
  });
  const inFlight = trackInFlight(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const agent = new Agent({ keepAlive: true });
  const get = (path: string) =>
    new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      })
        .on('error', reject)
        .end();
    });
  return { inFlight, get, release, agent };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((done) => setTimeout(done, 5));
};

describe('in-flight tracking for a graceful shutdown', () => {
  it('after many answers have come and gone (their slots reused), a drain still marks every answer in flight and waits for it', async () => {
    const { inFlight, get, release, agent } = await serverWithHeldAnswers();
    // Answers end in another order than they began, so freed slots are reused out of order.
    for (let round = 0; round < 20; round++) {
      const slow = [get('/slow'), get('/slow'), get('/slow')];
      await Promise.all(Array.from({ length: 10 }, () => get('/fast')));
      await until(() => release.length === 3);
      for (const done of release.splice(0).reverse()) done();
      expect((await Promise.all(slow)).map((answer) => answer.body)).toEqual(['slow', 'slow', 'slow']);
    }
    const held = [get('/slow'), get('/slow')];
    await until(() => release.length === 2);
    let drained = false;
    const draining = inFlight.drain(0).then(() => (drained = true));
    expect(inFlight.draining).toBe(true);
    await new Promise((done) => setTimeout(done, 200));
    // The drain waits for both answers still in flight…
    expect(drained).toBe(false);
    for (const done of release.splice(0)) done();
    // …which say Connection: close, so keep-alive clients go elsewhere.
    expect(await Promise.all(held)).toEqual([
      { status: 200, connection: 'close', body: 'slow' },
      { status: 200, connection: 'close', body: 'slow' },
    ]);
    await draining;
    agent.destroy();
  });

  it('an answer whose client went away mid-request no longer holds a drain', async () => {
    const { inFlight, release } = await serverWithHeldAnswers();
    const { port } = app!.server.address() as { port: number };
    const gone = request({ host: '127.0.0.1', port, path: '/slow' });
    gone.on('error', () => {});
    gone.end();
    await until(() => release.length === 1);
    gone.destroy();
    // Never released: only the client's leaving ends this answer.
    await expect(Promise.race([inFlight.drain(0).then(() => 'drained'), new Promise((done) => setTimeout(() => done('held'), 4_000))])).resolves.toBe('drained');
  });

  it('a drain with nothing in flight ends after a quiet moment', async () => {
    const { inFlight, get, agent } = await serverWithHeldAnswers();
    expect((await get('/fast')).connection).toBe('keep-alive');
    const started = Date.now();
    await inFlight.drain(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    agent.destroy();
  });
});
