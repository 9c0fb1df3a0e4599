import { randomBytes } from 'node:crypto';
import { parseMqttCredentials, verifyMqttPassword, verifyRegistrationSign, type MqttDeviceCredentials } from '../../../protocols/alibaba-device/index.ts';
import { safeEqual } from '../../../protocols/digest.ts';
import { CONNACK_BAD_CREDENTIALS, CONNACK_NOT_AUTHORIZED, isDeviceTopic, refused, standingOf, type MqttAdmission, type MqttConnect, type MqttRealm, type MqttRealmContext } from '../../../mqtt/realm.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { newDeviceSecret } from './ids.ts';
import { DYNREG_REPLAY_WINDOW_SECONDS, MAX_RANDOM_LENGTH } from './device-endpoints.ts';
import { isDeviceName } from './rules.ts';
import { findDeviceByKey, openDeviceSecret, registerDevice, type DeviceRow } from './store/devices.ts';
import { openProductSecret } from './store/products.ts';
import { findClientToken, MAX_CLIENT_IDS_PER_DEVICE, recordClientId } from './store/client-ids.ts';
import { findLoginStandings, findRegistrationTarget, recordDeviceOffline, recordDeviceOnline, replaceSecretBeforeActivation, type RegistrationTarget } from './store/registration.ts';

type Ctx = MqttRealmContext;

/** The topic prefixes before `<productKey>/<deviceName>` of a device's own topics (custom, system, shadow, NTP, OTA). */
const TOPIC_PREFIXES = [
  '/',
  '/sys/',
  '/ext/session/',
  '/ext/ntp/',
  '/shadow/get/',
  '/shadow/update/',
  ...['upgrade', 'inform', 'progress', 'request'].map((kind) => `/ota/device/${kind}/`),
];

const badCredentials = (reason: string): MqttAdmission => refused(CONNACK_BAD_CREDENTIALS, reason);
const notAuthorized = (reason: string): MqttAdmission => refused(CONNACK_NOT_AUTHORIZED, reason);

/** What a device logged in with: its DeviceSecret, or a ClientId and its token (connwl); sealed, as stored. */
type LoginCredential = readonly ['secret', string] | readonly ['client', string, string];

/** A device that passed: online while it holds the connection (its first connect activates it), until its credential is revoked or changed. */
function deviceSession(ctx: Ctx, device: Pick<DeviceRow, 'iot_id' | 'product_key' | 'device_name'>, credential: LoginCredential): MqttAdmission {
  return {
    kind: 'session',
    session: {
      identity: `alibaba:${device.iot_id}`,
      mayUse: (topic) => isDeviceTopic(topic, TOPIC_PREFIXES, [device.product_key, device.device_name]),
      online: (login, now) => recordDeviceOnline(ctx.store.db, device.iot_id, login, now),
      offline: (login) => recordDeviceOffline(ctx.store.db, device.iot_id, login),
      standing: (login) => standingOf(login, 'ONLINE', ...credential),
    },
  };
}

/** DeviceSecret login (PROTOCOL 5.3), or a ClientId + device token login after `regnwl` (authType=connwl). */
async function login(ctx: Ctx, credentials: MqttDeviceCredentials, password: string): Promise<MqttAdmission> {
  const device = await findDeviceByKey(ctx.store.db, credentials.productKey, credentials.deviceName);
  // No such device and a wrong secret look alike, so a login reveals nothing about names.
  if (!device) return badCredentials('no such device or a wrong password');
  let credential: LoginCredential;
  if (credentials.authType === 'connwl') {
    const issued = await findClientToken(ctx.store.db, ctx.secrets, device.iot_id, credentials.clientId);
    if (!issued || password === '' || !safeEqual(issued.token, password)) return badCredentials('no such ClientId or a wrong device token');
    credential = ['client', credentials.clientId, issued.sealed];
  } else {
    if (!verifyMqttPassword(credentials, openDeviceSecret(ctx.secrets, device), password)) return badCredentials('no such device or a wrong password');
    credential = ['secret', device.secret_sealed];
  }
  if (device.status === 'DISABLE') return notAuthorized('the device is disabled');
  return deviceSession(ctx, device, credential);
}

/**
 * MQTT dynamic registration (PROTOCOL 5.2): signed with the ProductSecret over deviceName,
 * productKey and random. `register` gives a pre-registered, not yet activated device a new
 * DeviceSecret (as HTTPS registration does); `regnwl` issues a ClientId and device token,
 * creating the device on its first registration. The answer is published, then the connection
 * ends. TLS only, as the clouds document.
 */
async function registration(ctx: Ctx, credentials: MqttDeviceCredentials, password: string, tls: boolean): Promise<MqttAdmission> {
  // The answer carries a secret: the clouds hand it out over TLS only.
  if (!tls) return notAuthorized('MQTT dynamic registration is TLS only (securemode=2 or -2): connect to the TLS port');
  const { productKey, deviceName, random, signMethod } = credentials;
  if (random === undefined || random === '') return badCredentials('random is required for dynamic registration');
  const target = await findRegistrationTarget(ctx.store.db, productKey, deviceName);
  if (!target || !verifyRegistrationSign({ productKey, deviceName, random, signMethod, sign: password }, openProductSecret(ctx.secrets, target))) {
    return badCredentials('no such product or a wrong sign');
  }
  // As over HTTPS: one (productKey, deviceName, random) registers once, so a captured CONNECT cannot be replayed.
  if (random.length > MAX_RANDOM_LENGTH) return badCredentials(`random must be at most ${MAX_RANDOM_LENGTH} characters`);
  if (!(await ctx.replayGuard.claim(`mqtt-register:${productKey}:${deviceName}:${random}`, DYNREG_REPLAY_WINDOW_SECONDS))) return badCredentials('random already used');
  if (target.dynamic_registration !== 1) return notAuthorized('dynamic registration is off for this product');
  // A device that has activated keeps its credentials: neither way of registering takes it over (ResetThing lets it register again).
  if (target.activated_at !== null) return notAuthorized('the device has already activated; ResetThing lets it register again');
  const now = ctx.now();
  if (credentials.authType === 'register') {
    if (target.iot_id === null) return notAuthorized('the device is not registered (authType=register needs a pre-registered device)');
    const secret = newDeviceSecret();
    const replaced = target.activated_at === null && (await replaceSecretBeforeActivation(ctx.store.db, ctx.secrets, { accountId: target.account_id, iotId: target.iot_id }, secret, now));
    if (!replaced) return notAuthorized('the device has already activated; ResetThing lets it register again');
    return { kind: 'reply', reply: { topic: '/ext/register', payload: JSON.stringify({ productKey, deviceName, deviceSecret: secret }) } };
  }
  if (!isDeviceName(deviceName)) return notAuthorized('the DeviceName must be 4-32 of letters, digits and - _ @ . :');
  const iotId = target.iot_id ?? (await createDevice(ctx, target, deviceName, now));
  if (iotId === undefined) return notAuthorized('the product cannot take another device');
  const issued = { clientId: `${productKey}.${deviceName}.${randomBytes(8).toString('hex')}`, deviceToken: randomBytes(16).toString('hex') };
  try {
    await recordClientId(ctx.store.db, ctx.secrets, { accountId: target.account_id, iotId }, issued, now);
  } catch (error) {
    if (!(error instanceof StoreRefusal)) throw error;
    return notAuthorized(error.reason === 'client-id-limit' ? `the device holds its ${MAX_CLIENT_IDS_PER_DEVICE} ClientIds; DeleteClientIds frees them` : 'the device was deleted meanwhile');
  }
  return { kind: 'reply', reply: { topic: '/ext/regnwl', payload: JSON.stringify({ productKey, deviceName, ...issued }) } };
}

/** Registration-free: the first registration of a name adds the device; undefined when the product is full or gone. */
async function createDevice(ctx: Ctx, target: RegistrationTarget, deviceName: string, now: number): Promise<string | undefined> {
  try {
    const row = await registerDevice(ctx.store.db, ctx.secrets, target.account_id, target.product_key, { deviceName, secret: newDeviceSecret(), nickname: null }, now);
    return row.iot_id;
  } catch (error) {
    if (!(error instanceof StoreRefusal)) throw error;
    // A concurrent registration of the same name created it first.
    if (error.reason === 'name-taken') return (await findDeviceByKey(ctx.store.db, target.product_key, deviceName))?.iot_id;
    return undefined;
  }
}

/** Alibaba IoT Platform devices: username `deviceName&productKey`, the ClientId's options saying how they authenticate. */
export const iotMqttRealm: MqttRealm = {
  name: 'alibaba.iot',
  // PROTOCOL 5.3; registration connections are not held to it (the cloud does not check theirs).
  keepaliveSeconds: [30, 1200],
  claims: (connect: MqttConnect) => connect.username.includes('&'),
  async admit(ctx, connect) {
    const credentials = parseMqttCredentials(connect.clientId, connect.username);
    if (credentials === 'username') return badCredentials('the username is not deviceName&productKey');
    if (credentials === 'clientId') return badCredentials('the ClientId is not <clientId>|<options>|');
    if (credentials === 'signMethod') return badCredentials('signmethod must be hmacmd5, hmacsha1 or hmacsha256');
    if (credentials.authType === 'register' || credentials.authType === 'regnwl') return registration(ctx, credentials, connect.password, connect.tls);
    if (credentials.authType !== undefined && credentials.authType !== 'connwl') return badCredentials(`unknown authType ${credentials.authType}`);
    return login(ctx, credentials, connect.password);
  },
  async standings(ctx, logins) {
    const standings = new Set<string>();
    for (const row of await findLoginStandings(ctx.store.db, logins)) {
      standings.add(standingOf(row.mqtt_login, row.status, 'secret', row.secret_sealed));
      if (row.client_id !== null) standings.add(standingOf(row.mqtt_login, row.status, 'client', row.client_id, row.token_sealed));
    }
    return standings;
  },
};
