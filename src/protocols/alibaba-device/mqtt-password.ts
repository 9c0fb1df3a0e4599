import { parseDeviceSignMethod, verifyDeviceSign, type DeviceSignMethod } from './sign.ts';

/** What an MQTT CONNECT of a device authenticating with its DeviceSecret says about itself. */
export interface MqttDeviceCredentials {
  /** The client id before the first `|` (a MAC, SN, `<pk>.<dn>`, `<pk>&<dn>`, …). */
  readonly clientId: string;
  readonly productKey: string;
  readonly deviceName: string;
  readonly signMethod: DeviceSignMethod;
  /** The securemode option as sent (2 TLS, 3 TCP, …); the transport decides whether it fits. */
  readonly secureMode: string | undefined;
  /** Signed when present. */
  readonly timestamp: string | undefined;
  /**
   * MQTT dynamic registration (PROTOCOL 5.2): `register` or `regnwl`, signed with the
   * ProductSecret over deviceName, productKey and `random`; `connwl` for a ClientId and device
   * token issued by `regnwl`. Undefined for a DeviceSecret login.
   */
  readonly authType: string | undefined;
  readonly random: string | undefined;
}

/** Why a CONNECT's client id or user name cannot be a DeviceSecret login. */
export type MqttCredentialsFault = 'clientId' | 'username' | 'signMethod';

const DEFAULT_SIGN_METHOD: DeviceSignMethod = 'hmacmd5';
const MAX_CLIENT_ID = 64;

/**
 * Reads `<clientId>|securemode=3,signmethod=hmacsha1,timestamp=…|` and `<deviceName>&<productKey>`
 * (PROTOCOL 5.3). Options other than signmethod and timestamp (v, a, lan, _v, …) are not signed
 * and ignored; signmethod defaults to hmacmd5. PROTOCOL 5.3 also lists a plain `sha256` method
 * without saying what it hashes, so it is refused ('signMethod') rather than guessed.
 */
export function parseMqttCredentials(mqttClientId: string, username: string): MqttDeviceCredentials | MqttCredentialsFault {
  const bar = mqttClientId.indexOf('|');
  const clientId = bar < 0 ? mqttClientId : mqttClientId.slice(0, bar);
  if (clientId === '' || clientId.length > MAX_CLIENT_ID) return 'clientId';
  let options = '';
  if (bar >= 0) {
    if (!mqttClientId.endsWith('|') || mqttClientId.length === bar + 1) return 'clientId';
    options = mqttClientId.slice(bar + 1, -1);
  }
  const values = new Map<string, string>();
  for (const option of options === '' ? [] : options.split(',')) {
    const eq = option.indexOf('=');
    if (eq <= 0) return 'clientId';
    values.set(option.slice(0, eq), option.slice(eq + 1));
  }
  const amp = username.indexOf('&');
  if (amp <= 0 || amp === username.length - 1) return 'username';
  const signName = values.get('signmethod');
  const signMethod = signName === undefined ? DEFAULT_SIGN_METHOD : parseDeviceSignMethod(signName);
  if (!signMethod) return 'signMethod';
  return {
    clientId,
    deviceName: username.slice(0, amp),
    productKey: username.slice(amp + 1),
    signMethod,
    secureMode: values.get('securemode'),
    timestamp: values.get('timestamp'),
    authType: values.get('authType'),
    random: values.get('random'),
  };
}

/** Whether `password` is the device's HMAC over clientId, deviceName, productKey (and timestamp when sent). */
export function verifyMqttPassword(credentials: MqttDeviceCredentials, deviceSecret: string, password: string): boolean {
  const fields: Record<string, string> = { clientId: credentials.clientId, deviceName: credentials.deviceName, productKey: credentials.productKey };
  if (credentials.timestamp !== undefined) fields.timestamp = credentials.timestamp;
  return verifyDeviceSign(credentials.signMethod, deviceSecret, fields, password);
}
