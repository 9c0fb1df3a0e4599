import { describe, expect, it } from 'vitest';
import { isAlibabaRequest, parseAlibabaRequest, percentEncode, responseFormatOf } from '../../../src/protocols/alibaba/index.ts';
import { signAcs3, signOpenApiV2, signPopCoreGet, signPopCorePost } from '../../support/alibaba-signer.ts';
import { CAPTURE_ACCESS_KEY_ID, CAPTURE_NOW_MS, CAPTURE_SECRET, captureRequest, readReference } from './fixtures.ts';

const DEVICE_PARAMS = {
  'DeviceList.1.DeviceName': 'device1',
  'DeviceList.1.DeviceSecret': 'b4d43f7aa0d6e4f10ba5e5',
  'DeviceList.1.Sn': 'QC4AB001',
  'DeviceList.2.DeviceName': 'device2',
  'DeviceList.2.DeviceSecret': '912179ee0c9a5c700210b4',
  'DeviceList.2.Sn': 'QC4AB002',
  ProductKey: 'a1BwAGVxxxx',
};

const captures = [
  { id: 'ali-pop-get', kind: 'v1', nonce: 'ee60bf7eba279df098ea4de458b16666', params: { ...DEVICE_PARAMS, IotInstanceId: 'iot-1n8t0000' } },
  { id: 'ali-pop-post', kind: 'v1', nonce: '15f1c5a5217fe680a772a506d481dffe', params: DEVICE_PARAMS },
  { id: 'ali-iot-acs3', kind: 'acs3', nonce: '074234261357251dddf7fa8d8336b64c', params: { ...DEVICE_PARAMS, IotInstanceId: 'iot-1n8t0000' } },
  { id: 'ali-iot-v2', kind: 'v1', nonce: '96cc141ed242ce79fab91e55a26ae6ac', params: DEVICE_PARAMS },
] as const;

describe('requests exactly as captured from the official SDKs verify', () => {
  for (const c of captures) {
    it(`${c.id}: ${c.kind} request verifies with the capture secret and decodes its parameters`, () => {
      const raw = captureRequest(c.id);
      expect(isAlibabaRequest(raw)).toBe(true);
      const request = parseAlibabaRequest(raw, CAPTURE_NOW_MS);
      expect(request.verify(CAPTURE_SECRET)).toEqual({ ok: true });
      expect(request).toMatchObject({
        kind: c.kind,
        accessKeyId: CAPTURE_ACCESS_KEY_ID,
        action: 'BatchCheckImportDevice',
        version: '2018-01-20',
        format: 'JSON',
        nonce: c.nonce,
        replayKey: `${CAPTURE_ACCESS_KEY_ID}&${c.nonce}`,
        regionId: undefined,
      });
      expect(Object.fromEntries(request.params)).toEqual(c.params);
      expect(responseFormatOf(raw)).toBe('JSON');
    });

    it(`${c.id}: a wrong secret fails and reports the server's string to sign`, () => {
      const result = parseAlibabaRequest(captureRequest(c.id), CAPTURE_NOW_MS).verify(`${CAPTURE_SECRET}x`);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.stringToSign).toMatch(c.kind === 'v1' ? /^POST&%2F&AccessKeyId|^GET&%2F&AccessKeyId/ : /^ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
    });
  }

  it('pop-core sends x-acs-action with v1 too: the header does not make it ACS3, and v1 ignores it', () => {
    const raw = captureRequest('ali-pop-get');
    const request = parseAlibabaRequest({ ...raw, headers: { ...raw.headers, 'x-acs-action': 'DeleteDevice' } }, CAPTURE_NOW_MS);
    expect([request.kind, request.action]).toEqual(['v1', 'BatchCheckImportDevice']);
  });
});

describe("Telling the four request kinds apart: Tencent's requests are not Alibaba's", () => {
  const tencent = [
    'tc-activate-tc3',
    'tc-gethw-tc3',
    'tc-order-tc3',
    'tc-updpdr-tc3',
    'tc-activate-tc3-get',
    'tc-activate-hmacsha256',
    'tc-gethw-hmacsha1-get',
    'tc-gethw-named-host',
    'tc-common-gethw',
    'tc-intl-updpdr-default',
    'tc-intl-updpdr-tc3',
  ];
  for (const id of tencent) {
    it(`${id} is not an Alibaba request`, () => {
      expect(isAlibabaRequest(captureRequest(id))).toBe(false);
    });
  }

  it('an ACS3 Authorization, an x-acs-* header or v1 signature parameters each mark an Alibaba request', () => {
    const bare = { method: 'POST', url: '/', headers: {}, body: Buffer.alloc(0) };
    expect(isAlibabaRequest(bare)).toBe(false);
    expect(isAlibabaRequest({ ...bare, headers: { authorization: 'ACS3-HMAC-SM3 Credential=a' } })).toBe(true);
    expect(isAlibabaRequest({ ...bare, headers: { 'x-acs-version': '2018-01-20' } })).toBe(true);
    expect(isAlibabaRequest({ ...bare, url: '/?Action=X&SignatureNonce=1' })).toBe(true);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(isAlibabaRequest({ ...bare, headers: form, body: Buffer.from('Action=X&AccessKeyId=k') })).toBe(true);
    expect(isAlibabaRequest({ ...bare, body: Buffer.from('Action=X&AccessKeyId=k') })).toBe(false);
  });
});

interface V1Vector {
  source: string;
  method: string;
  params: Record<string, string>;
  secret: string;
  expected: string;
}
interface Acs3Vector {
  source: string;
  method: string;
  query: Record<string, string>;
  wire_query?: string;
  headers: Record<string, string>;
  accessKeyId?: string;
  authorization?: string;
  signedHeaders: string;
  secret: string;
  expected: string;
}
const vectors = readReference<{ rpc_v1_hmac_sha1: { vectors: V1Vector[] }; acs3_hmac_sha256: { vectors: Acs3Vector[] } }>('test-vectors.json');

describe('test vectors verify end to end through parseAlibabaRequest', () => {
  // The doc vector spells the parameter "TimeStamp": the server rightly reports Timestamp missing.
  for (const v of vectors.rpc_v1_hmac_sha1.vectors.filter((x) => 'Timestamp' in x.params)) {
    it(`v1 ${v.method} ${v.expected}`, () => {
      const query = Object.entries(v.params)
        .map(([k, val]) => `${percentEncode(k)}=${percentEncode(val)}`)
        .join('&');
      const signed = `${query}&Signature=${percentEncode(v.expected)}`;
      const raw =
        v.method === 'GET'
          ? { method: 'GET', url: `/?${signed}`, headers: {}, body: Buffer.alloc(0) }
          : { method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(signed) };
      const request = parseAlibabaRequest(raw, Date.parse(v.params.Timestamp as string));
      expect(request.verify(v.secret)).toEqual({ ok: true });
    });
  }

  for (const v of vectors.acs3_hmac_sha256.vectors) {
    it(`ACS3 ${v.expected.slice(0, 12)}`, () => {
      const wire = v.wire_query ?? new URLSearchParams(v.query).toString();
      const authorization = v.authorization ?? `ACS3-HMAC-SHA256 Credential=${v.accessKeyId},SignedHeaders=${v.signedHeaders},Signature=${v.expected}`;
      const raw = { method: v.method, url: `/?${wire}`, headers: { ...v.headers, authorization }, body: Buffer.alloc(0) };
      const request = parseAlibabaRequest(raw, Date.parse(v.headers['x-acs-date'] as string));
      expect(request.verify(v.secret)).toEqual({ ok: true });
      expect(request.action).toBe(v.headers['x-acs-action']);
    });
  }
});

describe('the test signers reproduce the captured SDK requests byte for byte', () => {
  const rows = [
    { DeviceName: 'device1', DeviceSecret: 'b4d43f7aa0d6e4f10ba5e5', Sn: 'QC4AB001' },
    { DeviceName: 'device2', DeviceSecret: '912179ee0c9a5c700210b4', Sn: 'QC4AB002' },
  ];
  const base = {
    accessKeyId: CAPTURE_ACCESS_KEY_ID,
    accessKeySecret: CAPTURE_SECRET,
    action: 'BatchCheckImportDevice',
    version: '2018-01-20',
    host: '127.0.0.1:41071',
    nowMs: CAPTURE_NOW_MS,
  };
  const withInstance = { ProductKey: 'a1BwAGVxxxx', IotInstanceId: 'iot-1n8t0000', DeviceList: rows };
  // pop-core POST and the v2 capture were recorded without IotInstanceId.
  const withoutInstance = { DeviceList: rows, ProductKey: 'a1BwAGVxxxx' };

  it('pop-core GET: request target', () => {
    const raw = signPopCoreGet({ ...base, params: withInstance, nonce: 'ee60bf7eba279df098ea4de458b16666' });
    expect(raw.url).toBe(captureRequest('ali-pop-get').url);
  });

  it('pop-core POST: form body', () => {
    const raw = signPopCorePost({ ...base, params: withoutInstance, nonce: '15f1c5a5217fe680a772a506d481dffe' });
    expect(raw.body.toString()).toBe(captureRequest('ali-pop-post').body.toString());
  });

  it('iot20180120 ACS3: request target and Authorization', () => {
    const capture = captureRequest('ali-iot-acs3');
    const params = { DeviceList: rows, IotInstanceId: 'iot-1n8t0000', ProductKey: 'a1BwAGVxxxx' };
    const raw = signAcs3({ ...base, params, nonce: '074234261357251dddf7fa8d8336b64c' });
    expect(raw.url).toBe(capture.url);
    expect(raw.headers.authorization).toBe(capture.headers.authorization);
  });

  it("iot20180120 'v2': request target", () => {
    const raw = signOpenApiV2({ ...base, params: withoutInstance, nonce: '96cc141ed242ce79fab91e55a26ae6ac' });
    expect(raw.url).toBe(captureRequest('ali-iot-v2').url);
  });
});
