/** Alibaba Cloud RPC protocol (v1 HMAC-SHA1 and ACS3-HMAC-SHA256): parse, verify, decode, serialise. */
export { AlibabaError, catalogCodeOf, isAlibabaErrorCode } from './errors.ts';
export type { AlibabaErrorParams } from './errors.ts';
export { errorCatalog } from './specs/error-catalog.ts';
export type { AlibabaErrorKind, AlibabaErrorSpec } from './specs/error-catalog.ts';
export { iotSpec } from './specs/iot-2018-01-20.ts';
export { percentEncode, parseParamPairs } from './encoding.ts';
export type { ParamPair } from './encoding.ts';
export { v1CanonicalizedQuery, v1Signature, v1StringToSign } from './signature-v1.ts';
export {
  ACS3_ALGORITHM,
  acs3CanonicalQuery,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  parseAcs3Authorization,
} from './signature-acs3.ts';
export type { Acs3Authorization, Acs3CanonicalInput } from './signature-acs3.ts';
export { ALIBABA_NONCE_TTL_SECONDS, ALIBABA_TIME_WINDOW_MS } from './timestamp.ts';
export { ALIBABA_LIMITS, isAlibabaRequest, largeRequestAccessKeyId, parseAlibabaRequest, responseFormatOf } from './request.ts';
export type { AlibabaRequest, AlibabaVerifyResult, ResponseFormat } from './request-types.ts';
export { decodeParams } from './params.ts';
export { JSON_CONTENT_TYPE, XML_CONTENT_TYPE, renderError, renderSuccess } from './envelope.ts';
export type { AlibabaReply, ErrorSource } from './envelope.ts';
