/** Response format a request asked for (v1 `Format`; ACS3 is always JSON). */
export type ResponseFormat = 'JSON' | 'XML';

/** Outcome of checking a request's signature with a candidate secret. */
export type AlibabaVerifyResult = { readonly ok: true } | { readonly ok: false; readonly stringToSign: string };

/** An Alibaba Cloud RPC request, parsed but not yet authenticated. */
export interface AlibabaRequest {
  /** 'v1' = HMAC-SHA1 `Signature` parameter; 'acs3' = `Authorization: ACS3-HMAC-SHA256 …`. */
  readonly kind: 'v1' | 'acs3';
  readonly accessKeyId: string;
  readonly action: string;
  readonly version: string;
  readonly format: ResponseFormat;
  readonly nonce: string;
  /** Unique per AccessKeyId and nonce; claim it in the replay store (SignatureNonceUsed). */
  readonly replayKey: string;
  /** `RegionId` when sent; no SDK sends it, so it is never required. */
  readonly regionId: string | undefined;
  /** Checks the signature against `secret`; on mismatch gives the server's string to sign. */
  verify(secret: string): AlibabaVerifyResult;
  /** Decoded API parameters (query and form body), common parameters removed. */
  readonly params: ReadonlyMap<string, string>;
}
