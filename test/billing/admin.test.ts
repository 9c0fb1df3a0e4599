import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, DIALECTS, startTestServer, type TestServer } from '../support/server.ts';

describe.each(DIALECTS)('billing admin API on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted below
  const json = async (response: Response | Promise<Response>): Promise<any> => (await response).json();
  const call = (method: string, path: string, body?: unknown) => adminCaller(server)(method, path, body);

  it('GET /accounts/{id}/balance answers {balance, currency: CNY}, 0 before any movement', async () => {
    const { id } = await server.createAccount();
    const response = await call('GET', `/accounts/${id}/balance`);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ balance: 0, currency: 'CNY' });
  });

  it('POST /accounts/{id}/credits answers 201 with the new balance and the ledger entry; a negative amount debits', async () => {
    const { id } = await server.createAccount();
    const credited = await call('POST', `/accounts/${id}/credits`, { amount: 5_000, note: 'invoice 42' });
    expect(credited.status).toBe(201);
    const body = await json(credited);
    expect(body).toEqual({
      balance: 5_000,
      currency: 'CNY',
      entry: { id: expect.stringMatching(/^le-/), accountId: id, seq: 1, kind: 'credit', amount: 5_000, balanceAfter: 5_000, requestId: null, note: 'invoice 42', resource: null, createdAt: expect.any(Number), action: null, deviceId: null, voucherId: null },
    });
    const debited = await json(call('POST', `/accounts/${id}/credits`, { amount: -1_200 }));
    expect(debited).toMatchObject({ balance: 3_800, entry: { kind: 'debit', amount: -1_200, balanceAfter: 3_800, note: null } });
    expect(await json(call('GET', `/accounts/${id}/balance`))).toEqual({ balance: 3_800, currency: 'CNY' });

    const ledger = await json(call('GET', `/accounts/${id}/ledger?limit=1`));
    expect(ledger).toEqual({ entries: [debited.entry], total: 2, offset: 0, limit: 1 });
    expect((await json(call('GET', `/accounts/${id}/ledger?offset=1`))).entries).toEqual([body.entry]);
  });

  it('refuses bad amounts, overdrafts and unknown accounts in the admin error shape', async () => {
    const { id } = await server.createAccount();
    const cases: [unknown, number, string][] = [
      [{ amount: 0 }, 400, 'InvalidAmount'],
      [{ amount: 2 ** 53 }, 400, 'InvalidAmount'],
      [{ amount: 1.5 }, 400, 'InvalidParameter'],
      [{}, 400, 'InvalidParameter'],
      [{ amount: 1, note: 'a\u0000b' }, 400, 'InvalidParameter'],
      [{ amount: 1, note: 'a\u0007b' }, 400, 'InvalidNote'],
      // A JSON body is taken as sent: no coercion of money, no unknown field silently dropped.
      [{ amount: true }, 400, 'InvalidParameter'],
      [{ amount: '300' }, 400, 'InvalidParameter'],
      [{ amount: [250] }, 400, 'InvalidParameter'],
      [{ amount: 5, note: 77 }, 400, 'InvalidParameter'],
      [{ amount: 5, bogus: 'x' }, 400, 'InvalidParameter'],
      [{ amount: -1 }, 409, 'InsufficientBalance'],
    ];
    for (const [body, status, code] of cases) {
      const response = await call('POST', `/accounts/${id}/credits`, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(await json(response)).toEqual({ error: { code, message: expect.any(String) } });
    }
    expect(await json(call('GET', `/accounts/${id}/ledger`))).toMatchObject({ entries: [], total: 0 });
    for (const [method, path, body] of [
      ['GET', '/accounts/999999999999/balance', undefined],
      ['POST', '/accounts/999999999999/credits', { amount: 1 }],
      ['GET', '/accounts/999999999999/ledger', undefined],
    ] as const) {
      const response = await call(method, path, body);
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('AccountNotFound');
    }
    expect((await call('GET', `/accounts/${id}/ledger?limit=101`)).status).toBe(400);
  });

  it('describes the three billing operations in the OpenAPI document', async () => {
    const { paths } = await json(call('GET', '/openapi.json'));
    expect(Object.keys(paths['/admin/v1/accounts/{accountId}/balance'])).toEqual(['get']);
    expect(Object.keys(paths['/admin/v1/accounts/{accountId}/credits'])).toEqual(['post']);
    expect(Object.keys(paths['/admin/v1/accounts/{accountId}/ledger'])).toEqual(['get']);
    expect(paths['/admin/v1/accounts/{accountId}/credits'].post.responses['201']).toBeDefined();
  });
});
