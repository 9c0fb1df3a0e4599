import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { sendRaw } from '../support/http.ts';
import { mnaClient } from '../support/tencent-harness.ts';
import { tc3, v1 } from '../support/tencent-harness.ts';

describe('logs, metrics and health', () => {
  let server: TestServer;
  let account: TestAccount;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite', logger: pino({ level: 'info' }, sink) });
    account = await server.createAccount();
  });
  afterAll(() => server.close());

  it('writes one JSON line per API call with request id, account, product, action, code and latency', async () => {
    const response = await mnaClient(server, account).GetPublicKey();
    const line = lines.map((l) => JSON.parse(l)).find((entry) => entry.requestId === response.RequestId);
    expect(line).toMatchObject({ msg: 'api call', cloud: 'tencent', account: account.id, product: 'mna', action: 'GetPublicKey', code: 'Success' });
    expect(line.latencyMs).toBeGreaterThan(0);
  });

  it('never logs a secret, a signature or a request body', async () => {
    const request = v1(server, account, { action: 'GetHardwareInfo', method: 'GET', params: { Vendor: 'secret-vendor-name', SN: 's' } });
    await sendRaw(server.url, request);
    await sendRaw(server.url, tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 's' } }));
    const signature = new URLSearchParams(request.url.split('?')[1]).get('Signature')!;
    const log = lines.join('\n');
    expect(log).not.toContain(account.tencent.secretKey);
    expect(log).not.toContain(signature);
    expect(log).not.toContain('secret-vendor-name');
    expect(log).not.toMatch(/Signature=/);
  });

  it('logs an unexpected failure with its stack and answers InternalError', async () => {
    const before = lines.length;
    await server.app.store.db.schema.dropTable('mna_account_keys').execute();
    const response = await sendRaw(server.url, tc3(server, account, { action: 'GetPublicKey', params: {} }));
    expect(response.json().Response.Error.Code).toBe('InternalError');
    const failure = lines.slice(before).map((l) => JSON.parse(l)).find((entry) => entry.level === 50);
    expect(failure.err.stack).toBeTruthy();
    expect(failure.requestId).toBe(response.json().Response.RequestId);
  });

  it('exposes Prometheus counters by product, action and code, and a latency histogram', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/fleetgate_api_requests_total\{cloud="tencent",product="mna",action="GetPublicKey",code="Success"\} \d+/);
    expect(text).toMatch(/fleetgate_api_requests_total\{[^}]*code="OperationDenied.HardwareNotExist"\} \d+/);
    expect(text).toContain('fleetgate_api_request_duration_seconds_bucket');
  });

  it('answers /healthz and /readyz while the database is reachable, and /readyz 503 when it is not', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
    await server.app.store.close();
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
  });
});
