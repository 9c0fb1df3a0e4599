import { parseMqttUsername } from '../../../protocols/tencent-device/index.ts';
import { CONNACK_BAD_CREDENTIALS, CONNACK_NOT_AUTHORIZED, isDeviceTopic, refused, standingOf, type MqttRealm } from '../../../mqtt/realm.ts';
import { checkMqttCredentials } from './mqtt-credentials.ts';
import { findLoginStandings, recordDeviceOffline, recordDeviceOnline } from './store/devices.ts';

/**
 * The topics of a device `<ProductId>/<DeviceName>` (IoT Hub docs, "Topic management"): its
 * custom topics `<ProductId>/<DeviceName>/…` and the system ones whose path names it.
 */
const TOPIC_PREFIXES = [
  '',
  ...['property', 'event', 'action', 'service'].flatMap((kind) => [`$thing/up/${kind}/`, `$thing/down/${kind}/`]),
  ...['$shadow', '$sys', '$log', '$gateway'].flatMap((name) => [`${name}/operation/`, `${name}/operation/result/`]),
  '$log/report/',
  '$ota/report/',
  '$ota/update/',
  '$rrpc/txd/',
  '$rrpc/rxd/',
  '$broadcast/rxd/',
];

/**
 * IoT Hub devices with a key (PROTOCOL.md §4.4): ClientId ProductId+DeviceName, username
 * `<ClientId>;<sdkappid>;<connid>;<expiry>`, password the HMAC of the username with the psk.
 * Certificate devices (mutual TLS) are not served.
 */
export const iotcloudMqttRealm: MqttRealm = {
  name: 'tencent.iotcloud',
  claims: (connect) => parseMqttUsername(connect.username) !== undefined,
  async admit(ctx, connect) {
    const verdict = await checkMqttCredentials(ctx, connect);
    if (!verdict.allowed) return refused(verdict.refusal === 'access' ? CONNACK_NOT_AUTHORIZED : CONNACK_BAD_CREDENTIALS, verdict.reason);
    const { productId, deviceName, pskSealed } = verdict;
    return {
      kind: 'session',
      session: {
        identity: `tencent:${productId}/${deviceName}`,
        mayUse: (topic) => isDeviceTopic(topic, TOPIC_PREFIXES, [productId, deviceName]),
        online: (login, now) => recordDeviceOnline(ctx.store.db, productId, deviceName, login, now, connect.remoteAddress ?? null),
        offline: (login, now) => recordDeviceOffline(ctx.store.db, productId, deviceName, login, now),
        // Enabled, of a product not forbidden, with the key it connected with.
        standing: (login) => standingOf(login, 1, 0, pskSealed),
      },
    };
  },
  async standings(ctx, logins) {
    const rows = await findLoginStandings(ctx.store.db, logins);
    return new Set(rows.map((row) => standingOf(row.mqtt_login, row.enable_state, row.forbidden, row.psk_sealed)));
  },
};
