import { createHmac } from 'node:crypto';
import { safeEqual } from '../digest.ts';

/**
 * IoT Hub MQTT credentials (PROTOCOL.md §4.4; C SDK mqtt_client_connect.c): ClientId =
 * ProductId + DeviceName; username `<ClientId>;<sdkappid>;<connid>;<expiry>`; password =
 * lower-case hex HMAC (SHA-1 or SHA-256) keyed with the Base64-decoded psk over the username,
 * followed by `;hmacsha1` or `;hmacsha256`. Pure: the caller finds the device and its psk.
 */

export interface MqttUsername {
  readonly clientId: string;
  readonly sdkAppId: string;
  readonly connId: string;
  /** Unix seconds until which the password is valid. */
  readonly expiry: number;
}

/** The username's four fields, or undefined when it is not of that shape. */
export function parseMqttUsername(username: string): MqttUsername | undefined {
  const parts = username.split(';');
  if (parts.length !== 4) return undefined;
  const [clientId, sdkAppId, connId, expiry] = parts as [string, string, string, string];
  // The C SDK writes LONG_MAX when it does not know the time: any digit string is an expiry.
  if (clientId === '' || !/^\d{1,20}$/.test(expiry)) return undefined;
  return { clientId, sdkAppId, connId, expiry: Number(expiry) };
}

export type MqttDenial = 'malformedUsername' | 'clientIdMismatch' | 'expired' | 'badPassword';

/**
 * Checks a CONNECT's username and password for the device whose ClientId is `clientId` and psk
 * is `psk` (Base64). `nowSeconds` is the business clock. Returns undefined when allowed.
 */
export function checkMqttPassword(input: { clientId: string; username: string; password: string }, psk: string, nowSeconds: number): MqttDenial | undefined {
  const username = parseMqttUsername(input.username);
  if (!username) return 'malformedUsername';
  if (username.clientId !== input.clientId) return 'clientIdMismatch';
  if (username.expiry < nowSeconds) return 'expired';
  const separator = input.password.lastIndexOf(';');
  const method = input.password.slice(separator + 1);
  const hash = method === 'hmacsha256' ? 'sha256' : method === 'hmacsha1' ? 'sha1' : undefined;
  if (separator < 0 || !hash) return 'badPassword';
  const expected = createHmac(hash, Buffer.from(psk, 'base64')).update(input.username, 'utf8').digest('hex');
  return safeEqual(expected, input.password.slice(0, separator)) ? undefined : 'badPassword';
}
