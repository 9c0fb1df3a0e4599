import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { sendRaw, type RawResponse } from '../support/http.ts';
import { tc3, v1 } from '../support/tencent-harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Every Tencent answer is HTTP 200, Content-Type exactly application/json, and a RequestId. */
function expectError(response: RawResponse, code: string): string {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/json');
  const body = response.json();
  expect(body.Response.RequestId).toMatch(UUID);
  expect(body.Response.Error.Code).toBe(code);
  return body.Response.Error.Message as string;
}

describe('Tencent gateway: documented errors for hand-built requests', () => {
  let server: TestServer;
  let account: TestAccount;
  const getHardwareInfo = { action: 'GetHardwareInfo', params: { Vendor: 'nobody', SN: 'none' } };

  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite' });
    account = await server.createAccount();
  });
  afterAll(() => server.close());

  it('AuthFailure.SignatureExpire for a timestamp more than 300 s off', async () => {
    const stale = tc3(server, account, { ...getHardwareInfo, timestamp: Math.floor(Date.now() / 1000) - 310 });
    expect(expectError(await sendRaw(server.url, stale), 'AuthFailure.SignatureExpire')).toBe('The signature is expired, please request again.');
    const ahead = v1(server, account, { ...getHardwareInfo, timestamp: Math.floor(Date.now() / 1000) + 310 });
    expectError(await sendRaw(server.url, ahead), 'AuthFailure.SignatureExpire');
  });

  it('AuthFailure.SecretIdNotFound for an unknown or disabled SecretId', async () => {
    const stranger = { ...account, tencent: { secretId: 'AKIDunknownunknownunknownunknown0000', secretKey: 'k' } };
    expectError(await sendRaw(server.url, tc3(server, stranger, getHardwareInfo)), 'AuthFailure.SecretIdNotFound');
    const disposable = await server.createAccount();
    await fetch(`${server.url}/admin/v1/accounts/${disposable.id}/keys/${disposable.tencent.secretId}/disable`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expectError(await sendRaw(server.url, v1(server, disposable, getHardwareInfo)), 'AuthFailure.SecretIdNotFound');
  });

  it('AuthFailure.SignatureFailure when a signed byte changed in transit', async () => {
    const signed = tc3(server, account, getHardwareInfo);
    const tampered = { ...signed, body: Buffer.from(signed.body.toString().replace('nobody', 'nobodx')) };
    expectError(await sendRaw(server.url, tampered), 'AuthFailure.SignatureFailure');
  });

  it('AuthFailure.InvalidAuthorization for a malformed Authorization header', async () => {
    const signed = tc3(server, account, getHardwareInfo);
    const garbled = { ...signed, headers: { ...signed.headers, authorization: 'TC3-HMAC-SHA256 Credential=broken' } };
    expectError(await sendRaw(server.url, garbled), 'AuthFailure.InvalidAuthorization');
  });

  it('refuses a replayed v1 Nonce+Timestamp, but only once the first request executed', async () => {
    const once = v1(server, account, { ...getHardwareInfo, nonce: 4242 });
    expectError(await sendRaw(server.url, once), 'OperationDenied.HardwareNotExist');
    expect(expectError(await sendRaw(server.url, once), 'AuthFailure.SignatureFailure')).toContain('`Nonce`');
  });

  it('NoSuchVersion, InvalidAction and UnsupportedOperation route by Version + Action', async () => {
    expectError(await sendRaw(server.url, tc3(server, account, { ...getHardwareInfo, version: '2099-01-01' })), 'NoSuchVersion');
    expect(expectError(await sendRaw(server.url, tc3(server, account, { action: 'Fly' })), 'InvalidAction')).toContain('Fly');
    const unsupported = tc3(server, account, { action: 'GetFlowStatistic', params: {} });
    expect(expectError(await sendRaw(server.url, unsupported), 'UnsupportedOperation')).toContain('GetFlowStatistic');
  });

  it('DeleteDevice routes to mna or iotcloud by Version, with each product’s own parameters', async () => {
    const mna = tc3(server, account, { action: 'DeleteDevice', params: { DeviceId: 'mna-0000000000' } });
    expectError(await sendRaw(server.url, mna), 'InvalidParameterValue');
    const iotcloud = tc3(server, account, { action: 'DeleteDevice', version: '2021-04-08', region: 'ap-guangzhou', params: { ProductId: 'ABCDE12345', DeviceName: 'd' } });
    expectError(await sendRaw(server.url, iotcloud), 'ResourceNotFound.ProductNotExist');
  });

  it('routes by the product a request names: the TC3 credential scope, else a Host like mna.tencentcloudapi.com', async () => {
    // Python and Go sign the product's service whatever the endpoint: MNA's version under iotcloud is no version of it.
    const scopedIotcloud = tc3(server, account, { ...getHardwareInfo, service: 'iotcloud', signHostWithPort: true });
    expectError(await sendRaw(server.url, scopedIotcloud), 'NoSuchVersion');
    const scopedMna = tc3(server, account, { ...getHardwareInfo, service: 'mna', signHostWithPort: true });
    expectError(await sendRaw(server.url, scopedMna), 'OperationDenied.HardwareNotExist');
    // v1 carries no service: the Host of the real endpoint names it.
    expectError(await sendRaw(server.url, v1(server, account, { ...getHardwareInfo, host: 'iotcloud.intl.tencentcloudapi.com' })), 'NoSuchVersion');
    expectError(await sendRaw(server.url, v1(server, account, { ...getHardwareInfo, host: 'mna.tencentcloudapi.com' })), 'OperationDenied.HardwareNotExist');
  });

  it('AuthFailure.InvalidAuthorization for a TC3 scope naming a product Fleetgate does not serve', async () => {
    const cvm = tc3(server, account, { ...getHardwareInfo, service: 'cvm', signHostWithPort: true });
    expect(expectError(await sendRaw(server.url, cvm), 'AuthFailure.InvalidAuthorization')).toContain('`Service` in Credential not valid (`cvm`)');
  });

  it('MissingParameter for Region where the spec requires it', async () => {
    const noRegion = tc3(server, account, { action: 'DescribeProducts', version: '2021-04-08', params: { Offset: 0, Limit: 10 } });
    expect(expectError(await sendRaw(server.url, noRegion), 'MissingParameter')).toBe('The request is missing a required parameter `Region`.');
  });

  it('MissingParameter, UnknownParameter and InvalidParameter name the parameter in backticks', async () => {
    const missing = tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v' } });
    expect(expectError(await sendRaw(server.url, missing), 'MissingParameter')).toBe('The request is missing a required parameter `SN`.');
    const unknown = v1(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 's', Colour: 'red' } });
    expect(expectError(await sendRaw(server.url, unknown), 'UnknownParameter')).toBe('The parameter `Colour` is not recognized.');
    const nested = tc3(server, account, { action: 'ActivateHardware', params: { Hardware: [{ Vendor: 'v', DeviceName: 'd' }] } });
    expect(expectError(await sendRaw(server.url, nested), 'MissingParameter')).toContain('`Hardware.0.SN`');
    const wrongType = tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 5 } });
    expect(expectError(await sendRaw(server.url, wrongType), 'InvalidParameter')).toBe('Parameter `SN` type error.');
  });

  it('RequestSizeLimitExceeded above 32 KB GET, 1 MB v1 POST and 10 MB TC3 POST: answered, not dropped', async () => {
    const bigGet = tc3(server, account, { action: 'GetHardwareInfo', method: 'GET', params: { Vendor: 'v', SN: 'x'.repeat(33 * 1024) } });
    expectError(await sendRaw(server.url, bigGet), 'RequestSizeLimitExceeded');
    const bigForm = v1(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 'x'.repeat(1024 * 1024) } });
    expectError(await sendRaw(server.url, bigForm), 'RequestSizeLimitExceeded');
    const bigJson = tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 'x'.repeat(10 * 1024 * 1024) } });
    expectError(await sendRaw(server.url, bigJson), 'RequestSizeLimitExceeded');
    const overServerLimit = tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 'x'.repeat(13 * 1024 * 1024) } });
    expectError(await sendRaw(server.url, overServerLimit), 'RequestSizeLimitExceeded');
  });

  it('UnsupportedProtocol for methods other than GET and POST', async () => {
    const signed = tc3(server, account, getHardwareInfo);
    expectError(await sendRaw(server.url, { ...signed, method: 'PUT' }), 'UnsupportedProtocol');
    expectError(await sendRaw(server.url, { ...signed, method: 'DELETE' }), 'UnsupportedProtocol');
  });

  it('answers in zh-CN when X-TC-Language or Language asks for it', async () => {
    const zh = tc3(server, account, { ...getHardwareInfo, language: 'zh-CN', params: { Vendor: 'v' } });
    expect(expectError(await sendRaw(server.url, zh), 'MissingParameter')).toBe('缺少必填参数 `SN`。');
  });

  it('accepts TC3 with UNSIGNED-PAYLOAD, host signed with its port (Go) or with a scheme (tccli), and an extra signed header', async () => {
    const variants = [
      tc3(server, account, { ...getHardwareInfo, host: `http://${server.endpoint}`, signHostWithPort: true, service: 'mna' }),
      tc3(server, account, { ...getHardwareInfo, unsignedPayload: true }),
      tc3(server, account, { ...getHardwareInfo, signHostWithPort: true, service: 'mna' }),
      tc3(server, account, { ...getHardwareInfo, extraSignedHeaders: ['x-tc-action'], contentType: 'application/json; charset=utf-8' }),
      tc3(server, account, { ...getHardwareInfo, body: '{"Vendor": "nobody", "SN": "none"}' }),
    ];
    for (const request of variants) expectError(await sendRaw(server.url, request), 'OperationDenied.HardwareNotExist');
  });
});

describe('Tencent gateway: InternalError instead of a 500', () => {
  it('answers InternalError with a RequestId when the database fails under a handler', async () => {
    const server = await startTestServer({ dialect: 'sqlite' });
    try {
      const account = await server.createAccount();
      await server.app.store.db.schema.dropTable('mna_hardware').execute();
      const message = expectError(await sendRaw(server.url, tc3(server, account, { action: 'GetHardwareInfo', params: { Vendor: 'v', SN: 's' } })), 'InternalError');
      expect(message).not.toMatch(/mna_hardware|sqlite/i);
    } finally {
      await server.close();
    }
  });
});

describe('Tencent gateway: requests Fastify itself would refuse', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite' });
  });
  afterAll(() => server.close());

  it('answers an unrouted method on / with UnsupportedProtocol in the envelope', async () => {
    const message = expectError(await sendRaw(server.url, { method: 'PROPFIND', url: '/', headers: { host: server.endpoint }, body: Buffer.alloc(0) }), 'UnsupportedProtocol');
    expect(message).toMatch(/GET|POST/);
  });

  it('answers an unparsable Content-Type with UnsupportedProtocol in the envelope', async () => {
    const response = await sendRaw(server.url, { method: 'POST', url: '/', headers: { host: server.endpoint, 'content-type': ';;;' }, body: Buffer.from('{}') });
    expect(expectError(response, 'UnsupportedProtocol')).toContain(';;;');
  });

  it('keeps a plain 404 for paths that are not an API', async () => {
    const response = await fetch(`${server.url}/nothing-here`);
    expect(response.status).toBe(404);
  });
});

describe('metrics labels', () => {
  it('do not grow with made-up Action names of unauthenticated requests', async () => {
    const server = await startTestServer({ dialect: 'sqlite' });
    try {
      const stranger = { id: '0', tencent: { secretId: 'AKIDnobodynobodynobodynobodynobody00', secretKey: 'k' }, alibaba: { accessKeyId: '', accessKeySecret: '' } };
      for (const action of ['Bogus1', 'Bogus2', 'Bogus3']) await sendRaw(server.url, tc3(server, stranger, { action }));
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).not.toContain('Bogus');
      expect(text).toMatch(/fleetgate_api_requests_total\{cloud="tencent",product="-",action="-",code="AuthFailure.SecretIdNotFound"\} 3/);
    } finally {
      await server.close();
    }
  });
});
