import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import RPCClient from '@alicloud/pop-core';
import { REDIS_URL, startCluster, startTestServer, type TestAccount, type TestServer } from '../support/server.ts';
import { alibabaCall } from '../support/alibaba-harness.ts';
import { sendRaw, type RawResponse } from '../support/http.ts';
import { signAcs3, signPopCoreGet, signPopCorePost } from '../support/alibaba-signer.ts';
import { createAlibabaGateway } from '../../src/gateway/alibaba-gateway.ts';
import { iotProduct } from '../../src/services/alibaba/iot/index.ts';
import { defineAction } from '../../src/services/cloud-action.ts';
import type { Runtime } from '../../src/runtime.ts';
import type { RawRequest } from '../../src/protocols/raw-request.ts';

const call = alibabaCall;

function gatewayError(response: RawResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json;charset=utf-8');
  const body = response.json();
  expect(body).toMatchObject({ RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/), HostId: expect.any(String), Code: code, Message: expect.any(String), Recommend: expect.any(String) });
  return body;
}

describe('Alibaba RPC gateway', () => {
  let server: TestServer;
  let account: TestAccount;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite', env: { FLEETGATE_RATE_LIMITS: 'alibaba.iot:QueryProduct=3' } });
    account = await server.createAccount();
  });
  afterAll(() => server.close());

  it('answers pop-core (v1, GET and POST form) and ACS3 requests on the same listener as Tencent', async () => {
    for (const sign of [signPopCoreGet, signPopCorePost, signAcs3]) {
      const response = await sendRaw(server.url, sign(call(server, account)));
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({ Success: true, RequestId: expect.any(String) });
    }
  });

  it('InvalidTimeStamp.Expired outside the 15-minute window, InvalidTimeStamp.Format for a malformed one', async () => {
    gatewayError(await sendRaw(server.url, signAcs3(call(server, account, { nowMs: Date.now() - 16 * 60_000 }))), 400, 'InvalidTimeStamp.Expired');
    const good = signPopCoreGet(call(server, account));
    const malformed = { ...good, url: good.url.replace(/Timestamp=[^&]+/, 'Timestamp=yesterday') };
    gatewayError(await sendRaw(server.url, malformed), 400, 'InvalidTimeStamp.Format');
  });

  it('InvalidAccessKeyId.NotFound for an unknown key', async () => {
    const stranger = { ...account, alibaba: { accessKeyId: 'LTAIunknownunknown000000', accessKeySecret: 's' } };
    gatewayError(await sendRaw(server.url, signAcs3(call(server, stranger))), 404, 'InvalidAccessKeyId.NotFound');
  });

  it('SignatureDoesNotMatch ends with the server string to sign, which pop-core reports by its code', async () => {
    const body = gatewayError(await sendRaw(server.url, signPopCoreGet({ ...call(server, account), accessKeySecret: 'wrong' })), 400, 'SignatureDoesNotMatch');
    expect(body.Message).toMatch(/server string to sign is:GET&%2F&AccessKeyId%3D/);
    const pop = new RPCClient({ endpoint: server.url, apiVersion: '2018-01-20', accessKeyId: account.alibaba.accessKeyId, accessKeySecret: 'wrong' });
    await expect(pop.request('QueryProductList', { CurrentPage: 1, PageSize: 10 })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('SignatureNonceUsed for a nonce seen before', async () => {
    const once = signAcs3(call(server, account));
    expect((await sendRaw(server.url, once)).status).toBe(200);
    gatewayError(await sendRaw(server.url, once), 400, 'SignatureNonceUsed');
  });

  it('InvalidAction.NotFound, InvalidVersion and Missing<Name>', async () => {
    gatewayError(await sendRaw(server.url, signAcs3(call(server, account, { action: 'Teleport' }))), 404, 'InvalidAction.NotFound');
    gatewayError(await sendRaw(server.url, signAcs3(call(server, account, { version: '2099-01-01' }))), 400, 'InvalidVersion');
    const missing = gatewayError(await sendRaw(server.url, signAcs3(call(server, account, { action: 'QueryProduct', params: {} }))), 400, 'MissingProductKey');
    expect(missing.Message).toContain('ProductKey');
  });

  it('Throttling.User over the action’s QPS, with a retry hint', async () => {
    const fresh = await server.createAccount();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => sendRaw(server.url, signAcs3(call(server, fresh, { action: 'QueryProduct', params: { ProductKey: 'a1BwAGV0000' } })))),
    );
    const throttled = responses.filter((r) => r.json().Code === 'Throttling.User');
    expect(throttled).toHaveLength(3);
    expect(throttled[0]!.status).toBe(400);
    expect(throttled[0]!.headers['x-acs-retry-after']).toBeDefined();
  });

  it('answers XML to a v1 request without Format, and JSON to ACS3 always', async () => {
    const v1 = signPopCoreGet(call(server, account));
    const withoutFormat = { ...v1, url: v1.url.replace(/&?Format=JSON/, '') };
    // Removing Format changes the signed string: the error itself must come back as XML.
    const response = await sendRaw(server.url, withoutFormat);
    expect(response.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(response.text).toMatch(/^<\?xml version='1\.0' encoding='UTF-8'\?><Error><RequestId>/);
    expect(response.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('answers a 10,001-row BatchCheckImportDevice (about 1 MB request line) with the business error', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => ({ DeviceName: `device${String(i).padStart(6, '0')}`, DeviceSecret: `secret${i}` }));
    for (const sign of [signPopCoreGet, signAcs3]) {
      const request = sign(call(server, account, { action: 'BatchCheckImportDevice', params: { ProductKey: 'a1BwAGV0000', DeviceList: rows } }));
      expect(request.url.length).toBeGreaterThan(500_000);
      const response = await sendRaw(server.url, request);
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({ Success: false, Code: 'iot.device.TooManyDeviceNamesPerRequest' });
    }
  });

  it('counts a documented refusal that carries data (BatchImportDevice) under its code, not as Success', async () => {
    const product = (await sendRaw(server.url, signAcs3(call(server, account, { action: 'CreateProduct', params: { ProductName: 'RefusalCount', NodeType: 0 } })))).json();
    const refused = await sendRaw(
      server.url,
      signAcs3(call(server, account, { action: 'BatchImportDevice', params: { ProductKey: product.Data.ProductKey, DeviceList: [{ DeviceName: 'x', DeviceSecret: 's' }] } })),
    );
    expect(refused.json()).toMatchObject({ Success: false, Code: 'iot.device.InvalidDeviceParams' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/fleetgate_api_requests_total\{cloud="alibaba",product="Iot",action="BatchImportDevice",code="iot.device.InvalidDeviceParams"\} 1/);
  });

  it('labels metrics with the catalog code: distinct parameter paths in Invalid<Name> add no series', async () => {
    const seriesCount = async () => (await (await fetch(`${server.url}/metrics`)).text()).split('\n').filter((line) => line.startsWith('fleetgate_api_requests_total{')).length;
    const refuse = async (index: number) => {
      const params = { ProductKey: 'a1BwAGV0000', [`DeviceList.${index}.DeviceName.x`]: 'v' };
      const response = await sendRaw(server.url, signAcs3(call(server, account, { action: 'BatchCheckImportDevice', params })));
      // The answer (and the log line) keep the caller's path; the label does not.
      gatewayError(response, 400, `InvalidDeviceList.${index}.DeviceName`);
    };
    await refuse(1);
    const before = await seriesCount();
    for (let i = 0; i < 40; i++) await refuse(123_456_789 - i);
    expect(await seriesCount()).toBe(before);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/fleetgate_api_requests_total\{cloud="alibaba",product="Iot",action="BatchCheckImportDevice",code="Invalid\{Param\}"\} 41/);
    expect(metrics).not.toContain('InvalidDeviceList.');
  });

  it('refuses huge unauthenticated forms before decoding them, so /healthz keeps answering', async () => {
    const COMMON_GUESS = 'Action=BatchImportDevice&Version=2018-01-20&AccessKeyId=LTAIguess&Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n';
    const form = (bytes: number, timestamp: string): RawRequest => ({
      method: 'POST',
      url: '/',
      headers: { host: server.endpoint, 'content-type': 'application/x-www-form-urlencoded', 'x-acs-action': 'BatchImportDevice' },
      body: Buffer.from(`${COMMON_GUESS}&Timestamp=${timestamp}&${'DeviceList.1.DeviceName=%41&'.repeat(Math.floor(bytes / 29))}`),
    });
    const stale = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const floods = [...Array(3).fill(form(12 * 1024 * 1024 - 1024, stale)), ...Array(3).fill(form(4 * 1024 * 1024 - 1024, stale))] as RawRequest[];
    let done = false;
    const answers = Promise.all(floods.map((request) => sendRaw(server.url, request))).finally(() => (done = true));
    let slowest = 0;
    while (!done) {
      const started = performance.now();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const codes = (await answers).map((response) => [response.status, /<Code>([^<]+)/.exec(response.text)?.[1]]);
    expect(codes).toEqual([...Array(3).fill([400, 'InvalidParameter']), ...Array(3).fill([400, 'InvalidTimeStamp.Expired'])]);
    // Decoding one 12 MB form took over a second of event loop; refusing one takes a few dozen
    // milliseconds (the six uploads themselves share this test's event loop with the server).
    expect(slowest).toBeLessThan(1000);
  });

  it('looks up the AccessKeyId of a large fresh form before decoding it: a forged key costs a scan, not a decode', async () => {
    const fresh = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    // A malformed escape deep in the body: decoding it would answer a parameter error instead.
    const body = `Action=BatchImportDevice&Version=2018-01-20&AccessKeyId=LTAIforged&Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=${randomUUID()}&Timestamp=${fresh}&${'DeviceList.1.DeviceName=%41&'.repeat(100_000)}DeviceList.2.DeviceName=%zz`;
    const response = await sendRaw(server.url, {
      method: 'POST',
      url: '/',
      headers: { host: server.endpoint, 'content-type': 'application/x-www-form-urlencoded', 'x-acs-action': 'BatchImportDevice' },
      body: Buffer.from(body),
    });
    expect([response.status, /<Code>([^<]+)/.exec(response.text)?.[1]]).toEqual([404, 'InvalidAccessKeyId.NotFound']);
  });

  it('never answers a business error with a Code on success (pop-core would throw)', async () => {
    const body = (await sendRaw(server.url, signAcs3(call(server, account)))).json();
    expect(body.Code).toBeUndefined();
  });
});

describe('Alibaba nonces across two nodes sharing Redis', () => {
  let nodes: TestServer[];
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ nodes, close } = await startCluster(2, { FLEETGATE_REDIS_URL: REDIS_URL }));
  });
  afterAll(() => close());

  it('a request replayed to the other node gets SignatureNonceUsed', async () => {
    const account = await nodes[0]!.createAccount();
    const request = signAcs3(call(nodes[0]!, account));
    expect((await sendRaw(nodes[0]!.url, request)).status).toBe(200);
    gatewayError(await sendRaw(nodes[1]!.url, request), 400, 'SignatureNonceUsed');
  });
});

describe('Alibaba products refused at start-up', () => {
  const runtime = {} as Runtime;

  it('two products serving one version', () => {
    expect(() => createAlibabaGateway(runtime, [iotProduct, iotProduct])).toThrow('Alibaba products clash: two products serve version 2018-01-20');
  });

  it('an action the product’s spec does not have', () => {
    const typo = defineAction({ name: 'QueryProducts', request: iotProduct.actions[0]!.request, handle: async () => ({}) });
    expect(() => createAlibabaGateway(runtime, [{ ...iotProduct, actions: [...iotProduct.actions, typo] }])).toThrow(
      'Alibaba Iot 2018-01-20: action QueryProducts is not in the product’s spec',
    );
  });
});
