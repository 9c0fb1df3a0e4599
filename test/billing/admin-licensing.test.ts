import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, DIALECTS, startTestServer, type TestServer } from '../support/server.ts';
import { expectTencentError, mnaClient } from '../support/tencent-harness.ts';
import { DEFAULT_PRICES } from '../../src/storage/migrations/0009_billing_licensing.ts';

describe.each(DIALECTS)('billing admin API for licensing on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted below
  const json = async (response: Response | Promise<Response>): Promise<any> => (await response).json();
  const call = (method: string, path: string, body?: unknown) => adminCaller(server)(method, path, body);

  it('GET /prices lists the documented defaults; PUT /prices changes items of the list, all or none', async () => {
    const { prices } = await json(call('GET', '/prices'));
    expect(Object.fromEntries(prices.map((p: { item: string; amount: number }) => [p.item, p.amount]))).toEqual(DEFAULT_PRICES);
    const unknown = await call('PUT', '/prices', { prices: { 'mna.license.permanent.0': 1, 'mna.nothing': 5 } });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.code).toBe('UnknownItem');
    expect((await json(call('PUT', '/prices', { prices: { 'mna.license.permanent.0': 0 } }))).error.code).toBe('InvalidAmount');
    const changed = await json(call('PUT', '/prices', { prices: { 'mna.license.permanent.1': 42_000 } }));
    expect(changed.prices.find((p: { item: string }) => p.item === 'mna.license.permanent.1').amount).toBe(42_000);
    expect(changed.prices.find((p: { item: string }) => p.item === 'mna.license.permanent.0').amount).toBe(DEFAULT_PRICES['mna.license.permanent.0']);
  });

  it('POST/GET /accounts/{id}/vouchers issue and list an account\'s vouchers; refusals are 400, unknown accounts 404', async () => {
    const { id } = await server.createAccount();
    const expiresAt = server.app.now() + 86_400_000;
    const created = await call('POST', `/accounts/${id}/vouchers`, { kind: 'deduction', faceValue: 500, minOrderAmount: 1_000, expiresAt });
    expect(created.status).toBe(201);
    const voucher = await json(created);
    expect(voucher).toEqual({ id: expect.stringMatching(/^v-[a-z0-9]{12}$/), accountId: id, kind: 'deduction', faceValue: 500, remaining: 500, minOrderAmount: 1_000, expiresAt, note: null, createdAt: expect.any(Number) });
    expect(await json(call('GET', `/accounts/${id}/vouchers`))).toEqual({ vouchers: [voucher] });
    expect((await json(call('POST', `/accounts/${id}/vouchers`, { kind: 'cash', faceValue: 5, minOrderAmount: 1, expiresAt }))).error.code).toBe('InvalidVoucher');
    expect((await json(call('POST', `/accounts/${id}/vouchers`, { kind: 'cash', faceValue: 5, expiresAt: 1 }))).error.code).toBe('InvalidVoucher');
    expect((await call('GET', '/accounts/999999999999/vouchers')).status).toBe(404);
  });

  it('POST /accounts/{id}/users shows the sub-user\'s secret once; its keys sign MNA calls in the parent account; PATCH sets canPay', async () => {
    const account = await server.createAccount();
    const created = await call('POST', `/accounts/${account.id}/users`, { name: 'ops', canPay: false });
    expect(created.status).toBe(201);
    const { user, key } = await json(created);
    expect(user).toEqual({ id: expect.stringMatching(/^sub-[a-z0-9]{12}$/), accountId: account.id, name: 'ops', canPay: false, createdAt: expect.any(Number), keyIds: [key.keyId] });
    expect(key.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    const listed = await json(call('GET', `/accounts/${account.id}/users`));
    expect(listed).toEqual({ users: [user] });
    expect(JSON.stringify(listed)).not.toContain(key.secret);
    expect((await call('POST', `/accounts/${account.id}/users`, { name: 'ops', canPay: true })).status).toBe(409);

    const sub = mnaClient(server, { tencent: { secretId: key.keyId, secretKey: key.secret } });
    const { DeviceId } = await mnaClient(server, account).AddDevice({ DeviceName: 'parent-device' });
    expect((await sub.GetDevice({ DeviceId: DeviceId! })).DeviceDetails!.DeviceBaseInfo!.DeviceName).toBe('parent-device');
    await expectTencentError(sub.OrderPerLicense({ DeviceId: DeviceId!, Type: 0 }), 'OperationDenied.NotAllowedToPay');
    expect(await json(call('PATCH', `/accounts/${account.id}/users/${user.id}`, { canPay: true }))).toMatchObject({ id: user.id, canPay: true });
    await expectTencentError(sub.OrderPerLicense({ DeviceId: DeviceId!, Type: 0 }), 'OperationDenied.InsufficientBalance');
    expect((await call('PATCH', `/accounts/${account.id}/users/sub-nosuchuser00`, { canPay: true })).status).toBe(404);
  });

  it('PATCH /accounts/{id} sets the identity and MNA flags, on for new accounts', async () => {
    const { id } = await server.createAccount();
    expect(await json(call('GET', `/accounts/${id}`))).toMatchObject({ identityVerified: true, mnaAuthorized: true });
    expect(await json(call('PATCH', `/accounts/${id}`, { identityVerified: false }))).toMatchObject({ identityVerified: false, mnaAuthorized: true });
    expect((await call('PATCH', `/accounts/${id}`, {})).status).toBe(400);
    expect((await call('PATCH', `/accounts/${id}`, { identityVerified: 'no' })).status).toBe(400);
    expect((await call('PATCH', '/accounts/999999999999', { mnaAuthorized: false })).status).toBe(404);
  });
});
