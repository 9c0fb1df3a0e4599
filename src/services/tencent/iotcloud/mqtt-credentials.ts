import type { EmulatorClock } from '../../../emulator/clock.ts';
import type { AppContext } from '../../../core/app-context.ts';
import { checkMqttPassword, type MqttDenial } from '../../../protocols/tencent-device/index.ts';
import { findDevice, openDevicePsk } from './store/devices.ts';
import { findProductForDevice } from './store/products.ts';

/** What a broker received in a device's CONNECT. */
export interface MqttCredentials {
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
}

/**
 * `credentials`: no such device or a wrong password (a broker answers "bad user name or
 * password"); `access`: genuine credentials of a forbidden product or disabled device ("not authorized").
 */
export type MqttVerdict =
  | { readonly allowed: true; readonly productId: string; readonly deviceName: string; readonly pskSealed: string }
  | { readonly allowed: false; readonly reason: string; readonly refusal: 'credentials' | 'access' };

/** ProductIds are 10 characters, so a ClientId (ProductId + DeviceName, no separator) splits there. */
const PRODUCT_ID_LENGTH = 10;

const PASSWORD_DENIALS: Readonly<Record<MqttDenial, string>> = {
  malformedUsername: 'the username is not <ClientId>;<sdkappid>;<connid>;<expiry>',
  clientIdMismatch: 'the username names another ClientId',
  expired: 'the username has expired',
  badPassword: 'the password does not match the device key',
};

/**
 * Whether an IoT Hub device may connect with these MQTT credentials (PROTOCOL.md §4.4): its
 * product exists and is not forbidden, the device exists, is enabled and has a key (certificate
 * devices authenticate with TLS, not a password), the username has not expired (on the clock
 * signatures are judged by: real time unless the emulator clock is told to move it too), and
 * the password is the HMAC of the username with the device's psk. For the HTTP check endpoint
 * and the MQTT broker (issue 16) alike.
 */
export async function checkMqttCredentials(
  ctx: Pick<AppContext, 'store' | 'secrets'> & { readonly clock: Pick<EmulatorClock, 'signatureNow'> },
  input: MqttCredentials,
): Promise<MqttVerdict> {
  const productId = input.clientId.slice(0, PRODUCT_ID_LENGTH);
  const deviceName = input.clientId.slice(PRODUCT_ID_LENGTH);
  const deny = (reason: string, refusal: 'credentials' | 'access' = 'credentials'): MqttVerdict => ({ allowed: false, reason, refusal });
  if (deviceName === '') return deny('the ClientId is not ProductId + DeviceName');
  const product = await findProductForDevice(ctx.store.db, productId);
  if (!product) return deny('no such device');
  const device = await findDevice(ctx.store.db, product.account_id, productId, deviceName);
  if (!device) return deny('no such device');
  const psk = openDevicePsk(ctx.secrets, device);
  if (psk === undefined) return deny('certificate devices authenticate with their TLS client certificate');
  const denial = checkMqttPassword(input, psk, Math.floor(ctx.clock.signatureNow() / 1000));
  if (denial) return deny(PASSWORD_DENIALS[denial]);
  // Checked only for a genuine device, so the answer tells a stranger nothing about the product.
  if (product.forbidden === 1) return deny('the product is forbidden', 'access');
  if (device.enable_state !== 1) return deny('the device is disabled', 'access');
  return { allowed: true, productId, deviceName, pskSealed: device.psk_sealed! };
}
