/**
 * Tencent Cloud API 3.0 wire protocol: request parsing and signature verification (TC3 and
 * v1), parameter typing against the generated specs, error messages and response envelopes.
 * Pure: no I/O, no logging.
 */
export { TencentError, isTencentErrorCode } from './errors.ts';
export type { TencentErrorCode, TencentErrorParams, TencentLanguage } from './errors.ts';
export { tencentActionErrors, tencentErrorCatalog } from './specs/error-catalog.ts';
export type { TencentErrorText } from './specs/error-catalog.ts';
export { mnaSpec } from './specs/mna-2021-01-19.ts';
export { iotcloudSpec } from './specs/iotcloud-2021-04-08.ts';
export { parseTencentRequest, requestLanguage, TENCENT_LIMITS } from './request.ts';
export type { ParamSource, TencentRequest, TencentSignatureKind } from './request.ts';
export { decodeParams } from './params.ts';
export { Tc3KeyCache } from './tc3.ts';
export { JSON_CONTENT_TYPE, errorBody, successBody } from './envelope.ts';
export type { FlatPairs, V1SignatureMethod } from './v1.ts';
