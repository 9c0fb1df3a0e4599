import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import RPCClient from '@alicloud/pop-core';
import IotModule, * as $Iot from '@alicloud/iot20180120';
import * as $OpenApi from '@alicloud/openapi-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import {
  AlibabaError,
  decodeParams,
  iotSpec,
  parseAlibabaRequest,
  renderError,
  renderSuccess,
} from '../../../src/protocols/alibaba/index.ts';
import type { AlibabaReply, AlibabaRequest, ResponseFormat } from '../../../src/protocols/alibaba/index.ts';

// The SDK is CommonJS with an __esModule default: Node's ESM loader hands over the module object,
// vitest's interop the class itself.
type IotClientClass = typeof IotModule.default;
const IotClient: IotClientClass = typeof IotModule === 'function' ? (IotModule as unknown as IotClientClass) : IotModule.default;

const ACCESS_KEY_ID = 'LTAI5tLIVETESTKEY';
const SECRET = 'live-secret-for-tests';
const REQUEST_ID = '2a5b4e7c-1d3f-4a6b-8c9d-0e1f2a3b4c5d';

type Responder = (request: AlibabaRequest, raw: RawRequest) => AlibabaReply;
interface Seen {
  raw: RawRequest;
  request: AlibabaRequest;
}

let server: Server;
let port = 0;
let respond: Responder = () => {
  throw new Error('no responder');
};
const seen: Seen[] = [];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  // Room for a 10,001-row request line (about 1 MB from iot20180120).
  server = createServer({ maxHeaderSize: 4 * 1024 * 1024 }, (req, res) => {
    void readBody(req).then((body) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
      const raw: RawRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers, body };
      let reply: AlibabaReply;
      try {
        const request = parseAlibabaRequest(raw, Date.now());
        seen.push({ raw, request });
        reply = respond(request, raw);
      } catch (error) {
        const failure = error instanceof AlibabaError ? error : new AlibabaError('InternalError');
        reply = renderError(REQUEST_ID, '-', failure, 'JSON', { hostId: headers.host ?? '' });
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Verifies with the shared secret and decodes against the spec before answering `fields`. */
function verifiedSuccess(fields: Record<string, unknown>): Responder {
  return (request) => {
    const verdict = request.verify(SECRET);
    if (!verdict.ok) return renderError(REQUEST_ID, request.action, new AlibabaError('SignatureDoesNotMatch', { stringToSign: verdict.stringToSign }), request.format);
    decodeParams(iotSpec.actions.BatchCheckImportDevice.request, request.params);
    return renderSuccess(REQUEST_ID, request.action, fields, request.format);
  };
}

const rows = [
  { DeviceName: 'device1', DeviceSecret: 'b4d43f7aa0d6e4f10ba5e5', Sn: 'QC4AB001' },
  { DeviceName: "dev b*c~d!e'f(g)", DeviceSecret: 'sec+/:@=&', Sn: '中文' },
];
const popParams = { ProductKey: 'a1BwAGVxxxx', IotInstanceId: 'iot-1n8t0000', DeviceList: rows };

function popClient(): RPCClient {
  return new RPCClient({ endpoint: `http://127.0.0.1:${port}`, apiVersion: '2018-01-20', accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET });
}

function iotClient(signatureAlgorithm?: string): InstanceType<typeof IotClient> {
  return new IotClient(
    new $OpenApi.Config({ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET, endpoint: `127.0.0.1:${port}`, protocol: 'http', signatureAlgorithm }),
  );
}

function iotRequest(list = rows): $Iot.BatchCheckImportDeviceRequest {
  return new $Iot.BatchCheckImportDeviceRequest({
    productKey: 'a1BwAGVxxxx',
    iotInstanceId: 'iot-1n8t0000',
    deviceList: list.map((r) => new $Iot.BatchCheckImportDeviceRequestDeviceList({ deviceName: r.DeviceName, deviceSecret: r.DeviceSecret, sn: r.Sn })),
  });
}

function lastDecoded() {
  const last = seen.at(-1) as Seen;
  return { request: last.request, decoded: decodeParams(iotSpec.actions.BatchCheckImportDevice.request, last.request.params) };
}

const DATA = { InvalidDeviceNameList: ['APT$'], InvalidDeviceSecretList: [], InvalidSnList: [], RepeatedDeviceNameList: ['abcd'] };

describe('real @alicloud/pop-core 1.8.0 requests verify and read our envelopes', () => {
  for (const method of ['GET', 'POST'] as const) {
    it(`${method}: verifies, decodes reserved and Unicode characters, resolves with the JSON body`, async () => {
      respond = verifiedSuccess({ Success: true, Data: DATA });
      const result = await popClient().request<Record<string, unknown>>('BatchCheckImportDevice', popParams, method === 'POST' ? { method: 'POST' } : {});
      expect(result).toEqual({ RequestId: REQUEST_ID.toUpperCase(), Success: true, Data: DATA });
      const { request, decoded } = lastDecoded();
      expect([request.kind, request.format]).toEqual(['v1', 'JSON']);
      expect(decoded).toEqual(popParams);
    });
  }

  it('a business error (HTTP 200, Success:false) makes pop-core throw with the iot.* code', async () => {
    respond = (request) => renderError(REQUEST_ID, request.action, new AlibabaError('iot.prod.NotExistedProduct'), request.format);
    await expect(popClient().request('BatchCheckImportDevice', popParams)).rejects.toMatchObject({
      name: 'iot.prod.NotExistedProductError',
      code: 'iot.prod.NotExistedProduct',
      data: { Success: false, ErrorMessage: 'The specified product does not exist.' },
    });
  });

  it('a wrong secret gets SignatureDoesNotMatch with the server string to sign', async () => {
    respond = verifiedSuccess({ Success: true });
    const client = new RPCClient({ endpoint: `http://127.0.0.1:${port}`, apiVersion: '2018-01-20', accessKeyId: ACCESS_KEY_ID, accessKeySecret: 'wrong' });
    await expect(client.request('BatchCheckImportDevice', popParams)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: expect.stringMatching(/^Specified signature is not matched with our calculation\. server string to sign is:GET&%2F&AccessKeyId/),
    });
  });
});

describe('real @alicloud/iot20180120 3.0.11 requests verify and read our envelopes', () => {
  for (const [label, algorithm, kind] of [
    ['ACS3-HMAC-SHA256 (default)', undefined, 'acs3'],
    ["signatureAlgorithm 'v2' (v1 HMAC-SHA1, POST + query)", 'v2', 'v1'],
  ] as const) {
    it(`${label}: verifies, decodes, and the typed model keeps Data`, async () => {
      respond = verifiedSuccess({ Success: true, Data: DATA });
      const response = await iotClient(algorithm).batchCheckImportDevice(iotRequest());
      expect(response.statusCode).toBe(200);
      expect(response.body?.requestId).toBe(REQUEST_ID.toUpperCase());
      expect(response.body?.success).toBe(true);
      expect(response.body?.data?.invalidDeviceNameList).toEqual(['APT$']);
      expect(response.body?.data?.repeatedDeviceNameList).toEqual(['abcd']);
      const { request, decoded } = lastDecoded();
      expect([request.kind, request.format]).toEqual([kind, 'JSON']);
      expect(decoded).toEqual(popParams);
    });

    it(`${label}: a business error resolves with success=false, code and errorMessage`, async () => {
      respond = (request) => renderError(REQUEST_ID, request.action, new AlibabaError('iot.device.TooManyDeviceNamesPerRequest'), request.format);
      const response = await iotClient(algorithm).batchCheckImportDevice(iotRequest());
      expect(response.body).toMatchObject({
        success: false,
        code: 'iot.device.TooManyDeviceNamesPerRequest',
        errorMessage: 'The devices you query exceed the maximum number.',
      });
    });

    it(`${label}: a gateway error throws with its code and HTTP status`, async () => {
      respond = (request) => renderError(REQUEST_ID, request.action, new AlibabaError('InvalidAccessKeyId.NotFound'), request.format);
      await expect(iotClient(algorithm).batchCheckImportDevice(iotRequest())).rejects.toMatchObject({
        code: 'InvalidAccessKeyId.NotFound',
        statusCode: 404,
        message: expect.stringContaining('Specified access key is not found.'),
      });
    });
  }

  it('an XML gateway error is read because its content type is exactly text/xml;charset=utf-8', async () => {
    respond = (request) => renderError(REQUEST_ID, request.action, new AlibabaError('Throttling.User'), 'XML' as ResponseFormat);
    await expect(iotClient().batchCheckImportDevice(iotRequest())).rejects.toMatchObject({ code: 'Throttling.User', statusCode: 400 });
  });
});

describe('10,001 rows through the real SDKs: the ~1 MB request parses, verifies and decodes', () => {
  const many = Array.from({ length: 10_001 }, (_, i) => ({ DeviceName: `device${i}`, DeviceSecret: `secret${i}`, Sn: `SN${i}` }));

  it('iot20180120 ACS3 (1 MB query string)', async () => {
    respond = verifiedSuccess({ Success: true });
    const response = await iotClient().batchCheckImportDevice(iotRequest(many));
    expect(response.body?.success).toBe(true);
    const { request, decoded } = lastDecoded();
    expect(request.kind).toBe('acs3');
    expect(decoded.DeviceList).toHaveLength(10_001);
  });

  it('pop-core POST (1 MB form body)', async () => {
    respond = verifiedSuccess({ Success: true });
    await popClient().request('BatchCheckImportDevice', { ProductKey: 'pk', DeviceList: many }, { method: 'POST' });
    expect(lastDecoded().decoded.DeviceList).toHaveLength(10_001);
  });
});
