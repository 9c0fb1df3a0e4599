import { expect } from 'vitest';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { signTc3Request, signV1Request, type Tc3SignOptions, type V1SignOptions } from './tencent-signer.ts';
import type { TestAccount, TestServer } from './server.ts';

/**
 * The words Tencent tests speak: an official SDK client for an account of a running server,
 * an SDK call that must fail with a code, and hand-signed requests for what no SDK sends.
 */

/** The official MNA client of tencentcloud-sdk-nodejs, unchanged. */
export type MnaClient = InstanceType<typeof tencentcloud.mna.v20210119.Client>;

export type SignMethod = 'TC3-HMAC-SHA256' | 'HmacSHA1' | 'HmacSHA256';

export interface MnaClientOptions {
  readonly signMethod?: SignMethod;
  readonly reqMethod?: 'POST' | 'GET';
  readonly region?: string;
  readonly language?: 'en-US' | 'zh-CN';
  /** Seconds the SDK waits for an answer; the SDK's default is 60. */
  readonly reqTimeout?: number;
}

/** Where a client connects (a test server, a served CLI process) and whose Tencent keys it signs with. */
type Endpoint = Pick<TestServer, 'endpoint'>;
type TencentKeys = Pick<TestAccount, 'tencent'>;

/** The official MNA client pointed at a server, signing with the account's Tencent keys. */
export function mnaClient(server: Endpoint, account: TencentKeys, options: MnaClientOptions = {}): MnaClient {
  return new tencentcloud.mna.v20210119.Client({
    credential: { secretId: account.tencent.secretId, secretKey: account.tencent.secretKey },
    region: options.region ?? 'ap-guangzhou',
    profile: {
      signMethod: options.signMethod ?? 'TC3-HMAC-SHA256',
      language: options.language,
      httpProfile: { protocol: 'http://', endpoint: server.endpoint, reqMethod: options.reqMethod ?? 'POST', reqTimeout: options.reqTimeout ?? 60 },
    },
  });
}

/** A failed SDK call as the SDK reports it. */
export type TencentSdkError = Error & { readonly code: string; readonly requestId: string };

/** Awaits an SDK call that must fail with `code`; returns the SDK's error for further checks. */
export async function expectTencentError(call: Promise<unknown>, code: string): Promise<TencentSdkError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as TencentSdkError,
  );
  expect(error, `expected ${code}, the call succeeded`).toBeDefined();
  expect(error!.code, error!.message).toBe(code);
  return error!;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A TC3 request to the server signed as the Node SDK signs it, for hand-built error cases. */
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

/** A v1 request (form POST or GET) to the server signed as the Node SDK signs it. */
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
