import { TencentError, type TencentErrorCode, type TencentErrorParams } from '../protocols/tencent/errors.ts';
import { successBody } from '../protocols/tencent/envelope.ts';
import { DeviceRefusal, type DeviceEnvelope, type PipelineFault } from './device-endpoint.ts';

/** A refusal of `/device/register` with a catalog code and its documented message (or `detail`). */
export function tencentDeviceRefusal(code: TencentErrorCode, params: TencentErrorParams = {}): DeviceRefusal {
  return new DeviceRefusal(code, new TencentError(code, params).message);
}

const REPLAY_DETAIL = 'The request was refused as a replay: its nonce was already used.';

const API3_FAULTS: Readonly<Record<PipelineFault, (detail?: { count: number; limit: number }) => DeviceRefusal>> = {
  methodNotAllowed: () => tencentDeviceRefusal('UnsupportedProtocol'),
  bodyTooLarge: () => tencentDeviceRefusal('RequestSizeLimitExceeded'),
  malformedBody: () => tencentDeviceRefusal('InvalidParameter', { detail: 'The request body must be a JSON object of strings and numbers.' }),
  rateLimited: (detail) => tencentDeviceRefusal('RequestLimitExceeded', { count: detail?.count ?? 0, limit: detail?.limit ?? 0 }),
  replayed: () => tencentDeviceRefusal('AuthFailure.SignatureFailure', { detail: REPLAY_DETAIL }),
  internal: () => tencentDeviceRefusal('InternalError'),
};

/**
 * IoT Hub's current dynamic registration (`/device/register`, IoT Hub docs "Dynamic registration"): answers are
 * API 3.0 bodies with HTTP 200, `{"Response":{…,"RequestId"}}` or `{"Response":{"Error":{"Code",
 * "Message"},"RequestId"}}`. Tencent documents no errors for this endpoint; clients look for
 * `Response.Payload`, so the API 3.0 error shape is what they can read.
 */
export const tencentDeviceEnvelope: DeviceEnvelope = {
  surface: 'device-tencent',
  success: (requestId, data) => ({ status: 200, body: successBody(requestId, data) }),
  refusal: (requestId, refusal) => ({
    status: 200,
    body: JSON.stringify({ Response: { Error: { Code: refusal.code, Message: refusal.message }, RequestId: requestId } }),
  }),
  fault: (fault, detail) => API3_FAULTS[fault](detail),
};

/**
 * Codes of the legacy protocol's `{"code","message"}` answers. Tencent documents only `0`
 * (success); the refusals use the numbers of the matching HTTP statuses so they explain themselves.
 */
export const LEGACY_CODES = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  tooLarge: 413,
  tooManyRequests: 429,
  internal: 500,
} as const;

const LEGACY_FAULTS: Readonly<Record<PipelineFault, DeviceRefusal>> = {
  methodNotAllowed: new DeviceRefusal(LEGACY_CODES.methodNotAllowed, 'only POST is supported'),
  bodyTooLarge: new DeviceRefusal(LEGACY_CODES.tooLarge, 'request body too large'),
  malformedBody: new DeviceRefusal(LEGACY_CODES.badRequest, 'the request body must be a JSON object'),
  rateLimited: new DeviceRefusal(LEGACY_CODES.tooManyRequests, 'request rate limit exceeded'),
  replayed: new DeviceRefusal(LEGACY_CODES.unauthorized, 'nonce already used'),
  internal: new DeviceRefusal(LEGACY_CODES.internal, 'internal error'),
};

/**
 * IoT Hub's legacy dynamic registration (`/register/dev`, IoT Hub legacy dynamic registration docs): HTTP 200 and
 * `{"code":0,"message":"",…}` on success, `{"code":<non-zero>,"message"}` otherwise.
 */
export const tencentLegacyDeviceEnvelope: DeviceEnvelope = {
  surface: 'device-tencent',
  success: (_requestId, data) => ({ status: 200, body: JSON.stringify({ code: 0, message: '', ...data }) }),
  refusal: (_requestId, refusal) => ({ status: 200, body: JSON.stringify({ code: refusal.code, message: refusal.message }) }),
  fault: (fault) => LEGACY_FAULTS[fault],
};
