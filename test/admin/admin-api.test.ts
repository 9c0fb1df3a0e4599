import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../support/server.ts';

describe.each(DIALECTS)('admin API on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted below
  const json = async (response: Response | Promise<Response>): Promise<any> => (await response).json();
  const call = (method: string, path: string, body?: unknown, token = server.adminToken) =>
    fetch(`${server.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('refuses requests without the admin bearer token', async () => {
    expect((await call('GET', '/accounts', undefined, 'wrong')).status).toBe(401);
    const anonymous = await fetch(`${server.url}/admin/v1/accounts`);
    expect(anonymous.status).toBe(401);
    expect(await json(anonymous)).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
  });

  it('creates an account with one key pair per cloud, secrets shown once', async () => {
    const created = await call('POST', '/accounts', { name: 'acme' });
    expect(created.status).toBe(201);
    const { account, keys } = await json(created);
    expect(account).toMatchObject({ id: expect.stringMatching(/^\d{12}$/), name: 'acme', status: 'active' });
    expect(keys.map((k: { cloud: string }) => k.cloud)).toEqual(['tencent', 'alibaba']);
    expect(keys[0].secret).toMatch(/^[A-Za-z0-9]{32}$/);

    const shown = await json(call('GET', `/accounts/${account.id}`));
    expect(shown).toEqual(account);
    const listed = await json(call('GET', `/accounts/${account.id}/keys`));
    expect(listed.keys).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(keys[0].secret);
  });

  it('answers 409 for a taken name and 400 for a malformed body', async () => {
    await call('POST', '/accounts', { name: 'dup' });
    const again = await call('POST', '/accounts', { name: 'dup' });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('AccountNameTaken');
    const bad = await call('POST', '/accounts', { name: '' , extra: 1 });
    expect(bad.status).toBe(400);
  });

  it('creates pinned keys and disables them only through their own account', async () => {
    const a = (await json(call('POST', '/accounts', { name: 'tenant-a' }))).account;
    const b = (await json(call('POST', '/accounts', { name: 'tenant-b' }))).account;
    const key = await call('POST', `/accounts/${a.id}/keys`, { cloud: 'tencent', keyId: 'AKIDpinnedkey0000000001', secret: 'pinned-secret-000000000' });
    expect(key.status).toBe(201);
    expect(await json(key)).toMatchObject({ keyId: 'AKIDpinnedkey0000000001', accountId: a.id, secret: 'pinned-secret-000000000' });

    expect(await json(call('GET', `/accounts/${a.id}/keys/AKIDpinnedkey0000000001`))).toMatchObject({ keyId: 'AKIDpinnedkey0000000001', status: 'active' });
    expect((await call('GET', `/accounts/${b.id}/keys/AKIDpinnedkey0000000001`)).status).toBe(404);
    const foreign = await call('POST', `/accounts/${b.id}/keys/AKIDpinnedkey0000000001/disable`);
    expect(foreign.status).toBe(404);
    const own = await call('POST', `/accounts/${a.id}/keys/AKIDpinnedkey0000000001/disable`);
    expect(await json(own)).toEqual({ keyId: 'AKIDpinnedkey0000000001', status: 'disabled' });
    const keys = (await json(call('GET', `/accounts/${b.id}/keys`))).keys;
    expect(keys.map((k: { keyId: string }) => k.keyId)).not.toContain('AKIDpinnedkey0000000001');
  });

  it('names the field and what it accepts in plain words when a request breaks its schema', async () => {
    const { account } = await json(call('POST', '/accounts', { name: 'validation' }));
    const cases: [string, string, unknown, string][] = [
      ['POST', `/accounts/${account.id}/keys`, { cloud: 'aws' }, 'cloud must be one of tencent, alibaba'],
      ['POST', `/accounts/${account.id}/keys`, {}, 'cloud is required'],
      ['POST', `/accounts/${account.id}/keys`, { cloud: 'tencent', keyId: 'AKIDshort' }, 'keyId must be at least 16 characters long'],
      ['POST', `/accounts/${account.id}/keys`, { cloud: 'tencent', secret: 's'.repeat(129) }, 'secret must be at most 128 characters long'],
      ['POST', `/accounts/${account.id}/keys`, { cloud: 'tencent', keyId: 'AKID-with-dashes-0001' }, 'keyId must match the pattern ^[A-Za-z0-9]+$'],
      ['POST', '/accounts', { name: '' }, 'name must not be empty'],
      ['POST', '/accounts', undefined, 'the request body must be a JSON object'],
      ['POST', '/accounts', [{ name: 'x' }], 'the request body must be a JSON object'],
    ];
    for (const [method, path, body, message] of cases) {
      const response = await call(method, path, body);
      expect(response.status, message).toBe(400);
      expect(await json(response)).toEqual({ error: { code: 'InvalidParameter', message } });
    }
  });

  it('answers 404 for unknown accounts', async () => {
    expect((await call('GET', '/accounts/999999999999')).status).toBe(404);
    expect((await call('POST', '/accounts/999999999999/keys', { cloud: 'alibaba' })).status).toBe(404);
  });

  it('answers a path segment over 100 characters with 414 and a malformed escape with 400, in the admin error shape', async () => {
    for (const token of [server.adminToken, 'wrong']) {
      const long = await call('GET', `/accounts/${'1'.repeat(101)}/keys`, undefined, token);
      expect(long.status).toBe(414);
      expect(await json(long)).toEqual({ error: { code: 'PathSegmentTooLong', message: 'a path segment is longer than 100 characters' } });
    }
    expect((await call('GET', `/accounts/${'1'.repeat(100)}`)).status).toBe(404);
    const malformed = await call('GET', '/vendors/%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(await json(malformed)).toEqual({ error: { code: 'InvalidPath', message: expect.any(String) } });
  });

  it('publishes an OpenAPI document generated from the route schemas', async () => {
    const doc = await json(call('GET', '/openapi.json'));
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/admin/v1/accounts', '/admin/v1/accounts/{accountId}/keys']));
    expect(doc.paths['/admin/v1/accounts'].post.requestBody).toBeDefined();
  });
});
