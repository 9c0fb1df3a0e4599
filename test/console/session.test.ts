import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { SESSION_TTL_MS } from '../../src/console/session.ts';
import { consoleCaller, signIn } from './support.ts';

describe('console sessions', () => {
  let server: TestServer;
  let account: TestAccount;
  let now = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite', now: () => now });
    account = await server.createAccount();
  });
  afterAll(() => server.close());

  it('signs in with the admin token as admin, and with either cloud key of an account as that account', async () => {
    const anonymous = consoleCaller(server);
    const admin = await anonymous('POST', '/session', { adminToken: server.adminToken });
    expect(admin.status).toBe(201);
    expect(admin.body).toEqual({ token: expect.any(String), role: 'admin', accountId: null, userId: null, expiresAt: now + SESSION_TTL_MS });
    for (const credentials of [
      { secretId: account.tencent.secretId, secretKey: account.tencent.secretKey },
      { secretId: account.alibaba.accessKeyId, secretKey: account.alibaba.accessKeySecret },
    ]) {
      const signedIn = await anonymous('POST', '/session', credentials);
      expect(signedIn.status).toBe(201);
      expect(signedIn.body).toMatchObject({ role: 'account', accountId: account.id });
      const whoAmI = await consoleCaller(server, signedIn.body.token)('GET', '/session');
      expect(whoAmI.body).toEqual({ role: 'account', accountId: account.id, userId: null, expiresAt: now + SESSION_TTL_MS });
    }
  });

  it('refuses a wrong secret, an unknown key and a wrong admin token with InvalidCredentials and the request id', async () => {
    const anonymous = consoleCaller(server);
    for (const credentials of [
      { secretId: account.tencent.secretId, secretKey: 'x'.repeat(32) },
      { secretId: 'AKIDnoSuchKey', secretKey: account.tencent.secretKey },
      { adminToken: 'not-the-token' },
    ]) {
      const refused = await anonymous('POST', '/session', credentials);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ error: { code: 'InvalidCredentials', message: expect.any(String), requestId: refused.headers.get('x-request-id') } });
    }
  });

  it('refuses requests without a session, with a tampered token and with an expired one', async () => {
    const token = await signIn(server, { adminToken: server.adminToken });
    expect((await consoleCaller(server)('GET', '/accounts')).body.error.code).toBe('Unauthorized');
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const refused = await consoleCaller(server, tampered)('GET', '/accounts');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('Unauthorized');
    expect((await consoleCaller(server, token)('GET', '/accounts')).status).toBe(200);
    now += SESSION_TTL_MS;
    const expired = await consoleCaller(server, token)('GET', '/accounts');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('SessionExpired');
  });

  it('ends an account session when its key is disabled, and refuses the disabled key a new one', async () => {
    const other = await server.createAccount();
    const credentials = { secretId: other.tencent.secretId, secretKey: other.tencent.secretKey };
    const session = await signIn(server, credentials);
    const admin = consoleCaller(server, await signIn(server, { adminToken: server.adminToken }));
    expect((await admin('POST', `/accounts/${other.id}/keys/${other.tencent.secretId}/disable`)).status).toBe(200);
    expect((await consoleCaller(server, session)('GET', `/accounts/${other.id}`)).status).toBe(401);
    expect((await consoleCaller(server)('POST', '/session', credentials)).body.error.code).toBe('InvalidCredentials');
  });

  it('refuses every key of a disabled account', async () => {
    const other = await server.createAccount();
    const admin = consoleCaller(server, await signIn(server, { adminToken: server.adminToken }));
    expect((await admin('POST', `/accounts/${other.id}/disable`)).body.status).toBe('disabled');
    const refused = await consoleCaller(server)('POST', '/session', { secretId: other.alibaba.accessKeyId, secretKey: other.alibaba.accessKeySecret });
    expect(refused.status).toBe(401);
  });

  it('answers an account session 403 on admin-only routes', async () => {
    const session = await signIn(server, { secretId: account.tencent.secretId, secretKey: account.tencent.secretKey });
    const refused = await consoleCaller(server, session)('GET', '/accounts');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'Forbidden', requestId: expect.any(String) });
  });
});

describe('admin console sessions', () => {
  it('end when the admin token is changed: a server with the same master key but a new token refuses them', async () => {
    const masterKey = randomBytes(32).toString('base64');
    const before = await startTestServer({ dialect: 'sqlite', masterKey, env: { FLEETGATE_ADMIN_TOKEN: 'admin-token-before-rotation' } });
    const after = await startTestServer({ dialect: 'sqlite', masterKey, env: { FLEETGATE_ADMIN_TOKEN: 'admin-token-after-rotation' } });
    try {
      const session = await signIn(before, { adminToken: before.adminToken });
      expect((await consoleCaller(before, session)('GET', '/session')).status).toBe(200);
      const refused = await consoleCaller(after, session)('GET', '/session');
      expect(refused.status).toBe(401);
      expect(refused.body.error).toMatchObject({ code: 'Unauthorized', message: expect.stringContaining('admin token has changed') });
      expect((await consoleCaller(after, await signIn(after, { adminToken: after.adminToken }))('GET', '/session')).status).toBe(200);
    } finally {
      await Promise.all([before.close(), after.close()]);
    }
  });
});
