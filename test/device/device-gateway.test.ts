import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { startTestServer, type TestServer } from '../support/server.ts';
import { deviceEndpointsByPath, parseBody, registerDeviceGateway } from '../../src/device/device-gateway.ts';
import { DeviceRefusal, type DeviceEndpoint } from '../../src/device/device-endpoint.ts';
import { tencentDeviceEnvelope } from '../../src/device/tencent-envelopes.ts';
import { alibabaDeviceEnvelope, alibabaDeviceRefusal } from '../../src/device/alibaba-envelope.ts';

/** A JSON endpoint that takes the body's ProductId as signed, claims its Nonce, then echoes the fields it was given. */
const echo: DeviceEndpoint = {
  path: '/test/echo',
  name: 'Echo',
  product: 'testproduct',
  envelope: tencentDeviceEnvelope,
  bodyFormat: 'json',
  rateLimit: { perSecond: 1000 },
  handle: async (call) => {
    if (call.params.Fail === 'crash') throw new Error('handler bug');
    if (typeof call.params.ProductId === 'string') await call.authenticated(call.params.ProductId);
    await call.claimOnce(String(call.params.Nonce), 60);
    return { Echo: call.params, Bytes: call.raw.body.length };
  },
};

/** A JSON endpoint whose budget (2/s) is charged only once it has checked the request's `Sig`. */
const signed: DeviceEndpoint = {
  path: '/test/signed',
  name: 'Signed',
  product: 'testproduct',
  envelope: tencentDeviceEnvelope,
  bodyFormat: 'json',
  rateLimit: { perSecond: 2 },
  handle: async (call) => {
    if (call.params.Sig !== 'good') throw new DeviceRefusal('AuthFailure.SignatureFailure', 'bad signature');
    await call.authenticated(String(call.params.ProductId));
    return {};
  },
};

/**
 * A form endpoint in Alibaba's envelope with a tiny rate limit, charged once its "signature"
 * (`sign=ok`) checks out, and a refusal of its own.
 */
const form: DeviceEndpoint = {
  path: '/test/form',
  name: 'Form',
  product: 'testproduct',
  envelope: alibabaDeviceEnvelope,
  bodyFormat: 'form',
  maxBodyBytes: 64,
  rateLimit: { perSecond: 2 },
  handle: async (call) => {
    if (call.params.sign !== 'ok') throw alibabaDeviceRefusal(401);
    await call.authenticated(String(call.params.productKey));
    if (call.params.deviceName === 'nobody') throw alibabaDeviceRefusal(6100);
    return { productKey: call.params.productKey };
  },
};

describe('device pipeline', () => {
  let server: TestServer;
  let app: FastifyInstance;
  let url: string;
  const lines: string[] = [];
  beforeAll(async () => {
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    server = await startTestServer({ dialect: 'sqlite', logger });
    app = Fastify();
    await app.register(async (scope) => registerDeviceGateway(scope, server.app, [echo, form, signed]));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await server.close();
  });

  const post = (path: string, body: string, contentType = 'application/json; charset=utf-8') =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- envelopes are asserted below
  const json = async (response: Response | Promise<Response>): Promise<any> => (await response).json();
  const callLines = () => lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'device call');

  it('reads a JSON body and answers in the endpoint envelope (API 3.0 shape, HTTP 200, application/json)', async () => {
    const body = JSON.stringify({ ProductId: 'ASJ1234GX', Nonce: 1, Secret: 'TOPSECRET' });
    const response = await post('/test/echo', body, 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      Response: { Echo: { ProductId: 'ASJ1234GX', Nonce: 1, Secret: 'TOPSECRET' }, Bytes: Buffer.byteLength(body), RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  });

  it('claimOnce refuses a key used before with the envelope replay refusal', async () => {
    expect((await json(post('/test/echo', '{"Nonce":"n-42"}'))).Response.Echo).toBeDefined();
    expect((await json(post('/test/echo', '{"Nonce":"n-42"}'))).Response.Error).toEqual({ Code: 'AuthFailure.SignatureFailure', Message: expect.stringContaining('replay') });
  });

  it('refuses bodies that are not what the devices send, in the envelope', async () => {
    for (const body of ['[1,2]', 'not json', 'null', '{"a":"x\\u0000y"}']) {
      expect((await json(post('/test/echo', body))).Response.Error.Code, body).toBe('InvalidParameter');
    }
    expect(await json(post('/test/form', 'productKey=a&productKey=b', 'application/x-www-form-urlencoded'))).toEqual({ code: 460, message: expect.stringContaining('each named once') });
    expect((await json(post('/test/form', 'productKey=a%00b', 'application/x-www-form-urlencoded'))).code).toBe(460);
  });

  it('refuses a body over the limit before reading it, and methods other than POST', async () => {
    const tooLarge = await post('/test/echo', JSON.stringify({ pad: 'x'.repeat(17 * 1024) }));
    expect(tooLarge.status).toBe(200);
    expect((await json(tooLarge)).Response.Error.Code).toBe('RequestSizeLimitExceeded');
    expect(await json(post('/test/form', `productKey=${'k'.repeat(100)}`, 'application/x-www-form-urlencoded'))).toEqual({ code: 460, message: 'request parameter error: request body too large' });
    expect((await json(fetch(`${url}/test/echo`))).Response.Error.Code).toBe('UnsupportedProtocol');
  });

  it('passes a form body as strings and lets the endpoint refuse with its documented code', async () => {
    expect(await json(post('/test/form', 'productKey=pk1&deviceName=d&sign=ok', 'application/x-www-form-urlencoded'))).toEqual({ code: 200, data: { productKey: 'pk1' }, message: 'success' });
    expect(await json(post('/test/form', 'productKey=pk1b&deviceName=nobody&sign=ok', 'application/x-www-form-urlencoded'))).toEqual({ code: 6100, message: 'device not found' });
  });

  it('rate-limits per endpoint and subject, charging only requests the endpoint authenticated', async () => {
    const form = (body: string) => json(post('/test/form', body, 'application/x-www-form-urlencoded'));
    const answers = await Promise.all(Array.from({ length: 10 }, () => form('productKey=busy&sign=ok')));
    const refused = answers.filter((a) => a.code === 429);
    // Two one-second windows at most, two requests each.
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(refused[0]).toEqual({ code: 429, message: 'request rate limit exceeded' });
    expect((await form('productKey=quiet&sign=ok')).code).toBe(200);
    // Forgeries naming a product cannot spend its budget: they are refused unsigned and charged nothing.
    const forged = await Promise.all(Array.from({ length: 10 }, () => form('productKey=victim&sign=forged')));
    expect(forged.every((a) => a.code === 401)).toBe(true);
    expect((await form('productKey=victim&sign=ok')).code).toBe(200);
  });

  it('a budget is charged only for requests the endpoint authenticated: forgeries naming a product do not spend it', async () => {
    const call = (sig: string) => json(post('/test/signed', JSON.stringify({ ProductId: 'Victim', Sig: sig })));
    const forged = await Promise.all(Array.from({ length: 10 }, () => call('forged')));
    expect(forged.map((a) => a.Response.Error.Code)).toEqual(Array(10).fill('AuthFailure.SignatureFailure'));
    expect((await call('good')).Response.Error).toBeUndefined();
    const genuine = await Promise.all(Array.from({ length: 10 }, () => call('good')));
    expect(genuine.filter((a) => a.Response.Error?.Code === 'RequestLimitExceeded').length).toBeGreaterThanOrEqual(6);
    const logged = callLines().filter((l) => l.endpoint === 'Signed');
    expect(logged.filter((l) => l.subject === 'Victim')).toHaveLength(11);
    expect(logged.filter((l) => l.subject === undefined)).toHaveLength(10);
  });

  it('keys and logs only a subject shaped like a product id: a 16 KB one is neither kept nor logged', async () => {
    const long = 'p'.repeat(10_000);
    await json(post('/test/echo', JSON.stringify({ ProductId: long })));
    expect(lines.some((l) => l.includes(long))).toBe(false);
  });

  it('answers InternalError for a failing endpoint and logs the failure without the body', async () => {
    expect((await json(post('/test/echo', '{"Fail":"crash","Secret":"TOPSECRET"}'))).Response.Error.Code).toBe('InternalError');
    expect(lines.some((l) => l.includes('device endpoint failure') && l.includes('handler bug'))).toBe(true);
  });

  it('writes one log line per call with its request id, endpoint, subject and code, never a body field', async () => {
    const before = callLines().length;
    const answer = await json(post('/test/echo', '{"ProductId":"LOGGED1234","Nonce":"log-1","Secret":"TOPSECRET"}'));
    const written = callLines().slice(before);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ requestId: answer.Response.RequestId, cloud: 'device-tencent', endpoint: 'Echo', subject: 'LOGGED1234', code: 'Success', latencyMs: expect.any(Number) });
    expect(lines.join('\n')).not.toContain('TOPSECRET');
  });

  it('counts calls under bounded labels: the surface as cloud, the endpoint name as action, the envelope code', async () => {
    const metrics = await server.app.metrics.registry.getSingleMetricAsString('fleetgate_api_requests_total');
    expect(metrics).toMatch(/fleetgate_api_requests_total\{cloud="device-tencent",product="testproduct",action="Echo",code="Success"\} [1-9]/);
    expect(metrics).toMatch(/fleetgate_api_requests_total\{cloud="device-alibaba",product="testproduct",action="Form",code="429"\} [1-9]/);
    expect(metrics).toMatch(/cloud="device-tencent",product="testproduct",action="Echo",code="RequestSizeLimitExceeded"/);
    // Many distinct subjects add no series: the subject is logged, not labelled.
    const series = () => server.app.metrics.registry.getSingleMetricAsString('fleetgate_api_requests_total').then((text) => text.split('\n').length);
    const count = await series();
    await Promise.all(Array.from({ length: 20 }, (_, i) => post('/test/echo', JSON.stringify({ ProductId: `P${i}`, Nonce: `m-${i}` }))));
    expect(await series()).toBe(count);
  });

  it('refuses two endpoints on one path at start-up', () => {
    expect(() => deviceEndpointsByPath([echo, { ...form, path: '/test/echo' }])).toThrow('device endpoints Echo and Form both claim /test/echo');
  });

  it('parseBody keeps JSON values as sent and form values as strings', () => {
    expect(parseBody('json', Buffer.from('{"n":1,"s":"x"}'))).toEqual({ n: 1, s: 'x' });
    expect(parseBody('form', Buffer.from('a=1&b=x%20y'))).toEqual({ a: '1', b: 'x y' });
    expect(parseBody('form', Buffer.from(''))).toEqual({});
    expect(parseBody('json', Buffer.from(''))).toBeUndefined();
  });
});

describe('documented device paths: IoT Hub registration implemented, Alibaba before issue 15', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'sqlite' });
  });
  afterAll(() => server.close());

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- envelopes are asserted below
  const answer = async (path: string, body: string, headers: Record<string, string>): Promise<{ status: number; type: string | null; body: any }> => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
    return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
  };

  it('POST /device/register answers ResourceNotFound.ProductNotExist in the API 3.0 envelope for a product nobody created', async () => {
    const result = await answer('/device/register', '{"ProductId":"ASJ1234GX","DeviceName":"xyz"}', {
      'content-type': 'application/json; charset=utf-8',
      'x-tc-algorithm': 'hmacsha256',
      'x-tc-timestamp': '1609430400',
      'x-tc-nonce': '5456',
      'x-tc-signature': 'UUy3qTCFH5YYaYL7St/hmnqlctHLd4BmuuXGPU4zzno=',
    });
    expect(result).toEqual({
      status: 200,
      type: 'application/json',
      body: { Response: { Error: { Code: 'ResourceNotFound.ProductNotExist', Message: 'The product ASJ1234GX does not exist.' }, RequestId: expect.any(String) } },
    });
  });

  it('POST /register/dev (legacy) answers {code, message} with a non-zero code', async () => {
    const body = '{"deviceName":"device_1234","nonce":1439928322,"productId":"S3EUVBRJLB","timestamp":1568692235,"signature":"x"}';
    const result = await answer('/register/dev', body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ code: 404, message: 'The product S3EUVBRJLB does not exist.' });
  });

  it('POST /auth/register/device answers {code: 6250, message: "product not found"} for a product no account has', async () => {
    const body = 'productKey=a1BwAGV1234&deviceName=device1&random=8Ygb7ULYh53B6OA&sign=0e32190436cc1217341cc04e92fd7f816f776c7cd71003b59221f48bdc1f265c&signMethod=hmacsha256';
    const result = await answer('/auth/register/device', body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ code: 6250, message: 'product not found' });
  });

  it('labels the calls device-tencent / device-alibaba with the endpoint names; other paths stay plain 404s', async () => {
    const metrics = await server.app.metrics.registry.getSingleMetricAsString('fleetgate_api_requests_total');
    expect(metrics).toContain('cloud="device-tencent",product="iotcloud",action="DynamicRegister",code="ResourceNotFound.ProductNotExist"');
    expect(metrics).toContain('cloud="device-tencent",product="iotcloud",action="LegacyRegister",code="404"');
    expect(metrics).toContain('cloud="device-alibaba",product="iot",action="DynamicRegister",code="6250"');
    const elsewhere = await fetch(`${server.url}/device/registerx`, { method: 'POST', body: '{}' });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
  });

  it('does not let a device body reach the cloud gateways: the API gateway still answers on /', async () => {
    const response = await fetch(`${server.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect((await (response.json() as Promise<{ Response: { Error: { Code: string } } }>)).Response.Error.Code).toMatch(/^(MissingParameter|AuthFailure)/);
  });
});

describe('DeviceRefusal', () => {
  it('keeps its code and message for the envelope', () => {
    const refusal = new DeviceRefusal(7, 'seven');
    expect(alibabaDeviceEnvelope.refusal('r', refusal)).toEqual({ status: 200, body: '{"code":7,"message":"seven"}' });
  });
});
