import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { decryptPayload, mqttPassword, registerSignature, registerStringToSign, type DeviceHmac } from './tencent-device-client.ts';
import { readReference } from './reference.ts';

interface PayloadVector {
  productSecret: string;
  aesKey: string;
  iv: string;
  plaintext: string;
  Len: number;
  payloadBase64: string;
}
interface SignatureVector {
  productSecret: string;
  body: string;
  host?: string;
  uri?: string;
  algorithm: DeviceHmac;
  timestamp: number;
  nonce: number;
  stringToSign: string;
  xTcSignature: string;
}
interface MqttVector {
  psk: string;
  username: string;
  password_hmacsha1: string;
  password_hmacsha256: string;
}
const vectors = readReference<{
  iotcloud_dynreg_payload: PayloadVector[];
  iotcloud_device_http_signature: SignatureVector[];
  iotcloud_mqtt_password: MqttVector[];
}>('tencent/test-vectors.json');

// The client is checked against Tencent's published values before any test trusts it against the server.
describe('IoT Hub device client against the reference vectors', () => {
  it.each(vectors.iotcloud_dynreg_payload)('decrypts the documented Payload to the plaintext, cut at Len', (v) => {
    expect(decryptPayload(v.productSecret, v.payloadBase64, v.Len)).toBe(v.plaintext);
    // The vector's zero padding is what makes the ciphertext: re-encrypting the padded plaintext gives it back.
    const padded = Buffer.concat([Buffer.from(v.plaintext), Buffer.alloc(16 - (v.Len % 16))]);
    const cipher = createCipheriv('aes-128-cbc', Buffer.from(v.aesKey), Buffer.from(v.iv)).setAutoPadding(false);
    expect(Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64')).toBe(v.payloadBase64);
  });

  it.each(vectors.iotcloud_device_http_signature)('signs /device/register as the vector ($algorithm)', (v) => {
    const signing = { ...v, host: v.host ?? 'ap-guangzhou.gateway.tencentdevices.com' };
    expect(registerStringToSign(signing)).toBe(v.stringToSign);
    expect(registerSignature(signing)).toBe(v.xTcSignature);
  });

  it.each(vectors.iotcloud_mqtt_password)('computes both MQTT passwords of the vector', (v) => {
    expect(mqttPassword(v.psk, v.username, 'hmacsha1')).toBe(v.password_hmacsha1);
    expect(mqttPassword(v.psk, v.username, 'hmacsha256')).toBe(v.password_hmacsha256);
  });
});
