import { parseMqttUsername } from '../../../protocols/tencent-device/index.ts';
import { CONNACK_BAD_CREDENTIALS, CONNACK_NOT_AUTHORIZED, isDeviceTopic, refused, type MqttRealm } from '../../../mqtt/realm.ts';
import { checkMqttCredentials } from './mqtt-credentials.ts';
import { isCurrentLogin, recordDeviceOffline, recordDeviceOnline } from './store/devices.ts';

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
    const { productId, deviceName } = verdict;
    return {
      kind: 'session',
      session: {
        identity: `tencent:${productId}/${deviceName}`,
        mayUse: (topic) => isDeviceTopic(topic, TOPIC_PREFIXES, [productId, deviceName]),
        online: (now) => recordDeviceOnline(ctx.store.db, productId, deviceName, now, connect.remoteAddress ?? null),
        offline: (mark, now) => recordDeviceOffline(ctx.store.db, productId, deviceName, mark, now),
        current: (mark) => isCurrentLogin(ctx.store.db, productId, deviceName, mark),
      },
    };
  },
};
