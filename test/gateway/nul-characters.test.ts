import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pino } from 'pino';
import { DIALECTS, startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { alibabaCall } from '../support/alibaba-harness.ts';
import { sendRaw } from '../support/http.ts';
import { tc3, v1 } from '../support/tencent-harness.ts';
import { signAcs3, signPopCoreGet, signPopCorePost, type ClientCall } from '../support/alibaba-signer.ts';

// PostgreSQL refuses 0x00 in text where SQLite stores it: a NUL that reached a query answered
// InternalError (HTTP 500 on Alibaba) on one engine only. Each cloud refuses it where it decodes
// parameters and key ids, with its documented parameter error, or as an unknown key.

/** `base` with one to three NUL characters at arbitrary positions. */
const withNul = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, fc.array(fc.nat(), { minLength: 1, maxLength: 3 })).map(([text, positions]) =>
    positions.reduce((out, at) => {
      const i = at % (out.length + 1);
      return `${out.slice(0, i)}\0${out.slice(i)}`;
    }, text),
  );
const word = fc.stringMatching(/^[A-Za-z0-9_-]{0,12}$/);
const RUNS = { numRuns: 25 };

const TENCENT_CASES = [
  { action: 'GetHardwareInfo', name: 'Vendor', params: (value: string) => ({ Vendor: value, SN: 'SN0001' }) },
  { action: 'GetHardwareInfo', name: 'SN', params: (value: string) => ({ Vendor: 'acme', SN: value }) },
  { action: 'GetDevice', name: 'DeviceId', params: (value: string) => ({ DeviceId: value }) },
  { action: 'AddDevice', name: 'DeviceName', params: (value: string) => ({ DeviceName: value }) },
  { action: 'GetGroupDetail', name: 'GroupId', params: (value: string) => ({ GroupId: value, PageSize: 10, PageNumber: 1 }) },
] as const;

const ALIBABA_CASES = [
  { action: 'QueryProduct', name: 'ProductKey', params: (value: string) => ({ ProductKey: value }) },
  { action: 'QueryProduct', name: 'IotInstanceId', params: (value: string) => ({ ProductKey: 'a1BwAGV0000', IotInstanceId: value }) },
  { action: 'QueryDeviceInfo', name: 'DeviceName', params: (value: string) => ({ ProductKey: 'a1BwAGV0000', DeviceName: value }) },
  { action: 'CreateProduct', name: 'ProductName', params: (value: string) => ({ ProductName: value, NodeType: 0 }) },
] as const;

const ALIBABA_SIGNERS = [signPopCoreGet, signPopCorePost, signAcs3] as const;

describe.each(DIALECTS)('NUL characters on %s: the documented refusal, never InternalError', (dialect) => {
  let server: TestServer;
  let account: TestAccount;
  const failures: string[] = [];
  const errorLog = new Writable({
    write(chunk, _encoding, done) {
      failures.push(String(chunk));
      done();
    },
  });

  beforeAll(async () => {
    server = await startTestServer({ dialect, logger: pino({ level: 'error' }, errorLog) });
    account = await server.createAccount();
  });
  afterAll(async () => {
    await server.close();
    // No unexpected failure was logged with its stack on the way.
    expect(failures).toEqual([]);
  });

  const tencentError = async (request: Parameters<typeof sendRaw>[1]) => {
    const response = await sendRaw(server.url, request);
    expect(response.status).toBe(200);
    return response.json().Response.Error as { Code: string; Message: string };
  };

  const callAs = (overrides: Partial<ClientCall>): ClientCall => alibabaCall(server, account, overrides);


  it('Tencent: a SecretId with a NUL is not found (v1 form and GET), before any lookup', async () => {
    await fc.assert(
      fc.asyncProperty(withNul(fc.constant(account.tencent.secretId)), fc.constantFrom('POST' as const, 'GET' as const), async (secretId, method) => {
        const error = await tencentError(v1(server, { ...account, tencent: { ...account.tencent, secretId } }, { action: 'GetPublicKey', method }));
        expect(error.Code).toBe('AuthFailure.SecretIdNotFound');
      }),
      RUNS,
    );
  });

  it('Tencent: a parameter value with a NUL is InvalidParameterValue naming it (TC3 JSON, v1 form, v1 GET)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TENCENT_CASES), withNul(word), fc.constantFrom('tc3', 'form', 'get'), async (testCase, value, kind) => {
        const options = { action: testCase.action, params: testCase.params(value) };
        const request = kind === 'tc3' ? tc3(server, account, options) : v1(server, account, { ...options, method: kind === 'get' ? 'GET' : 'POST' });
        const error = await tencentError(request);
        expect(error.Code).toBe('InvalidParameterValue');
        expect(error.Message).toBe(`The value of parameter \`${testCase.name}\` is invalid: it must not contain a NUL character.`);
      }),
      RUNS,
    );
  });

  it('Tencent: a Region with a NUL is InvalidParameterValue', async () => {
    const error = await tencentError(v1(server, account, { action: 'GetPublicKey', region: 'ap-guang\0zhou' }));
    expect(error).toMatchObject({ Code: 'InvalidParameterValue', Message: expect.stringContaining('`Region`') });
  });

  it('Alibaba: an AccessKeyId with a NUL is InvalidAccessKeyId.NotFound (HTTP 404), before any lookup', async () => {
    await fc.assert(
      fc.asyncProperty(withNul(fc.constant(account.alibaba.accessKeyId)), fc.constantFrom(signPopCoreGet, signPopCorePost), async (accessKeyId, sign) => {
        const response = await sendRaw(server.url, sign(callAs({ accessKeyId })));
        expect(response.status).toBe(404);
        expect(response.json().Code).toBe('InvalidAccessKeyId.NotFound');
      }),
      RUNS,
    );
  });

  it('Alibaba: a parameter value with a NUL is Invalid<Name> (HTTP 400) through v1 GET, v1 form and ACS3', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ALIBABA_CASES), withNul(word), fc.constantFrom(...ALIBABA_SIGNERS), async (testCase, value, sign) => {
        const response = await sendRaw(server.url, sign(callAs({ action: testCase.action, params: testCase.params(value) })));
        expect(response.status).toBe(400);
        expect(response.json()).toMatchObject({ Code: `Invalid${testCase.name}`, Message: `Specified parameter ${testCase.name} is not valid.` });
      }),
      RUNS,
    );
  });

  it('Alibaba: a RegionId with a NUL (stored with a product) is InvalidParameter', async () => {
    for (const sign of ALIBABA_SIGNERS) {
      const response = await sendRaw(server.url, sign(callAs({ action: 'CreateProduct', params: { ProductName: 'nul', NodeType: 0, RegionId: 'cn-\0shanghai' } })));
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ Code: 'InvalidParameter', Message: 'The specified parameter "RegionId" is not valid.' });
    }
  });

  it('admin API: a path segment or body string with a NUL is 400 InvalidParameter in the admin shape', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const paths: readonly ((segment: string) => readonly [string, string])[] = [
      (s: string) => ['GET', `/accounts/${s}`],
      (s: string) => ['POST', `/accounts/${s}/disable`],
      (s: string) => ['GET', `/accounts/${s}/keys`],
      (s: string) => ['GET', `/accounts/${account.id}/keys/${s}`],
      (s: string) => ['POST', `/accounts/${account.id}/keys/${s}/disable`],
      (s: string) => ['GET', `/vendors/${s}`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), withNul(word), async (path, segment) => {
        const [method, target] = path(encodeURIComponent(segment));
        const response = await admin(method, target);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ error: { code: 'InvalidParameter', message: expect.stringMatching(/must not contain a NUL character$/) } });
      }),
      RUNS,
    );
    const body = await admin('POST', `/accounts/${account.id}/keys`, { cloud: 'tencent', keyId: 'AKIDpinnedkey0000000009', secret: 'pinned-secret\u0000-000000000' });
    expect(body.status).toBe(400);
    expect(await body.json()).toEqual({ error: { code: 'InvalidParameter', message: 'body.secret must not contain a NUL character' } });
  });
});
