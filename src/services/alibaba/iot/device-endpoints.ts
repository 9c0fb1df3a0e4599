import { DEFAULT_DEVICE_RATE_LIMIT, stringField, type DeviceCall, type DeviceEndpoint } from '../../../device/device-endpoint.ts';
import { alibabaDeviceEnvelope, alibabaDeviceRefusal } from '../../../device/alibaba-envelope.ts';
import { parseDeviceSignMethod, verifyRegistrationSign, type DeviceSignMethod } from '../../../protocols/alibaba-device/index.ts';
import { isDeviceName, isProductKey } from './rules.ts';
import { newDeviceSecret } from './ids.ts';
import { openProductSecret } from './store/products.ts';
import { findRegistrationTarget, replaceSecretBeforeActivation } from './store/registration.ts';

/**
 * How long a (productKey, deviceName, random) is remembered: the request carries no time, so the
 * window only bounds what is kept. iotkit-embedded 3.x always sends the same random, so such a
 * device can register once per window.
 */
export const DYNREG_REPLAY_WINDOW_SECONDS = 15 * 60;

/** Longest `random` accepted: the SDKs send up to 15 characters; the replay guard keeps each one. */
export const MAX_RANDOM_LENGTH = 64;

interface RegistrationRequest {
  readonly productKey: string;
  readonly deviceName: string;
  readonly random: string;
  readonly sign: string;
  readonly signMethod: DeviceSignMethod;
}

/** The five form fields, or the documented refusal for the first one that is missing or malformed. */
function readRequest(params: Readonly<Record<string, unknown>>): RegistrationRequest {
  const field = (name: string): string => {
    const value = stringField(params, name);
    if (value === undefined || value === '') throw alibabaDeviceRefusal(460, `${name} is required`);
    return value;
  };
  const productKey = field('productKey');
  const deviceName = field('deviceName');
  const random = field('random');
  const sign = field('sign');
  const signMethod = parseDeviceSignMethod(field('signMethod'));
  if (!signMethod) throw alibabaDeviceRefusal(460, 'signMethod must be hmacmd5, hmacsha1 or hmacsha256');
  if (random.length > MAX_RANDOM_LENGTH) throw alibabaDeviceRefusal(460, `random must be at most ${MAX_RANDOM_LENGTH} characters`);
  if (!isProductKey(productKey)) throw alibabaDeviceRefusal(6250);
  if (!isDeviceName(deviceName)) throw alibabaDeviceRefusal(6280, '4-32 of letters, digits and - _ @ . :');
  return { productKey, deviceName, random, sign, signMethod };
}

/**
 * Pre-registration: the product's secret signs, the product has dynamic registration on, the
 * device exists and has not activated. Each such call issues a new DeviceSecret (the last one
 * wins); an activated device is refused until ResetThing. The device is looked up within the
 * product's own account, so one tenant's ProductSecret reaches only its own devices.
 */
async function register(call: DeviceCall): Promise<Readonly<Record<string, unknown>>> {
  const request = readRequest(call.params);
  const { store, secrets } = call.runtime;
  const target = await findRegistrationTarget(store.db, request.productKey, request.deviceName);
  if (!target) throw alibabaDeviceRefusal(6250);
  if (!verifyRegistrationSign(request, openProductSecret(secrets, target))) throw alibabaDeviceRefusal(401, 'sign does not match');
  await call.authenticated(request.productKey);
  await call.claimOnce(`${request.productKey}:${request.deviceName}:${request.random}`, DYNREG_REPLAY_WINDOW_SECONDS);
  if (target.dynamic_registration !== 1) throw alibabaDeviceRefusal(401, 'dynamic registration is off for this product');
  if (target.iot_id === null) throw alibabaDeviceRefusal(6100);
  if (target.activated_at !== null) throw alibabaDeviceRefusal(401, 'the device has already activated; ResetThing lets it register again');
  const secret = newDeviceSecret();
  const replaced = await replaceSecretBeforeActivation(store.db, secrets, { accountId: target.account_id, iotId: target.iot_id }, secret, call.runtime.now());
  // Activated or deleted between the read and the write.
  if (!replaced) throw alibabaDeviceRefusal(401, 'the device has already activated or no longer exists');
  return { productKey: request.productKey, deviceName: request.deviceName, deviceSecret: secret };
}

/**
 * HTTPS dynamic registration (Alibaba IoT Platform docs, "Dynamic registration over HTTPS";
 * PROTOCOL 5.1): `POST /auth/register/device` with form fields productKey, deviceName, random,
 * sign, signMethod. The product's budget is charged once the sign checks out.
 */
export const registerDeviceEndpoint: DeviceEndpoint = {
  path: '/auth/register/device',
  name: 'DynamicRegister',
  product: 'iot',
  envelope: alibabaDeviceEnvelope,
  bodyFormat: 'form',
  rateLimit: { perSecond: DEFAULT_DEVICE_RATE_LIMIT },
  handle: register,
};

export const iotDeviceEndpoints: readonly DeviceEndpoint[] = [registerDeviceEndpoint];
