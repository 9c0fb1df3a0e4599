import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deviceSignContent, parseDeviceSignMethod, parseMqttCredentials, verifyMqttPassword, verifyRegistrationSign, type DeviceSignMethod } from '../../../src/protocols/alibaba-device/index.ts';
import { deviceSign, deviceSignMethod } from '../../support/alibaba-device-signer.ts';
import { alibabaVectors } from '../../support/alibaba-vectors.ts';

const vectors = alibabaVectors;

describe('HTTPS dynamic-registration sign (PROTOCOL 5.1), server side', () => {
  for (const v of vectors.dynamic_registration_https.vectors) {
    const request = (sign: string, signMethod = v.signMethod) => ({
      productKey: v.productKey,
      deviceName: v.deviceName,
      random: v.random,
      sign,
      signMethod: parseDeviceSignMethod(signMethod)!,
    });
    it(`${v.signMethod}: the vector verifies in lower and upper case hex, with the method in any case`, () => {
      expect(deviceSignContent({ productKey: v.productKey, random: v.random, deviceName: v.deviceName })).toBe(v.stringToSign);
      expect(verifyRegistrationSign(request(v.sign_lower), v.productSecret)).toBe(true);
      expect(verifyRegistrationSign(request(v.sign_upper, v.signMethod.toUpperCase()), v.productSecret)).toBe(true);
      expect(verifyRegistrationSign(request(v.sign_lower), `${v.productSecret}x`)).toBe(false);
      expect(verifyRegistrationSign({ ...request(v.sign_lower), random: `${v.random}x` }, v.productSecret)).toBe(false);
      expect(verifyRegistrationSign(request(v.sign_lower.slice(0, -1)), v.productSecret)).toBe(false);
    });
  }

  it('knows exactly the documented methods, case-insensitively (the doc example writes HmacMD5)', () => {
    expect(parseDeviceSignMethod('HmacMD5')).toBe('hmacmd5');
    expect(parseDeviceSignMethod('HMACSHA256')).toBe('hmacsha256');
    for (const name of ['sha256', 'hmac_md5', 'hmacsha512', 'toString', '']) expect(parseDeviceSignMethod(name), name).toBeUndefined();
  });

  it('agrees with the test client for any fields: its sign verifies, any other key does not', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(text, text, text, text, fc.constantFrom<DeviceSignMethod>('hmacmd5', 'hmacsha1', 'hmacsha256'), (productKey, deviceName, random, secret, method) => {
        const sign = deviceSign(deviceSignMethod(method), secret, { productKey, deviceName, random });
        const request = { productKey, deviceName, random, sign, signMethod: method };
        expect(verifyRegistrationSign(request, secret)).toBe(true);
        expect(verifyRegistrationSign({ ...request, sign: sign.toUpperCase() }, secret)).toBe(true);
        expect(verifyRegistrationSign(request, `${secret}!`)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('MQTT password (PROTOCOL 5.3), for the MQTT side', () => {
  for (const v of vectors.mqtt_password.vectors) {
    it(`${v.mqttClientId} / ${v.mqttUsername}`, () => {
      const credentials = parseMqttCredentials(v.mqttClientId, v.mqttUsername);
      if (typeof credentials === 'string') throw new Error(credentials);
      expect(credentials).toMatchObject({ clientId: v.clientId, deviceName: v.deviceName, productKey: v.productKey, signMethod: v.signmethod, timestamp: v.timestamp ?? undefined });
      expect(verifyMqttPassword(credentials, v.deviceSecret, v.password)).toBe(true);
      expect(verifyMqttPassword(credentials, v.deviceSecret, v.password.toLowerCase())).toBe(true);
      expect(verifyMqttPassword(credentials, `${v.deviceSecret}x`, v.password)).toBe(false);
      // Unsigned options (v, a, lan, _v, securemode) change nothing; the timestamp is signed.
      const moved = parseMqttCredentials(v.mqttClientId.replace(/\|$/, ',lan=EN|'), v.mqttUsername);
      expect(typeof moved !== 'string' && verifyMqttPassword(moved, v.deviceSecret, v.password)).toBe(true);
      if (v.timestamp !== null) expect(verifyMqttPassword({ ...credentials, timestamp: `${v.timestamp}1` }, v.deviceSecret, v.password)).toBe(false);
    });
  }

  it('defaults to hmacmd5 and refuses what cannot be a DeviceSecret login', () => {
    expect(parseMqttCredentials('dev1', 'd&pk')).toMatchObject({ clientId: 'dev1', signMethod: 'hmacmd5', timestamp: undefined, secureMode: undefined });
    expect(parseMqttCredentials('|securemode=3|', 'd&pk')).toBe('clientId');
    expect(parseMqttCredentials(`${'c'.repeat(65)}|securemode=3|`, 'd&pk')).toBe('clientId');
    expect(parseMqttCredentials('c|securemode=3', 'd&pk')).toBe('clientId');
    expect(parseMqttCredentials('c|securemode|', 'd&pk')).toBe('clientId');
    expect(parseMqttCredentials('c|signmethod=sha512|', 'd&pk')).toBe('signMethod');
    for (const username of ['dpk', '&pk', 'd&']) expect(parseMqttCredentials('c', username), username).toBe('username');
  });
});
