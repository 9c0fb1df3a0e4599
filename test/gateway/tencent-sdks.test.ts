import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import * as intl from 'tencentcloud-sdk-nodejs-intl-en';

const { common: intlCommon, iotcloud: intlIotcloud } = intl;
import { DIALECTS, startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { expectTencentError, mnaClient, type SignMethod } from '../support/tencent-harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(DIALECTS)('official Tencent SDKs against the gateway on %s', (dialect) => {
  let server: TestServer;
  let vendor: TestAccount;
  let customer: TestAccount;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    vendor = await server.createAccount();
    customer = await server.createAccount();
    const registered = await fetch(`${server.url}/admin/v1/vendors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: vendor.id, name: 'kainan' }),
    });
    expect(registered.status).toBe(201);
    await mnaClient(server, vendor).AddHardware({ Hardware: [{ SN: '123321', LicenseChargingMode: 2, Description: 'gateway test' }] });
  });
  afterAll(() => server.close());

  const cases: [string, SignMethod, 'POST' | 'GET'][] = [
    ['TC3-HMAC-SHA256 over POST JSON', 'TC3-HMAC-SHA256', 'POST'],
    ['TC3-HMAC-SHA256 over GET', 'TC3-HMAC-SHA256', 'GET'],
    ['HmacSHA1 over GET', 'HmacSHA1', 'GET'],
    ['HmacSHA256 over POST form', 'HmacSHA256', 'POST'],
    ['HmacSHA1 over POST form', 'HmacSHA1', 'POST'],
    ['HmacSHA256 over GET', 'HmacSHA256', 'GET'],
  ];

  it.each(cases)('tencentcloud-sdk-nodejs reaches GetHardwareInfo with %s', async (_name, signMethod, reqMethod) => {
    const response = await mnaClient(server, customer, { signMethod, reqMethod }).GetHardwareInfo({ Vendor: 'kainan', SN: '123321' });
    expect(response).toMatchObject({ Vendor: 'kainan', SN: '123321' });
    expect(response.RequestId).toMatch(UUID);
  });

  it('tencentcloud-sdk-nodejs receives business errors with code and RequestId', async () => {
    const error = await expectTencentError(mnaClient(server, customer).GetHardwareInfo({ Vendor: 'kainan', SN: 'no-such-sn' }), 'OperationDenied.HardwareNotExist');
    expect(error.requestId).toMatch(UUID);
  });

  it('tencentcloud-sdk-nodejs is refused with AuthFailure.SignatureFailure for a wrong SecretKey', async () => {
    const impostor = { ...customer, tencent: { ...customer.tencent, secretKey: 'x'.repeat(32) } };
    for (const signMethod of ['TC3-HMAC-SHA256', 'HmacSHA1'] as const) {
      await expectTencentError(mnaClient(server, impostor, { signMethod }).GetHardwareInfo({ Vendor: 'kainan', SN: '123321' }), 'AuthFailure.SignatureFailure');
    }
  });

  it('tencentcloud-sdk-nodejs-common CommonClient calls any action by name', async () => {
    const client = new CommonClient('mna.tencentcloudapi.com', '2021-01-19', {
      credential: { secretId: customer.tencent.secretId, secretKey: customer.tencent.secretKey },
      profile: { httpProfile: { protocol: 'http://', endpoint: server.endpoint } },
    });
    const response = await client.request('GetHardwareInfo', { Vendor: 'kainan', SN: '123321' });
    expect(response).toMatchObject({ Vendor: 'kainan', SN: '123321', Payer: 1 });
  });

  it('tencentcloud-sdk-nodejs-intl-en (v1 HmacSHA256 by default) is routed to iotcloud by its Version', async () => {
    const profile = new intlCommon.ClientProfile('HmacSHA256', new intlCommon.HttpProfile());
    profile.httpProfile.protocol = 'http://';
    profile.httpProfile.endpoint = server.endpoint;
    const client = new intlIotcloud.v20210408.Client(
      new intlCommon.Credential(customer.tencent.secretId, customer.tencent.secretKey),
      'ap-guangzhou',
      profile,
    );
    const request = new intlIotcloud.v20210408.Models.DescribeProductsRequest();
    request.Offset = 0;
    request.Limit = 10;
    const answer = await new Promise<{ TotalCount?: number; Products?: unknown[] }>((resolve, reject) =>
      client.DescribeProducts(request, (err: Error | null, response: { TotalCount?: number; Products?: unknown[] }) => (err ? reject(err) : resolve(response))),
    );
    expect([answer.TotalCount, answer.Products]).toEqual([0, []]);
  });

  it('the same SDK call works over a named host, whose credential scope says "mna"', async () => {
    const client = mnaClient({ endpoint: server.endpoint.replace('127.0.0.1', 'localhost') }, customer);
    expect(await client.GetHardwareInfo({ Vendor: 'kainan', SN: '123321' })).toMatchObject({ SN: '123321' });
  });
});
