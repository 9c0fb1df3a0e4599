import { describe, expect, it } from 'vitest';
import { deviceSign, deviceSignContent, deviceSignMethod as method } from './alibaba-device-signer.ts';
import { alibabaVectors } from './alibaba-vectors.ts';

const vectors = alibabaVectors;

describe('HTTPS dynamic-registration sign (unique-certificate-per-product doc)', () => {
  for (const v of vectors.dynamic_registration_https.vectors) {
    it(`${v.signMethod}: key ProductSecret over deviceName…productKey…random…, the vector's hex in either case`, () => {
      const fields = { productKey: v.productKey, deviceName: v.deviceName, random: v.random };
      expect(deviceSignContent(fields)).toBe(v.stringToSign);
      expect(deviceSign(method(v.signMethod), v.productSecret, fields)).toBe(v.sign_lower);
      expect(deviceSign(method(v.signMethod), v.productSecret, fields)).toBe(v.sign_upper.toLowerCase());
      expect(deviceSign(method(v.signMethod), v.productSecret, { ...fields, random: `${v.random}x` })).not.toBe(v.sign_lower);
    });
  }

  it('knows only the documented methods', () => {
    expect(() => method('sha256')).toThrow('unknown device sign method sha256');
  });
});

describe('MQTT password and MQTT dynamic registration (MQTT connection docs)', () => {
  for (const v of vectors.mqtt_password.vectors) {
    it(`${v.signmethod}, clientId ${v.clientId}${v.timestamp === null ? ', no timestamp' : ''}`, () => {
      const fields: Record<string, string> = { clientId: v.clientId, deviceName: v.deviceName, productKey: v.productKey };
      if (v.timestamp !== null) fields.timestamp = v.timestamp;
      expect(deviceSignContent(fields)).toBe(v.stringToSign);
      expect(deviceSign(method(v.signmethod), v.deviceSecret, fields)).toBe(v.password.toLowerCase());
    });
  }

  for (const v of vectors.mqtt_dynamic_registration.vectors) {
    it(`dynamic registration over MQTT uses the HTTPS sign (${v.signmethod})`, () => {
      const fields = { productKey: v.productKey, deviceName: v.deviceName, random: v.random };
      expect(deviceSignContent(fields)).toBe(v.stringToSign);
      expect(deviceSign(method(v.signmethod), v.productSecret, fields)).toBe(v.password.toLowerCase());
    });
  }
});
