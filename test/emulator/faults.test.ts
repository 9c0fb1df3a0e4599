import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, REDIS_URL, startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { expectTencentError, mnaClient, v1 } from '../support/tencent-harness.ts';
import type { SdkFailure } from '../support/alibaba-harness.ts';
import { alibabaClient, expectAlibabaError } from '../support/alibaba-harness.ts';
import { sendRaw } from '../support/http.ts';
import { tencentErrorCatalog } from '../../src/protocols/tencent/index.ts';
import { errorCatalog } from '../../src/protocols/alibaba/index.ts';
import { TENCENT_PRODUCTS, ALIBABA_PRODUCTS } from '../../src/services/registry.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted below
type Json = any;

describe.each(DIALECTS)('emulator controls on %s', (dialect) => {
  let server: TestServer;
  let account: TestAccount;
  let other: TestAccount;
  /** Moves the server's clock (fault expiry and signatures alike) without waiting. */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: () => Date.now() + clockOffsetMs, env: { FLEETGATE_RATE_LIMITS: 'tencent.mna:GetGroupList=1' } });
    account = await server.createAccount();
    other = await server.createAccount();
  });
  afterAll(() => server.close());
  afterEach(async () => {
    clockOffsetMs = 0;
    await emulator('DELETE', '/faults');
  });

  async function emulator(method: string, path: string, body?: unknown, token = server.adminToken): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${server.url}/_fleetgate${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async function addFault(fault: Record<string, unknown>): Promise<Json> {
    const created = await emulator('POST', '/faults', fault);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.fault;
  }

  const mna = (who: TestAccount = account) => mnaClient(server, who);
  const iot = (who: TestAccount = account) => alibabaClient('pop-core POST', server, who);
  /** 'ok' or the error code of an MNA GetPublicKey call through the SDK. */
  const mnaOutcome = (who?: TestAccount) => mna(who).GetPublicKey().then(() => 'ok', (e: { code: string }) => e.code);
  const iotOutcome = (who?: TestAccount) => iot(who).call('QueryProductList', { CurrentPage: 1, PageSize: 10 }).then(() => 'ok', (e: { code: string }) => e.code);

  it('guards the namespace with the admin token and answers in the admin error shape', async () => {
    for (const path of ['/health', '/faults']) {
      const anonymous = await fetch(`${server.url}/_fleetgate${path}`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ error: { code: 'Unauthorized', message: 'a valid admin bearer token is required' } });
      expect((await emulator('GET', path, undefined, 'wrong')).status).toBe(401);
    }
    expect((await emulator('POST', '/faults', { error: 'InternalError' }, 'wrong')).status).toBe(401);
    expect((await emulator('GET', '/faults')).body).toEqual({ faults: [] });
  });

  it('health lists each product with its implemented action count, each pipeline, the database and Redis (not configured)', async () => {
    const { status, body } = await emulator('GET', '/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.products).toEqual([
      { cloud: 'tencent', product: 'mna', version: '2021-01-19', actions: TENCENT_PRODUCTS[0]!.actions.length, state: 'running' },
      { cloud: 'tencent', product: 'iotcloud', version: '2021-04-08', actions: TENCENT_PRODUCTS[1]!.actions.length, state: 'running' },
      { cloud: 'alibaba', product: 'iot', version: '2018-01-20', actions: ALIBABA_PRODUCTS[0]!.actions.length, state: 'running' },
    ]);
    expect(body.products[0].actions).toBeGreaterThan(0);
    expect(body.pipelines).toEqual([
      { pipeline: 'tencent', state: 'running' },
      { pipeline: 'alibaba', state: 'running' },
      { pipeline: 'device', endpoints: expect.any(Number), state: 'running' },
    ]);
    expect(body.database).toEqual({ dialect, reachable: true, state: 'running' });
    expect(body.redis).toEqual({ configured: false, reachable: false, state: 'disabled' });
    expect(body.mqtt).toEqual({ configured: false, connectedDevices: 0, state: 'disabled' });
    expect(body.faults).toBe(0);
  });

  it('health marks the products and pipeline a fault targets as faulted, and only those', async () => {
    await addFault({ cloud: 'tencent', product: 'mna', error: 'InternalError' });
    const { body } = await emulator('GET', '/health');
    expect(body.products.map((p: Json) => `${p.product}:${p.state}`)).toEqual(['mna:faulted', 'iotcloud:running', 'iot:running']);
    expect(body.pipelines.map((p: Json) => `${p.pipeline}:${p.state}`)).toEqual(['tencent:faulted', 'alibaba:running', 'device:running']);
    expect(body.faults).toBe(1);
  });

  it.each(['RequestLimitExceeded', 'FailedOperation.TransactionException', 'InternalError', 'OperationDenied.InsufficientBalance'])(
    'an injected %s reaches the MNA SDK in the Tencent envelope with its catalog message',
    async (code) => {
      await addFault({ cloud: 'tencent', product: 'mna', action: 'GetPublicKey', error: code });
      const error = await expectTencentError(mna().GetPublicKey(), code);
      const text = tencentErrorCatalog[code as keyof typeof tencentErrorCatalog];
      expect(error.message).toContain(text.en ?? text.zh);
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('an injected Throttling.User reaches pop-core with HTTP 400 and the gateway envelope', async () => {
    await addFault({ cloud: 'alibaba', product: 'iot', action: 'QueryProductList', error: 'Throttling.User' });
    const failure = (await expectAlibabaError(iot().call('QueryProductList', { CurrentPage: 1, PageSize: 10 }), 'Throttling.User')) as SdkFailure;
    expect(failure.status).toBe(400);
    expect(failure.body).toMatchObject({ Code: 'Throttling.User', Message: errorCatalog['Throttling.User'].message, RequestId: expect.any(String), HostId: server.endpoint });
  });

  it('an injected IoT business code answers HTTP 200 with Success false, as the product does', async () => {
    await addFault({ cloud: 'alibaba', error: 'iot.system.SystemException' });
    const response = await iot().call('QueryProductList', { CurrentPage: 1, PageSize: 10 }).then(
      (body) => ({ status: 200, body }),
      (e: SdkFailure) => ({ status: e.status, body: e.body }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ Success: false, Code: 'iot.system.SystemException', ErrorMessage: errorCatalog['iot.system.SystemException'].message });
  });

  it('adds latency to matching calls, which then succeed; other calls do not match', async () => {
    const fault = await addFault({ product: 'mna', action: 'GetPublicKey', latencyMs: 400 });
    const started = performance.now();
    expect(await mnaOutcome()).toBe('ok');
    // Timers may fire a millisecond early by performance.now()'s reckoning.
    expect(performance.now() - started).toBeGreaterThanOrEqual(399);
    expect(await iotOutcome()).toBe('ok');
    expect((await emulator('GET', '/faults')).body.faults).toEqual([expect.objectContaining({ id: fault.id, matched: 1, hits: 1 })]);
  });

  it('fails a fraction of calls deterministically: with rate 0.5 every second call, with 1/3 every third', async () => {
    const half = await addFault({ product: 'mna', error: 'InternalError', rate: 0.5 });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await mnaOutcome());
    expect(outcomes).toEqual(['ok', 'InternalError', 'ok', 'InternalError', 'ok', 'InternalError']);
    expect((await emulator('GET', '/faults')).body.faults[0]).toMatchObject({ id: half.id, matched: 6, hits: 3 });
    await emulator('DELETE', `/faults/${half.id}`);

    await addFault({ product: 'iot', error: 'Throttling.User', rate: 1 / 3 });
    const iotOutcomes: string[] = [];
    for (let i = 0; i < 6; i++) iotOutcomes.push(await iotOutcome());
    expect(iotOutcomes).toEqual(['ok', 'ok', 'Throttling.User', 'ok', 'ok', 'Throttling.User']);
  });

  it('expires after N matching calls and disappears from the list', async () => {
    await addFault({ product: 'mna', error: 'RequestLimitExceeded', calls: 2 });
    expect(await iotOutcome()).toBe('ok'); // not a matching call: does not count
    expect([await mnaOutcome(), await mnaOutcome(), await mnaOutcome()]).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', 'ok']);
    expect((await emulator('GET', '/faults')).body).toEqual({ faults: [] });
  });

  it('expires at its time (ttlSeconds or expiresAt) on the server clock', async () => {
    const ttl = await addFault({ product: 'mna', error: 'InternalError', ttlSeconds: 60 });
    expect(Date.parse(ttl.expiresAt) - Date.parse(ttl.createdAt)).toBe(60_000);
    await addFault({ product: 'iot', error: 'Throttling.User', expiresAt: new Date(Date.now() + 120_000).toISOString() });
    expect([await mnaOutcome(), await iotOutcome()]).toEqual(['InternalError', 'Throttling.User']);
    clockOffsetMs = 61_000;
    expect([await mnaOutcome(), await iotOutcome()]).toEqual(['ok', 'Throttling.User']);
    clockOffsetMs = 121_000;
    expect([await mnaOutcome(), await iotOutcome()]).toEqual(['ok', 'ok']);
    expect((await emulator('GET', '/faults')).body.faults).toEqual([]);
  });

  it('matches wildcards: a fault on one account with every other selector left out hits both clouds for it alone', async () => {
    const fault = await addFault({ account: account.id, error: 'InternalError' });
    expect(fault).toMatchObject({ cloud: '*', product: '*', action: '*', account: account.id, rate: 1 });
    expect([await mnaOutcome(), await iotOutcome()]).toEqual(['InternalError', 'InternalError']);
    expect([await mnaOutcome(other), await iotOutcome(other)]).toEqual(['ok', 'ok']);
  });

  it('matches an action selector only on that action', async () => {
    await addFault({ cloud: 'tencent', action: 'GetPublicKey', error: 'InternalError' });
    expect(await mnaOutcome()).toBe('InternalError');
    await expectTencentError(mna().GetHardwareInfo({ Vendor: 'v', SN: 's' }), 'OperationDenied.HardwareNotExist');
  });

  it('refuses a code outside the cloud’s catalog, another cloud’s code, and a code that needs the request', async () => {
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ cloud: 'tencent', error: 'RequestLimitExceded' }, /RequestLimitExceded is not a Tencent Cloud error code/],
      [{ product: 'mna', error: 'Throttling.User' }, /Throttling.User is not a Tencent Cloud error code/],
      [{ cloud: 'alibaba', error: 'RequestLimitExceeded' }, /RequestLimitExceeded is not an Alibaba Cloud error code/],
      // Either cloud: the code must exist in both.
      [{ error: 'Throttling.User' }, /not a Tencent Cloud error code/],
      [{ cloud: 'alibaba', error: 'SignatureDoesNotMatch' }, /needs values from the request/],
      [{ product: 'ecs', error: 'InternalError' }, /no product ecs/],
      [{ product: 'mna', action: 'QueryProductList', error: 'InternalError' }, /no implemented action QueryProductList in tencent mna/],
      [{ product: 'mna' }, /needs an error code, a latency, or both/],
      [{ product: 'mna', error: 'InternalError', ttlSeconds: 5, expiresAt: '2999-01-01T00:00:00Z' }, /not both/],
      [{ product: 'mna', error: 'InternalError', expiresAt: '2000-01-01T00:00:00Z' }, /already past/],
      [{ product: 'mna', error: 'InternalError', expiresAt: 'Dec 25 2999' }, /not an ISO 8601 date-time/],
    ];
    for (const [fault, message] of refusals) {
      const refused = await emulator('POST', '/faults', fault);
      expect(refused.status, JSON.stringify(fault)).toBe(400);
      expect(refused.body.error.code).toBe('InvalidFault');
      expect(refused.body.error.message).toMatch(message);
    }
    for (const outOfRange of [{ rate: 2 }, { rate: 0 }, { latencyMs: 60_001 }, { calls: 0 }, { ttlSeconds: 1e12 }]) {
      const badSchema = await emulator('POST', '/faults', { error: 'InternalError', ...outOfRange });
      expect(badSchema.status, JSON.stringify(outOfRange)).toBe(400);
      expect(badSchema.body.error.code).toBe('InvalidParameter');
    }
    const misspelt = await emulator('POST', '/faults', { colud: 'tencent', error: 'InternalError' });
    expect(misspelt.body.error).toEqual({ code: 'InvalidParameter', message: expect.stringMatching(/colud/) });
    const noAccount = await emulator('POST', '/faults', { account: '999999999999', error: 'InternalError' });
    expect(noAccount).toEqual({ status: 404, body: { error: { code: 'AccountNotFound', message: 'no account 999999999999' } } });
    expect((await emulator('GET', '/faults')).body.faults).toEqual([]);
  });

  it('lists faults oldest first, deletes one by id (404 the second time) and clears the rest', async () => {
    const first = await addFault({ product: 'mna', error: 'InternalError' });
    const second = await addFault({ product: 'iot', latencyMs: 10 });
    const third = await addFault({ product: 'iotcloud', error: 'InternalError' });
    expect((await emulator('GET', '/faults')).body.faults.map((f: Json) => f.id)).toEqual([first.id, second.id, third.id]);
    expect(await emulator('DELETE', `/faults/${second.id}`)).toEqual({ status: 200, body: { removed: 1 } });
    expect(await emulator('DELETE', `/faults/${second.id}`)).toEqual({ status: 404, body: { error: { code: 'FaultNotFound', message: `no fault ${second.id}` } } });
    expect(await emulator('DELETE', '/faults')).toEqual({ status: 200, body: { removed: 2 } });
    expect(await mnaOutcome()).toBe('ok');
  });

  it('a faulted call counts against the rate limit, as an executed request does', async () => {
    await addFault({ product: 'mna', action: 'GetGroupList', error: 'InternalError' });
    const client = mna();
    const outcomes = await Promise.all([1, 2].map(() => client.GetGroupList({ PageNumber: 1, PageSize: 10 }).then(() => 'ok', (e: { code: string }) => e.code)));
    expect(outcomes.sort()).toEqual(['InternalError', 'RequestLimitExceeded']);
  });

  it('a faulted call has used its nonce, as an executed request does: the identical request is then a replay', async () => {
    await addFault({ product: 'mna', error: 'InternalError', calls: 1 });
    const request = v1(server, account, { action: 'GetPublicKey', params: {}, nonce: 4242 });
    expect((await sendRaw(server.url, request)).json().Response.Error.Code).toBe('InternalError');
    const again = (await sendRaw(server.url, request)).json().Response.Error;
    expect(again.Code).toBe('AuthFailure.SignatureFailure');
    expect(again.Message).toContain('replay');
  });
});

describe('emulator health with Redis configured', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite', env: { FLEETGATE_REDIS_URL: REDIS_URL } });
  });
  afterAll(() => server.close());

  const health = async (): Promise<Json> => (await fetch(`${server.url}/_fleetgate/health`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json();

  it('reports Redis as configured, reachable and running', async () => {
    expect((await health()).redis).toEqual({ configured: true, reachable: true, state: 'running' });
  });

  it('reports an unreachable Redis, and the products and pipelines that depend on it, as error', async () => {
    server.app.redis!.disconnect();
    try {
      const report = await health();
      expect(report.status).toBe('error');
      expect(report.redis).toEqual({ configured: true, reachable: false, state: 'error' });
      expect(new Set([...report.products, ...report.pipelines].map((p: Json) => p.state))).toEqual(new Set(['error']));
      expect(report.database.state).toBe('running');
    } finally {
      await server.app.redis!.connect();
    }
    expect((await health()).status).toBe('ok');
  });
});
