import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AlibabaError, JSON_CONTENT_TYPE, XML_CONTENT_TYPE, renderError, renderSuccess } from '../../../src/protocols/alibaba/index.ts';

const ID = 'e4c0ff92-2a86-41db-92d3-73b60310d25e';
const UPPER = ID.toUpperCase();

describe('success envelope (responses of the action pages)', () => {
  it('JSON: HTTP 200, RequestId first and upper-case, then the handler fields, application/json;charset=utf-8', () => {
    const reply = renderSuccess(ID, 'BatchCheckImportDevice', { Success: true }, 'JSON');
    expect(reply).toEqual({
      status: 200,
      headers: { 'x-acs-request-id': UPPER, 'content-type': 'application/json;charset=utf-8' },
      body: `{"RequestId":"${UPPER}","Success":true}`,
    });
    expect(reply.headers['content-type']).toBe(JSON_CONTENT_TYPE);
  });

  it('a RequestId among the fields cannot displace or override the real one', () => {
    const body = JSON.parse(renderSuccess(ID, 'QueryProduct', { Success: true, RequestId: 'other' }, 'JSON').body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['RequestId', 'Success']);
    expect(body.RequestId).toBe(UPPER);
  });

  it('XML: <ActionResponse> root with the seed sample shape, text/xml;charset=utf-8', () => {
    const reply = renderSuccess(ID, 'BatchCheckImportDevice', { Success: true }, 'XML');
    expect(reply.headers['content-type']).toBe(XML_CONTENT_TYPE);
    expect(reply.body).toBe(
      `<?xml version='1.0' encoding='UTF-8'?><BatchCheckImportDeviceResponse><RequestId>${UPPER}</RequestId><Success>true</Success></BatchCheckImportDeviceResponse>`,
    );
  });

  it('XML: wrapped lists become repeated item elements (DeviceList.device[]), plain arrays repeat their own name', () => {
    const reply = renderSuccess(
      ID,
      'QueryImportedDeviceByApplyId',
      {
        Success: true,
        PageNo: 1,
        DeviceList: { device: [{ DeviceName: 'a' }, { DeviceName: 'b<&>' }] },
        Data: { InvalidDeviceNameList: ['x', 'y'] },
      },
      'XML',
    );
    expect(reply.body).toContain('<DeviceList><device><DeviceName>a</DeviceName></device><device><DeviceName>b&lt;&amp;&gt;</DeviceName></device></DeviceList>');
    expect(reply.body).toContain('<Data><InvalidDeviceNameList>x</InvalidDeviceNameList><InvalidDeviceNameList>y</InvalidDeviceNameList></Data>');
    const parsed = new XMLParser().parse(reply.body) as Record<string, Record<string, unknown>>;
    expect(parsed.QueryImportedDeviceByApplyIdResponse?.DeviceList).toEqual({ device: [{ DeviceName: 'a' }, { DeviceName: 'b<&>' }] });
  });
});

describe('IoT business errors: HTTP 200, Success:false, Code, ErrorMessage (as the SDKs read them)', () => {
  it('JSON body in the documented order', () => {
    const reply = renderError(ID, 'QueryProduct', new AlibabaError('iot.prod.NotExistedProduct'), 'JSON');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(reply.headers).toEqual({ 'x-acs-request-id': UPPER, 'content-type': JSON_CONTENT_TYPE });
    expect(reply.body).toBe(`{"RequestId":"${UPPER}","Success":false,"Code":"iot.prod.NotExistedProduct","ErrorMessage":"The specified product does not exist."}`);
  });

  it('XML under <ActionResponse>', () => {
    const reply = renderError(ID, 'QueryProduct', new AlibabaError('iot.prod.NotExistedProduct'), 'XML');
    expect(reply.body).toBe(
      `<?xml version='1.0' encoding='UTF-8'?><QueryProductResponse><RequestId>${UPPER}</RequestId><Success>false</Success><Code>iot.prod.NotExistedProduct</Code><ErrorMessage>The specified product does not exist.</ErrorMessage></QueryProductResponse>`,
    );
  });
});

describe('gateway errors: catalog HTTP status, {RequestId, HostId, Code, Message, Recommend} (common error codes)', () => {
  for (const [code, params, status] of [
    ['SignatureDoesNotMatch', { stringToSign: 'GET&%2F&A' }, 400],
    ['InvalidAccessKeyId.NotFound', {}, 404],
    ['InvalidAction.NotFound', {}, 404],
    ['Forbidden.RAM', {}, 403],
    ['InternalError', {}, 500],
    ['ServiceUnavailable', {}, 503],
    ['MissingProductKey', {}, 400],
  ] as const) {
    it(`${code} → HTTP ${status}`, () => {
      const error = new AlibabaError(code, params);
      const reply = renderError(ID, 'QueryProduct', error, 'JSON', { hostId: 'iot.example:8443' });
      expect(reply.status).toBe(status);
      const body = JSON.parse(reply.body) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
      expect(body).toEqual({
        RequestId: UPPER,
        HostId: 'iot.example:8443',
        Code: code,
        Message: error.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${code}&product=Iot&requestId=${UPPER}`,
      });
    });
  }

  it('XML under <Error>, Recommend as CDATA, parseable by an XML reader', () => {
    const reply = renderError(ID, '-', new AlibabaError('SignatureNonceUsed'), 'XML', { hostId: 'h', product: 'Iot' });
    expect(reply.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(reply.body).toBe(
      `<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>${UPPER}</RequestId><HostId>h</HostId><Code>SignatureNonceUsed</Code><Message>Specified signature nonce was used already.</Message><Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=SignatureNonceUsed&product=Iot&requestId=${UPPER}]]></Recommend></Error>`,
    );
    const parsed = new XMLParser().parse(reply.body) as { Error: Record<string, unknown> };
    expect(parsed.Error.Code).toBe('SignatureNonceUsed');
  });

  it('Throttling carries x-acs-retry-after when the caller knows the wait', () => {
    const reply = renderError(ID, 'QueryProduct', new AlibabaError('Throttling.User'), 'JSON', { retryAfterSeconds: 2 });
    expect(reply.status).toBe(400);
    expect(reply.headers).toEqual({ 'x-acs-request-id': UPPER, 'x-acs-retry-after': '2', 'content-type': JSON_CONTENT_TYPE });
  });

  it('HostId defaults to the IoT endpoint family when the caller gives none', () => {
    const body = JSON.parse(renderError(ID, 'QueryProduct', new AlibabaError('InternalError'), 'JSON').body) as Record<string, unknown>;
    expect(body.HostId).toBe('iot.aliyuncs.com');
  });
});
