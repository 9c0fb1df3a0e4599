import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client as MnaClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/mna/v20210119/mna_client.js';
import { Client as IotcloudClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/iotcloud/v20210408/iotcloud_client.js';
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { decodeParams } from '../../../src/protocols/tencent/params.ts';
import { parseTencentRequest } from '../../../src/protocols/tencent/request.ts';
import { iotcloudSpec } from '../../../src/protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { mnaSpec } from '../../../src/protocols/tencent/specs/mna-2021-01-19.ts';
import { SECRET_ID, SECRET_KEY } from './fixtures.ts';

// One contract, every client: the official SDKs, installed as devDependencies, send real
// requests to a local recorder; each must parse, verify and decode to what the caller passed.

type IntlClient = new (credential: unknown, region: string, profile: unknown) => Record<string, (req: unknown, cb: (err: unknown) => void) => void>;
const require = createRequire(import.meta.url);
const intl = {
  Client: require('tencentcloud-sdk-nodejs-intl-en/tencentcloud/iotcloud/v20210408/iotcloud_client.js') as IntlClient,
  Credential: require('tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/credential.js') as new (id: string, key: string) => unknown,
  ClientProfile: require('tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/profile/client_profile.js') as new (m?: string, h?: unknown) => unknown,
  HttpProfile: require('tencentcloud-sdk-nodejs-intl-en/tencentcloud/common/profile/http_profile.js') as new () => Record<string, unknown>,
};

let server: Server;
let endpoint: string;
const received: RawRequest[] = [];

beforeAll(async () => {
  // The intl SDK routes through http_proxy when set; the recorder is local.
  delete process.env.http_proxy;
  delete process.env.HTTP_PROXY;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      received.push({ method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"Response":{"RequestId":"r-1"}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function capture(send: () => Promise<unknown>): Promise<RawRequest> {
  const before = received.length;
  await send();
  expect(received).toHaveLength(before + 1);
  return received[before]!;
}

function config(profile: Record<string, unknown>, region?: string) {
  return {
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region,
    profile: { ...profile, httpProfile: { protocol: 'http://', endpoint, agent: new Agent(), ...(profile.httpProfile as object) } },
  };
}

const activate = {
  Hardware: [
    { Vendor: 'vendor', SN: 'AN', DeviceName: 'näme 名', Description: "it's (a) test* & more+%", DataKey: 'k=/+', AccessScope: 2, FlowTrunc: 0 },
    { Vendor: 'v2', SN: 'AN2', DeviceName: 'd2' },
  ],
};
const order = { DeviceId: 'mna-devid', Type: 1, RollBack: false, AutoVoucher: true, VoucherIds: ['v-1', 'v 2'] };

function expectAccepted(raw: RawRequest, schema: Parameters<typeof decodeParams>[0], params: unknown) {
  const request = parseTencentRequest(raw, Math.floor(Date.now() / 1000));
  expect(request.verify(SECRET_KEY)).toBe(true);
  expect(request.verify('another-key')).toBe(false);
  expect(decodeParams(schema, request.params)).toEqual(params);
  return request;
}

describe('live official SDK requests are accepted', () => {
  const variants = [
    { name: 'TC3 POST (default)', profile: {} },
    { name: 'TC3 GET', profile: { httpProfile: { reqMethod: 'GET' } } },
    { name: 'HmacSHA1 POST', profile: { signMethod: 'HmacSHA1' } },
    { name: 'HmacSHA1 GET', profile: { signMethod: 'HmacSHA1', httpProfile: { reqMethod: 'GET' } } },
    { name: 'HmacSHA256 POST', profile: { signMethod: 'HmacSHA256', language: 'zh-CN' } },
    { name: 'HmacSHA256 GET', profile: { signMethod: 'HmacSHA256', httpProfile: { reqMethod: 'GET' } } },
  ];

  for (const variant of variants) {
    it(`tencentcloud-sdk-nodejs ${variant.name}: mna ActivateHardware and OrderPerLicense`, async () => {
      const client = new MnaClient(config(variant.profile, 'ap-guangzhou'));
      const a = expectAccepted(await capture(() => client.ActivateHardware(activate)), mnaSpec.actions.ActivateHardware.request, activate);
      expect(a).toMatchObject({ action: 'ActivateHardware', version: '2021-01-19', region: 'ap-guangzhou' });
      expectAccepted(await capture(() => client.OrderPerLicense(order)), mnaSpec.actions.OrderPerLicense.request, order);
    });
  }

  it('tencentcloud-sdk-nodejs TC3 with a token and no region: iotcloud CreateProduct with a nested struct', async () => {
    const params = { ProductName: 'fruit', ProductProperties: { ProductDescription: 'd', EncryptionType: '2', Region: 'gz', ProductType: 0 } };
    const client = new IotcloudClient({ ...config({}), credential: { secretId: SECRET_ID, secretKey: SECRET_KEY, token: 'sts-token' } });
    const request = expectAccepted(await capture(() => client.CreateProduct(params)), iotcloudSpec.actions.CreateProduct.request, params);
    expect(request).toMatchObject({ token: 'sts-token', region: undefined, version: '2021-04-08' });
  });

  it('tencentcloud-sdk-nodejs-common CommonClient: GetHardwareInfo', async () => {
    const client = new CommonClient('mna.tencentcloudapi.com', '2021-01-19', config({}, 'ap-guangzhou'));
    const params = { Vendor: 'kainan', SN: '123321' };
    expectAccepted(await capture(() => client.request('GetHardwareInfo', params)), mnaSpec.actions.GetHardwareInfo.request, params);
  });

  for (const signMethod of [undefined, 'TC3-HMAC-SHA256', 'HmacSHA1']) {
    it(`tencentcloud-sdk-nodejs-intl-en (${signMethod ?? 'default HmacSHA256'}): iotcloud UpdateProductDynamicRegister`, async () => {
      const http = new intl.HttpProfile();
      http.protocol = 'http://';
      http.endpoint = endpoint;
      const client = new intl.Client(new intl.Credential(SECRET_ID, SECRET_KEY), 'ap-guangzhou', new intl.ClientProfile(signMethod, http));
      const params = { ProductId: 'ABCDE12345', RegisterType: 2, RegisterLimit: 10000 };
      const raw = await capture(() => new Promise((resolve) => client.UpdateProductDynamicRegister!(params, resolve)));
      const request = expectAccepted(raw, iotcloudSpec.actions.UpdateProductDynamicRegister.request, params);
      expect(request.kind).toBe(signMethod ?? 'HmacSHA256');
    });
  }
});
