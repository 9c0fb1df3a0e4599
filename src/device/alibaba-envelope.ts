import { DeviceRefusal, type DeviceEnvelope, type PipelineFault } from './device-endpoint.ts';

/** The codes and messages Alibaba documents for device-side registration ([ALINK] tables). */
export const ALIBABA_DEVICE_CODES = {
  460: 'request parameter error',
  401: 'request auth error',
  6100: 'device not found',
  6250: 'product not found',
  6280: 'devicename not meet specs',
} as const;

export type AlibabaDeviceCode = keyof typeof ALIBABA_DEVICE_CODES;

/** A refusal with a documented code and message; `detail` says more after a colon. */
export function alibabaDeviceRefusal(code: AlibabaDeviceCode, detail?: string): DeviceRefusal {
  const message = ALIBABA_DEVICE_CODES[code];
  return new DeviceRefusal(code, detail ? `${message}: ${detail}` : message);
}

/** Alibaba documents no codes for these two; Fleetgate uses the HTTP status numbers. */
const THROTTLED = 429;
const INTERNAL = 500;

const FAULTS: Readonly<Record<PipelineFault, DeviceRefusal>> = {
  methodNotAllowed: alibabaDeviceRefusal(460, 'only POST is supported'),
  bodyTooLarge: alibabaDeviceRefusal(460, 'request body too large'),
  malformedBody: alibabaDeviceRefusal(460, 'the body must be application/x-www-form-urlencoded fields, each named once'),
  rateLimited: new DeviceRefusal(THROTTLED, 'request rate limit exceeded'),
  replayed: alibabaDeviceRefusal(401, 'random already used'),
  internal: new DeviceRefusal(INTERNAL, 'internal error'),
};

/**
 * Alibaba's device-side answers (`/auth/register/device`, Alibaba "Dynamic registration over HTTPS"): compact
 * `{"code":200,"data":{…},"message":"success"}` (the C SDKs read it into 192-byte buffers) and
 * `{"code":<int>,"message"}` refusals, all with HTTP 200 so every SDK reads the code.
 */
export const alibabaDeviceEnvelope: DeviceEnvelope = {
  surface: 'device-alibaba',
  success: (_requestId, data) => ({ status: 200, body: JSON.stringify({ code: 200, data, message: 'success' }) }),
  refusal: (_requestId, refusal) => ({ status: 200, body: JSON.stringify({ code: refusal.code, message: refusal.message }) }),
  fault: (fault) => FAULTS[fault],
};
