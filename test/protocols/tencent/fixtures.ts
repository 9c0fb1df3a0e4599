import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { signTc3Request, signV1Request } from '../../support/tencent-signer.ts';
import type { Tc3SignOptions, V1SignOptions } from '../../support/tencent-signer.ts';

export const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
export const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
export const NOW = 1795360279;

/** A TC3 request signed as the Node SDK signs GetHardwareInfo, with overrides. */
export function tc3(overrides: Partial<Tc3SignOptions> = {}): RawRequest {
  return signTc3Request({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    action: 'GetHardwareInfo',
    version: '2021-01-19',
    timestamp: NOW,
    host: '127.0.0.1:41071',
    params: { Vendor: 'kainan', SN: '123321' },
    ...overrides,
  });
}

/** A v1 request signed as the Node SDK signs GetHardwareInfo with signMethod HmacSHA256. */
export function v1(overrides: Partial<V1SignOptions> = {}): RawRequest {
  return signV1Request({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    action: 'GetHardwareInfo',
    version: '2021-01-19',
    timestamp: NOW,
    nonce: 42901,
    host: '127.0.0.1:41071',
    signatureMethod: 'HmacSHA256',
    params: { Vendor: 'kainan', SN: '123321' },
    ...overrides,
  });
}

/** The same request with its form body or query rewritten by `edit` (pairs decoded). */
export function editForm(raw: RawRequest, edit: (params: URLSearchParams) => void): RawRequest {
  const get = raw.method === 'GET';
  const params = new URLSearchParams(get ? raw.url.slice(raw.url.indexOf('?') + 1) : raw.body.toString());
  edit(params);
  return get ? { ...raw, url: `/?${params}` } : { ...raw, body: Buffer.from(params.toString()) };
}
