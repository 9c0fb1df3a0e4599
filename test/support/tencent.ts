import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { signTc3Request, signV1Request, type Tc3SignOptions, type V1SignOptions } from './tencent-signer.ts';
import type { TestAccount, TestServer } from './server.ts';

export type SignMethod = 'TC3-HMAC-SHA256' | 'HmacSHA1' | 'HmacSHA256';

/** The official tencentcloud-sdk-nodejs MNA client pointed at a test server. */
export function mnaClient(server: TestServer, account: TestAccount, options: { signMethod?: SignMethod; reqMethod?: 'POST' | 'GET'; region?: string; language?: 'en-US' | 'zh-CN' } = {}) {
  return new tencentcloud.mna.v20210119.Client({
    credential: { secretId: account.tencent.secretId, secretKey: account.tencent.secretKey },
    region: options.region ?? 'ap-guangzhou',
    profile: {
      signMethod: options.signMethod ?? 'TC3-HMAC-SHA256',
      language: options.language,
      httpProfile: { protocol: 'http://', endpoint: server.endpoint, reqMethod: options.reqMethod ?? 'POST' },
    },
  });
}

/** What an SDK call rejected with, as the SDK reports it. */
export async function sdkError(call: Promise<unknown>): Promise<{ code: string; message: string; requestId: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; message: string; requestId?: string };
    return { code: e.code ?? '(none)', message: e.message, requestId: e.requestId ?? '' };
  }
  throw new Error('expected the call to fail');
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A TC3 request signed as the Node SDK signs it, for hand-built error cases. */
export function tc3(server: TestServer, account: TestAccount, options: Partial<Tc3SignOptions> & { action: string }) {
  return signTc3Request({
    secretId: account.tencent.secretId,
    secretKey: account.tencent.secretKey,
    version: '2021-01-19',
    timestamp: nowSeconds(),
    host: server.endpoint,
    ...options,
  });
}

/** A v1 request (form POST or GET) signed as the Node SDK signs it. */
export function v1(server: TestServer, account: TestAccount, options: Partial<V1SignOptions> & { action: string }) {
  return signV1Request({
    secretId: account.tencent.secretId,
    secretKey: account.tencent.secretKey,
    version: '2021-01-19',
    timestamp: nowSeconds(),
    host: server.endpoint,
    signatureMethod: 'HmacSHA256',
    nonce: Math.floor(Math.random() * 65535),
    ...options,
  });
}
