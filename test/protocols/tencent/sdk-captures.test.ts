import { describe, expect, it } from 'vitest';
import { splitTarget } from '../../../src/protocols/raw-request.ts';
import { decodeParams } from '../../../src/protocols/tencent/params.ts';
import { parseTencentRequest } from '../../../src/protocols/tencent/request.ts';
import type { TencentRequest } from '../../../src/protocols/tencent/request.ts';
import { signTc3Request, signV1Request } from '../../support/tencent-signer.ts';
import { iotcloudSpec } from '../../../src/protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { mnaSpec } from '../../../src/protocols/tencent/specs/mna-2021-01-19.ts';
import { CAPTURE_SECRET_KEY, loadTencentCaptures } from './captures.ts';
import type { Capture } from './captures.ts';

const captures = loadTencentCaptures();
const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';

function v1Params(c: Capture): URLSearchParams {
  return new URLSearchParams(c.raw.method === 'GET' ? splitTarget(c.raw.url).rawQuery : c.raw.body.toString());
}

/** The captures were made at a fixed time: "now" is the request's own timestamp. */
function capturedAt(c: Capture): number {
  return Number(c.raw.headers['x-tc-timestamp'] ?? v1Params(c).get('Timestamp'));
}

function schemaOf(request: TencentRequest) {
  const spec = request.version === mnaSpec.version ? mnaSpec : iotcloudSpec;
  return (spec.actions as Record<string, { request: Parameters<typeof decodeParams>[0] }>)[request.action]!.request;
}

describe('official SDK requests of reference/sdk-wire-captures.json', () => {
  it('all eleven Tencent captures are read', () => {
    expect(captures.map((c) => c.id)).toHaveLength(11);
  });

  for (const c of captures) {
    describe(c.id, () => {
      it('verifies byte for byte with the captures\' SecretKey, and not with another key', () => {
        const request = parseTencentRequest(c.raw, capturedAt(c));
        expect(request.secretId).toBe(SECRET_ID);
        expect(request.verify(CAPTURE_SECRET_KEY)).toBe(true);
        expect(request.verify('Gu5t9xGARNpq86cd98joQYCN3EXAMPLF')).toBe(false);
      });

      it('is refused as expired 301 s later', () => {
        expect(() => parseTencentRequest(c.raw, capturedAt(c) + 301)).toThrow(expect.objectContaining({ code: 'AuthFailure.SignatureExpire' }));
      });

      it('its parameters decode against the generated schema of its action', () => {
        const request = parseTencentRequest(c.raw, capturedAt(c));
        const params = decodeParams(schemaOf(request), request.params);
        if (request.params.format === 'json') expect(params).toEqual(JSON.parse(c.raw.body.toString()));
        else expect(Object.keys(params).length).toBeGreaterThan(0);
      });

      it('sign.ts reproduces the SDK request from the same inputs', () => {
        const request = parseTencentRequest(c.raw, capturedAt(c));
        const params = decodeParams(schemaOf(request), request.params) as Record<string, unknown>;
        const common = {
          secretId: SECRET_ID,
          secretKey: CAPTURE_SECRET_KEY,
          action: request.action,
          version: request.version,
          region: request.region,
          timestamp: request.timestamp,
          method: c.raw.method as 'GET' | 'POST',
          host: c.raw.headers.host!,
          params,
        };
        if (request.kind === 'TC3-HMAC-SHA256') {
          const signed = signTc3Request({ ...common, requestClient: c.raw.headers['x-tc-requestclient'] });
          expect(signed.headers.authorization).toBe(c.raw.headers.authorization);
          expect(signed.url).toBe(c.raw.url);
          expect(signed.body.toString()).toBe(c.raw.body.toString());
        } else {
          const wire = v1Params(c);
          const signed = signV1Request({
            ...common,
            signatureMethod: request.kind,
            nonce: wire.get('Nonce')!,
            requestClient: wire.get('RequestClient')!,
            language: request.language === 'en-US' && wire.has('Language') ? 'en-US' : undefined,
          });
          const sent = c.raw.method === 'GET' ? signed.url : signed.body.toString();
          if (wire.get('RequestClient')!.startsWith('SDK_NODEJS_4')) {
            expect(sent).toBe(c.raw.method === 'GET' ? c.raw.url : c.raw.body.toString());
          } else {
            // The intl-en SDK puts Language elsewhere in the form; the signed content is the same.
            const sorted = (q: string) => [...new URLSearchParams(q.replace(/^\/\?/, ''))].sort();
            expect(sorted(sent)).toEqual(sorted(c.raw.body.toString()));
          }
        }
      });
    });
  }

  it('TC3 POST from the Node SDK: header fields, no replay key, JSON parameters', () => {
    const c = captures.find((x) => x.id === 'tc-order-tc3')!;
    const request = parseTencentRequest(c.raw, capturedAt(c));
    expect(request).toMatchObject({
      kind: 'TC3-HMAC-SHA256',
      action: 'OrderPerLicense',
      version: '2021-01-19',
      region: 'ap-guangzhou',
      language: 'en-US',
      timestamp: 1795360279,
      token: undefined,
      replayKey: undefined,
      params: { format: 'json', value: { DeviceId: 'mna-devid', Type: 0, AutoVoucher: true, VoucherIds: ['v-1'] } },
    });
  });

  it('TC3 without X-TC-Region gives region undefined', () => {
    const c = captures.find((x) => x.id === 'tc-activate-tc3')!;
    expect(parseTencentRequest(c.raw, capturedAt(c)).region).toBeUndefined();
  });

  it('TC3 GET: flattened 0-based query decodes, %20 and raw ( ) * included', () => {
    const c = captures.find((x) => x.id === 'tc-activate-tc3-get')!;
    const request = parseTencentRequest(c.raw, capturedAt(c));
    expect(decodeParams(mnaSpec.actions.ActivateHardware.request, request.params)).toEqual({
      Hardware: [
        { Vendor: 'vendor', SN: 'AN', DeviceName: 'name', Description: "it's (a) test*", DataKey: 'keys' },
        { Vendor: 'vendor', SN: 'AN2', DeviceName: 'name2' },
      ],
    });
  });

  it('v1: common parameters are removed from the API parameters; replay key is SecretId:Nonce:Timestamp', () => {
    const c = captures.find((x) => x.id === 'tc-intl-updpdr-default')!;
    const request = parseTencentRequest(c.raw, capturedAt(c));
    expect(request).toMatchObject({
      kind: 'HmacSHA256',
      action: 'UpdateProductDynamicRegister',
      version: '2021-04-08',
      region: 'ap-guangzhou',
      language: 'en-US',
      replayKey: `${SECRET_ID}:23089:1795360280`,
      params: { format: 'flat', pairs: [['ProductId', 'ABCDE12345'], ['RegisterType', '0'], ['RegisterLimit', '10']] },
    });
  });

  it('v1 without SignatureMethod=HmacSHA256 is HmacSHA1 (GET capture)', () => {
    const c = captures.find((x) => x.id === 'tc-gethw-hmacsha1-get')!;
    expect(parseTencentRequest(c.raw, capturedAt(c)).kind).toBe('HmacSHA1');
  });
});
