import { describe, expect, it } from 'vitest';
import { deviceSign, deviceSignContent, parseDeviceSignMethod, verifyDeviceSign } from '../../../src/protocols/alibaba/index.ts';
import type { DeviceSignMethod } from '../../../src/protocols/alibaba/index.ts';
import { readReference } from './fixtures.ts';

interface DynregVector {
  productKey: string;
  deviceName: string;
  productSecret: string;
  random: string;
  signMethod: string;
  stringToSign: string;
  sign_lower: string;
  sign_upper: string;
}
interface MqttVector {
  clientId: string;
  deviceName: string;
  productKey: string;
  timestamp: string | null;
  signmethod: string;
  deviceSecret: string;
  stringToSign: string;
  password: string;
}
interface MqttDynregVector {
  productKey: string;
  deviceName: string;
  productSecret: string;
  random: string;
  signmethod: string;
  stringToSign: string;
  password: string;
}
interface Vectors {
  dynamic_registration_https: { vectors: DynregVector[] };
  mqtt_password: { vectors: MqttVector[] };
  mqtt_dynamic_registration: { vectors: MqttDynregVector[] };
}
const vectors = readReference<Vectors>('test-vectors.json');

const method = (s: string): DeviceSignMethod => {
  const m = parseDeviceSignMethod(s);
  if (m === undefined) throw new Error(`unknown method ${s}`);
  return m;
};

describe('HTTPS dynamic-registration sign (unique-certificate-per-product doc)', () => {
  for (const v of vectors.dynamic_registration_https.vectors) {
    it(`${v.signMethod}: key ProductSecret over deviceName…productKey…random…, hex in either case`, () => {
      const fields = { productKey: v.productKey, deviceName: v.deviceName, random: v.random };
      expect(deviceSignContent(fields)).toBe(v.stringToSign);
      expect(deviceSign(method(v.signMethod), v.productSecret, fields)).toBe(v.sign_lower);
      expect(verifyDeviceSign(method(v.signMethod), v.productSecret, fields, v.sign_upper)).toBe(true);
      expect(verifyDeviceSign(method(v.signMethod), v.productSecret, { ...fields, random: `${v.random}x` }, v.sign_lower)).toBe(false);
    });
  }

  it('reads signMethod case-insensitively, with or without _ (HmacMD5, hmac_md5, HMACSHA256)', () => {
    expect(['HmacMD5', 'hmac_md5', 'HMACSHA256', 'hmacsha1'].map(parseDeviceSignMethod)).toEqual(['hmacmd5', 'hmacmd5', 'hmacsha256', 'hmacsha1']);
    expect(parseDeviceSignMethod('sha256')).toBeUndefined();
  });
});

describe('MQTT password and MQTT dynamic registration (MQTT connection docs)', () => {
  for (const v of vectors.mqtt_password.vectors) {
    it(`${v.signmethod}, clientId ${v.clientId}${v.timestamp === null ? ', no timestamp' : ''}`, () => {
      const fields: Record<string, string> = { clientId: v.clientId, deviceName: v.deviceName, productKey: v.productKey };
      if (v.timestamp !== null) fields.timestamp = v.timestamp;
      expect(deviceSignContent(fields)).toBe(v.stringToSign);
      expect(verifyDeviceSign(method(v.signmethod), v.deviceSecret, fields, v.password)).toBe(true);
      expect(deviceSign(method(v.signmethod), v.deviceSecret, fields)).toBe(v.password.toLowerCase());
    });
  }

  for (const v of vectors.mqtt_dynamic_registration.vectors) {
    it(`dynamic registration over MQTT uses the HTTPS sign (${v.signmethod})`, () => {
      const fields = { productKey: v.productKey, deviceName: v.deviceName, random: v.random };
      expect(deviceSignContent(fields)).toBe(v.stringToSign);
      expect(verifyDeviceSign(method(v.signmethod), v.productSecret, fields, v.password)).toBe(true);
    });
  }
});
