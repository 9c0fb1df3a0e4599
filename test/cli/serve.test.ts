import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'node:http';
import type { RawRequest } from '../../src/protocols/raw-request.ts';
import { signTc3Request } from '../support/tencent-signer.ts';
import { afterEach, describe, expect, it } from 'vitest';
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { spawn } from 'node:child_process';
import { startServing, type ServingProcess } from '../support/cli.ts';
import { connects, freePort } from '../support/ports.ts';

let serving: ServingProcess | undefined;
let dataDir: string;

afterEach(async () => {
  if (serving && serving.child.exitCode === null && serving.child.signalCode === null) {
    serving.child.kill('SIGKILL');
    await once(serving.child, 'exit');
  }
  serving = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const client = (endpoint: string, secretId: string, secretKey: string) =>
  new tencentcloud.mna.v20210119.Client({ credential: { secretId, secretKey }, profile: { httpProfile: { protocol: 'http://', endpoint } } });

describe('fleetgate serve', () => {
  it('on a fresh data dir serves SQLite, prints the default credentials and admin token once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    serving = await startServing(['--data-dir', dataDir], { FLEETGATE_SHUTDOWN_GRACE_SECONDS: '0' });
    const id = /SecretId=(AKID\w+)\s+SecretKey=(\w+)/.exec(serving.banner);
    expect(id).not.toBeNull();
    expect(serving.banner).toMatch(/AccessKeyId=LTAI\w+\s+AccessKeySecret=\w+/);
    const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    expect(serving.banner).toContain(token);
    expect(statSync(join(dataDir, 'admin.token')).mode & 0o777).toBe(0o600);
    expect(serving.logs()).not.toContain(id![2]!);
    expect(serving.logs()).not.toContain(token);

    const answer = await client(serving.endpoint, id![1]!, id![2]!).GetPublicKey();
    expect(answer.PublicKey).toContain('PUBLIC KEY');
    serving.child.kill('SIGTERM');
    await once(serving.child, 'exit');

    serving = await startServing(['--data-dir', dataDir]);
    expect(serving.banner).toBe('');
  });

  it('uses the pinned keys from the environment on the first start, and says so when a later start cannot', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    const first = { FLEETGATE_TENCENT_SECRET_ID: 'AKIDciPinnedKey00000000000000000001', FLEETGATE_TENCENT_SECRET_KEY: 'ciPinnedSecretKey000000000000001' };
    serving = await startServing(['--data-dir', dataDir], first);
    const answer = await client(serving.endpoint, first.FLEETGATE_TENCENT_SECRET_ID, first.FLEETGATE_TENCENT_SECRET_KEY).GetPublicKey();
    expect(answer.RequestId).toBeTruthy();
    expect(serving.logs()).not.toContain('not applied');
    serving.child.kill('SIGTERM');
    await once(serving.child, 'exit');

    const later = {
      FLEETGATE_TENCENT_SECRET_ID: 'AKIDciPinnedKey00000000000000000009',
      FLEETGATE_TENCENT_SECRET_KEY: 'ciPinnedSecretKey000000000000009',
      FLEETGATE_ALIBABA_ACCESS_KEY_ID: 'LTAIciPinnedKey000000009',
      FLEETGATE_ALIBABA_ACCESS_KEY_SECRET: 'ciPinnedAccessKeySecret0000009',
    };
    serving = await startServing(['--data-dir', dataDir], later);
    expect(serving.banner).toBe('');
    const warnings = serving.logs().split('\n').filter((line) => line.includes('"level":40'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!).msg).toBe(
      'FLEETGATE_TENCENT_SECRET_ID, FLEETGATE_TENCENT_SECRET_KEY, FLEETGATE_ALIBABA_ACCESS_KEY_ID, FLEETGATE_ALIBABA_ACCESS_KEY_SECRET not applied: ' +
        'the database already has accounts, and pinned keys apply only to the first start (manage keys with "fleetgate keys" or the admin API)',
    );
    expect(serving.logs()).not.toContain(later.FLEETGATE_TENCENT_SECRET_KEY);
    await expect(client(serving.endpoint, later.FLEETGATE_TENCENT_SECRET_ID, later.FLEETGATE_TENCENT_SECRET_KEY).GetPublicKey()).rejects.toMatchObject({ code: 'AuthFailure.SecretIdNotFound' });
    expect((await client(serving.endpoint, first.FLEETGATE_TENCENT_SECRET_ID, first.FLEETGATE_TENCENT_SECRET_KEY).GetPublicKey()).RequestId).toBeTruthy();
  });

  it('keeps the SQLite database and its WAL and shared-memory files 0600 while serving', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    serving = await startServing(['--data-dir', dataDir]);
    const mode = (name: string) => (statSync(join(dataDir, name)).mode & 0o777).toString(8);
    expect(['fleetgate.db', 'fleetgate.db-wal', 'fleetgate.db-shm', 'master.key', 'admin.token'].map(mode)).toEqual(['600', '600', '600', '600', '600']);
  });

  it('finishes in-flight requests on SIGTERM before exiting', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    const secretId = 'AKIDciPinnedKey00000000000000000002';
    const secretKey = 'ciPinnedSecretKey000000000000002';
    serving = await startServing(['--data-dir', dataDir], { FLEETGATE_TENCENT_SECRET_ID: secretId, FLEETGATE_TENCENT_SECRET_KEY: secretKey, FLEETGATE_RATE_LIMIT: '1000', FLEETGATE_SHUTDOWN_GRACE_SECONDS: '0' });
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const send = (path: string, raw?: RawRequest) =>
      new Promise<string>((resolve) => {
        const req = request(`${serving!.url}${path}`, { agent, method: raw?.method ?? 'GET', headers: raw ? { ...raw.headers, 'content-length': String(raw.body.length) } : {} }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        });
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        req.end(raw?.body);
      });
    // Twenty open keep-alive connections, then a large atomic batch on each: the server is still
    // working through them when the signal arrives.
    expect(await Promise.all(Array.from({ length: 20 }, () => send('/healthz')))).toEqual(Array(20).fill('200'));
    const hardware = Array.from({ length: 100 }, (_, i) => ({ Vendor: 'nobody', SN: `sn-${i}`, DeviceName: `device-${i}` }));
    const batch = () =>
      signTc3Request({ secretId, secretKey, action: 'ActivateHardware', version: '2021-01-19', timestamp: Math.floor(Date.now() / 1000), host: serving!.endpoint, params: { Hardware: hardware } });
    const inFlight = Array.from({ length: 20 }, () => send('/', batch()));
    serving.child.kill('SIGTERM');
    const [results, [exitCode]] = await Promise.all([Promise.all(inFlight), once(serving.child, 'exit')]);
    expect(results).toEqual(Array(20).fill('200'));
    expect(exitCode).toBe(0);
    agent.destroy();
    expect(await send('/healthz')).toBe('ECONNREFUSED');
  });

  it('on SIGTERM reports draining, then stops accepting: under load every fresh connection gets a full answer or is refused, none is reset', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    const secretId = 'AKIDciPinnedKey00000000000000000003';
    const secretKey = 'ciPinnedSecretKey000000000000003';
    serving = await startServing(['--data-dir', dataDir], {
      FLEETGATE_TENCENT_SECRET_ID: secretId,
      FLEETGATE_TENCENT_SECRET_KEY: secretKey,
      FLEETGATE_RATE_LIMIT: '100000',
      FLEETGATE_SHUTDOWN_GRACE_SECONDS: '0.5',
    });
    const url = serving.url;
    // One request on a connection of its own: its status and body, or the socket error's code.
    const fresh = (path: string, raw?: RawRequest) =>
      new Promise<string>((resolve) => {
        const headers = raw ? { ...raw.headers, 'content-length': String(raw.body.length) } : {};
        const req = request(`${url}${path}`, { agent: false, method: raw?.method ?? 'GET', headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve(`${res.statusCode} ${raw ? (JSON.parse(body).Response.Error?.Code ?? 'Success') : body}`));
          res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        });
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        req.end(raw?.body);
      });
    const call = () =>
      fresh('/', signTc3Request({ secretId, secretKey, action: 'GetPublicKey', version: '2021-01-19', timestamp: Math.floor(Date.now() / 1000), host: serving!.endpoint, params: {} }));
    // Each loop opens connection after connection until one is refused.
    const loop = async (next: () => Promise<string>) => {
      const outcomes: string[] = [];
      while (outcomes.at(-1) !== 'ECONNREFUSED') outcomes.push(await next());
      return outcomes;
    };
    expect(await call()).toBe('200 Success'); // the account's RSA key pair is made on first use
    const loops = [...Array.from({ length: 8 }, () => loop(call)), loop(() => fresh('/healthz'))];
    const readiness = loop(() => fresh('/readyz'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    serving.child.kill('SIGTERM');
    const [[exitCode], outcomes, readyz] = await Promise.all([once(serving.child, 'exit'), Promise.all(loops), readiness]);
    expect(exitCode).toBe(0);
    const seen = new Set(outcomes.flat());
    expect(seen).toEqual(new Set(['200 Success', '200 {"status":"ok"}', 'ECONNREFUSED']));
    expect(outcomes.flat().filter((o) => o.startsWith('200')).length).toBeGreaterThan(50);
    // Readiness goes false first and stays false until the listener closes.
    expect(readyz.filter((o, i) => o !== readyz[i - 1])).toEqual(['200 {"status":"ready"}', '503 {"status":"draining"}', 'ECONNREFUSED']);
  });

  it('a second signal sent later during the grace ends the process at once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    serving = await startServing(['--data-dir', dataDir], { FLEETGATE_SHUTDOWN_GRACE_SECONDS: '20' });
    serving.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const readyz = await fetch(`${serving.url}/readyz`);
    expect([readyz.status, await readyz.json()]).toEqual([503, { status: 'draining' }]);
    // Past the window in which a repeat counts as the same request to stop.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    serving.child.kill('SIGINT');
    const [code, signal] = await once(serving.child, 'exit');
    expect([code, signal]).toEqual([null, 'SIGINT']);
  });

  it('a signal repeated at once (Ctrl-C under npm arrives twice) does not cut the drain short', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    serving = await startServing(['--data-dir', dataDir], { FLEETGATE_SHUTDOWN_GRACE_SECONDS: '1' });
    serving.child.kill('SIGTERM');
    serving.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readyz = await fetch(`${serving.url}/readyz`);
    expect([readyz.status, await readyz.json()]).toEqual([503, { status: 'draining' }]);
    const [code, signal] = await once(serving.child, 'exit');
    expect([code, signal]).toEqual([0, null]);
  });

  it('npm start stops on SIGTERM: npm hands the signal to the server, which releases its port', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-serve-'));
    const port = await freePort();
    // Its own process group, so a server left behind by a failure is still ours to kill.
    const npm = spawn('npm', ['start'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, FLEETGATE_DATA_DIR: dataDir, FLEETGATE_PORT: String(port), FLEETGATE_SHUTDOWN_GRACE_SECONDS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      let stdout = '';
      npm.stdout.on('data', (chunk) => (stdout += chunk));
      await expect.poll(() => stdout, { timeout: 20_000 }).toContain('fleetgate is serving');
      expect(await connects(port)).toBe(true);
      npm.kill('SIGTERM');
      await once(npm, 'exit');
      await expect.poll(() => connects(port), { timeout: 10_000 }).toBe(false);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // The group is gone already: nothing was left behind.
      }
    }
  });
});
