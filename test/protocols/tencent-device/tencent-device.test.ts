import { describe, expect, it } from 'vitest';
import {
  RegisterHeaderError,
  candidateHosts,
  checkMqttPassword,
  encryptRegisterPayload,
  parseMqttUsername,
  pskPlaintext,
  readRegisterHeaders,
  verifyLegacySignature,
  verifyRegisterSignature,
} from '../../../src/protocols/tencent-device/index.ts';
import { decryptPayload, legacySignature, mqttPassword, mqttUsername, registerRequest } from '../../support/tencent-device-client.ts';
import { readReference } from '../../support/reference.ts';

const vectors = readReference<{
  iotcloud_dynreg_payload: { productSecret: string; plaintext: string; Len: number; payloadBase64: string }[];
  iotcloud_device_http_signature: { productSecret: string; body: string; algorithm: string; timestamp: number; nonce: number; xTcSignature: string }[];
  iotcloud_mqtt_password: { psk: string; clientId: string; username: string; password_hmacsha1: string; password_hmacsha256: string }[];
}>('tencent/test-vectors.json');

const SECRET = 'hzvf5LF9S0isvBhDSauWMaIk';

describe('registration payload', () => {
  it.each(vectors.iotcloud_dynreg_payload)('encrypts the documented plaintext to the documented Payload and Len', (v) => {
    expect(encryptRegisterPayload(v.productSecret, v.plaintext)).toEqual({ Payload: v.payloadBase64, Len: v.Len });
  });

  it('pads a plaintext that fills whole blocks with nothing, and the client reads back what was sealed', () => {
    const plain = 'x'.repeat(32);
    const sealed = encryptRegisterPayload(SECRET, plain);
    expect(Buffer.from(sealed.Payload, 'base64')).toHaveLength(32);
    expect(decryptPayload(SECRET, sealed.Payload, sealed.Len)).toBe(plain);
    expect(pskPlaintext('lDZ6Uqt+I9E0wW7rvDUs7Q==')).toBe(vectors.iotcloud_dynreg_payload[0]!.plaintext);
  });

  it('refuses a ProductSecret that cannot key AES-128', () => {
    expect(() => encryptRegisterPayload('short', '{}')).toThrow(RangeError);
  });
});

describe('current-protocol signature', () => {
  it.each(vectors.iotcloud_device_http_signature)('accepts the vector signature ($algorithm) signed for the Guangzhou gateway, whatever Host was called', (v) => {
    const raw = {
      method: 'POST',
      url: '/device/register',
      headers: { host: '127.0.0.1:8080', 'x-tc-algorithm': v.algorithm, 'x-tc-timestamp': String(v.timestamp), 'x-tc-nonce': String(v.nonce), 'x-tc-signature': v.xTcSignature },
      body: Buffer.from(v.body),
    };
    const headers = readRegisterHeaders(raw);
    expect(verifyRegisterSignature(headers, raw, '/device/register', v.productSecret)).toBe(true);
    expect(verifyRegisterSignature(headers, raw, '/device/register', `${v.productSecret}x`)).toBe(false);
    expect(verifyRegisterSignature(headers, { ...raw, body: Buffer.from(`${v.body} `) }, '/device/register', v.productSecret)).toBe(false);
  });

  it('accepts the Host signed with or without its port, and compares the algorithm name case-insensitively', () => {
    for (const [signedHost, algorithm] of [
      ['127.0.0.1', 'hmacsha256'],
      ['127.0.0.1:8080', 'hmacsha1'],
      ['europe.gateway.tencentdevices.com', 'HmacSha256'],
    ] as const) {
      const raw = registerRequest('127.0.0.1:8080', { productId: 'P', deviceName: 'd', productSecret: SECRET, signedHost, algorithm: algorithm as 'hmacsha256' });
      expect(verifyRegisterSignature(readRegisterHeaders(raw), raw, '/device/register', SECRET), `${signedHost} ${algorithm}`).toBe(true);
    }
    const elsewhere = registerRequest('127.0.0.1:8080', { productId: 'P', deviceName: 'd', productSecret: SECRET, signedHost: 'evil.example.com' });
    expect(verifyRegisterSignature(readRegisterHeaders(elsewhere), elsewhere, '/device/register', SECRET)).toBe(false);
    expect(candidateHosts('h:1')).toEqual(expect.arrayContaining(['h', 'h:1', 'ap-guangzhou.gateway.tencentdevices.com']));
  });

  it('names the missing or malformed header', () => {
    const raw = registerRequest('h', { productId: 'P', deviceName: 'd', productSecret: SECRET });
    const without = (name: string, value?: string) => () => readRegisterHeaders({ ...raw, headers: { ...raw.headers, [name]: value } });
    expect(without('x-tc-signature')).toThrow(/X-TC-SIGNATURE header is missing/);
    expect(without('x-tc-algorithm', 'hmacmd5')).toThrow(RegisterHeaderError);
    expect(without('x-tc-timestamp', '12a')).toThrow(/Unix seconds/);
    expect(without('x-tc-nonce', '-1')).toThrow(/non-negative/);
  });
});

describe('legacy signature', () => {
  it('accepts Base64 of the hex HMAC-SHA1 the old C SDK sends, and nothing else', () => {
    const fields = { deviceName: 'device_1234', nonce: 1439928322, productId: 'S3EUVBRJLB', timestamp: 1568692235 };
    const text = { deviceName: 'device_1234', nonce: '1439928322', productId: 'S3EUVBRJLB', timestamp: '1568692235' };
    const signature = legacySignature(SECRET, fields);
    expect(verifyLegacySignature(text, signature, SECRET)).toBe(true);
    expect(verifyLegacySignature({ ...text, deviceName: 'other' }, signature, SECRET)).toBe(false);
  });
});

describe('MQTT credentials', () => {
  const v = vectors.iotcloud_mqtt_password[0]!;
  const at = 1_600_000_000;

  it('allows both vector passwords for their ClientId before the expiry', () => {
    expect(checkMqttPassword({ clientId: v.clientId, username: v.username, password: v.password_hmacsha1 }, v.psk, at)).toBeUndefined();
    expect(checkMqttPassword({ clientId: v.clientId, username: v.username, password: v.password_hmacsha256 }, v.psk, at)).toBeUndefined();
  });

  it('denies an expired username, another ClientId, a wrong password or method, a malformed username', () => {
    expect(checkMqttPassword({ clientId: v.clientId, username: v.username, password: v.password_hmacsha1 }, v.psk, 1_700_000_001)).toBe('expired');
    expect(checkMqttPassword({ clientId: 'ASJ1234GXabc', username: v.username, password: v.password_hmacsha1 }, v.psk, at)).toBe('clientIdMismatch');
    expect(checkMqttPassword({ clientId: v.clientId, username: v.username, password: v.password_hmacsha1 }, 'AAAAAAAAAAAAAAAAAAAAAA==', at)).toBe('badPassword');
    expect(checkMqttPassword({ clientId: v.clientId, username: v.username, password: v.password_hmacsha1.replace('sha1', 'md5') }, v.psk, at)).toBe('badPassword');
    expect(checkMqttPassword({ clientId: v.clientId, username: 'ASJ1234GXxyz;1;2', password: 'x' }, v.psk, at)).toBe('malformedUsername');
  });

  it('reads the username fields; the test client builds the same username and passwords', () => {
    expect(parseMqttUsername(v.username)).toEqual({ clientId: 'ASJ1234GXxyz', sdkAppId: '21010406', connId: '5AiF2', expiry: 1700000000 });
    const username = mqttUsername('ASJ1234GX', 'xyz', 1700000000, '5AiF2');
    expect(username).toBe(v.username);
    expect(mqttPassword(v.psk, username, 'hmacsha1')).toBe(v.password_hmacsha1);
  });
});
