import { DEFAULT_DEVICE_RATE_LIMIT, DeviceRefusal, type DeviceCall, type DeviceEndpoint } from '../../../device/device-endpoint.ts';
import { LEGACY_CODES, tencentDeviceEnvelope, tencentDeviceRefusal, tencentLegacyDeviceEnvelope } from '../../../device/tencent-envelopes.ts';
import { mqttAuthEnvelope } from '../../../device/mqtt-auth-envelope.ts';
import type { TencentErrorCode } from '../../../protocols/tencent/errors.ts';
import { RegisterHeaderError, readRegisterHeaders, verifyLegacySignature, verifyRegisterSignature, type RegisterSignatureHeaders } from '../../../protocols/tencent-device/index.ts';
import { RegisterRefused, registerDevice, type RegisterRefusalReason } from './device-registration.ts';
import { checkMqttCredentials } from './mqtt-credentials.ts';

/** The API 3.0 code of each refusal of `/device/register` (Tencent documents none: see the README). */
const CURRENT_CODES: Readonly<Record<RegisterRefusalReason, TencentErrorCode>> = {
  missingField: 'MissingParameter',
  badField: 'InvalidParameterValue',
  badSignature: 'AuthFailure.SignatureFailure',
  expired: 'AuthFailure.SignatureExpire',
  productNotExist: 'ResourceNotFound.ProductNotExist',
  productForbidden: 'UnauthorizedOperation.ProductIsForbidden',
  registrationDisabled: 'UnauthorizedOperation.PermissionDenied',
  deviceNotExist: 'ResourceNotFound.DeviceNotExist',
  limitReached: 'LimitExceeded.DeviceExceedLimit',
  deviceDisabled: 'UnauthorizedOperation.DeviceIsNotEnabled',
};

/** The legacy `{code, message}` code of each refusal: HTTP-status numbers, so they explain themselves. */
const LEGACY_REFUSAL_CODES: Readonly<Record<RegisterRefusalReason, number>> = {
  missingField: LEGACY_CODES.badRequest,
  badField: LEGACY_CODES.badRequest,
  badSignature: LEGACY_CODES.unauthorized,
  expired: LEGACY_CODES.unauthorized,
  productNotExist: LEGACY_CODES.notFound,
  productForbidden: LEGACY_CODES.forbidden,
  registrationDisabled: LEGACY_CODES.forbidden,
  deviceNotExist: LEGACY_CODES.notFound,
  limitReached: LEGACY_CODES.forbidden,
  deviceDisabled: LEGACY_CODES.forbidden,
};

/** Runs a registration, wording its refusal with `refuse`. */
async function registering<T>(work: () => Promise<T>, refuse: (refused: RegisterRefused) => DeviceRefusal): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof RegisterRefused ? refuse(error) : error;
  }
}

/** A body field the device may leave out; when sent, text. */
function optionalField(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  return params[name] === undefined ? undefined : field(params, name);
}

/** A body field the device must send as text (or, for the legacy numbers, as an integer). */
function field(params: Readonly<Record<string, unknown>>, name: string, integer = false): string {
  const value = params[name];
  if (value === undefined || value === '') throw new RegisterRefused('missingField', `The ${name} field is missing.`);
  if (typeof value === 'string' && (!integer || /^\d{1,20}$/.test(value))) return value;
  if (integer && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  throw new RegisterRefused('badField', `The ${name} field must be ${integer ? 'a non-negative integer' : 'a string'}.`);
}

/** The X-TC-* headers; one missing or malformed is a signature refusal naming it. */
function signatureHeaders(call: DeviceCall): RegisterSignatureHeaders {
  try {
    return readRegisterHeaders(call.raw);
  } catch (error) {
    throw error instanceof RegisterHeaderError ? new RegisterRefused('badSignature', error.message) : error;
  }
}

/**
 * IoT Hub dynamic registration, current protocol (IoT Hub docs "Dynamic Registration API
 * Description"): `POST /device/register`, a JSON body `{ProductId, DeviceName}` (and, from a
 * certificate device holding one, `clientCert`) signed in X-TC-* headers with the ProductSecret;
 * the answer `{Response: {Len, Payload, RequestId}}`.
 */
export const dynamicRegisterEndpoint: DeviceEndpoint = {
  path: '/device/register',
  name: 'DynamicRegister',
  product: 'iotcloud',
  envelope: tencentDeviceEnvelope,
  bodyFormat: 'json',
  rateLimit: { perSecond: DEFAULT_DEVICE_RATE_LIMIT },
  handle: (call: DeviceCall) =>
    registering(
      async () => {
        const signed = signatureHeaders(call);
        return registerDevice(call, {
          productId: field(call.params, 'ProductId'),
          deviceName: field(call.params, 'DeviceName'),
          clientCert: optionalField(call.params, 'clientCert'),
          timestamp: signed.timestamp,
          nonce: signed.nonce,
          verify: (secret) => verifyRegisterSignature(signed, call.raw, '/device/register', secret),
        });
      },
      (refused) => tencentDeviceRefusal(CURRENT_CODES[refused.reason], { detail: refused.message }),
    ),
};

/**
 * IoT Hub dynamic registration, legacy protocol (C SDK before 2021-03): `POST /register/dev`, a
 * JSON body (labelled as a form) `{deviceName, nonce, productId, timestamp, signature}`; the
 * answer `{code: 0, message: "", len, payload}`.
 */
export const legacyRegisterEndpoint: DeviceEndpoint = {
  path: '/register/dev',
  name: 'LegacyRegister',
  product: 'iotcloud',
  envelope: tencentLegacyDeviceEnvelope,
  bodyFormat: 'json',
  rateLimit: { perSecond: DEFAULT_DEVICE_RATE_LIMIT },
  handle: (call: DeviceCall) =>
    registering(
      async () => {
        const signed = {
          deviceName: field(call.params, 'deviceName'),
          nonce: field(call.params, 'nonce', true),
          productId: field(call.params, 'productId'),
          timestamp: field(call.params, 'timestamp', true),
        };
        const signature = field(call.params, 'signature');
        const answer = await registerDevice(call, {
          ...signed,
          timestamp: Number(signed.timestamp),
          verify: (secret) => verifyLegacySignature(signed, signature, secret),
        });
        return { len: answer.Len, payload: answer.Payload };
      },
      (refused) => new DeviceRefusal(LEGACY_REFUSAL_CODES[refused.reason], refused.message),
    ),
};

/**
 * MQTT credential check for a broker's HTTP authentication plugin (EMQX `http` authenticator,
 * mosquitto-go-auth `http` backend): `POST /iotcloud/mqtt/auth` with `{clientid, username,
 * password}` as the device sent them in CONNECT; HTTP 200 `{"result":"allow"}` or HTTP 403
 * `{"result":"deny","reason"}`.
 */
export const mqttAuthEndpoint: DeviceEndpoint = {
  path: '/iotcloud/mqtt/auth',
  name: 'MqttAuth',
  product: 'iotcloud',
  envelope: mqttAuthEnvelope,
  bodyFormat: 'json',
  rateLimit: { perSecond: DEFAULT_DEVICE_RATE_LIMIT },
  handle: async (call: DeviceCall) => {
    const text = (name: string): string => {
      const value = call.params[name];
      if (typeof value !== 'string' || value === '') throw new DeviceRefusal('deny', `${name} must be a non-empty string`);
      return value;
    };
    const input = { clientId: text('clientid'), username: text('username'), password: text('password') };
    const verdict = await checkMqttCredentials(call.runtime, input);
    if (!verdict.allowed) throw new DeviceRefusal('deny', verdict.reason);
    await call.authenticated(verdict.productId);
    return {};
  },
};

export const iotcloudDeviceEndpoints: readonly DeviceEndpoint[] = [dynamicRegisterEndpoint, legacyRegisterEndpoint, mqttAuthEndpoint];
