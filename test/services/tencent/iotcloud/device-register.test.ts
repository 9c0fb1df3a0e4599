import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey, X509Certificate as NodeX509 } from 'node:crypto';
import { DIALECTS, startTestServer, type TestAccount, type TestServer } from '../../../support/server.ts';
import { iotcloudClient as iotcloud, unique, type IotcloudClient } from './support.ts';
import { selfSigned, type TestCa } from './ca-fixtures.ts';
import { sendRaw } from '../../../support/http.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';
import {
  GUANGZHOU_GATEWAY,
  decryptPayload,
  legacyRegisterRequest,
  mqttPassword,
  mqttUsername,
  registerRequest,
  type DeviceHmac,
  type RegisterOptions,
} from '../../../support/tencent-device-client.ts';

interface Product {
  readonly productId: string;
  readonly productSecret: string;
}

/** CreateProduct then UpdateProductDynamicRegister, through the official SDK. */
async function dynamicProduct(client: IotcloudClient, name: string, registerType: number, registerLimit: number, encryptionType = '2'): Promise<Product> {
  const created = await client.CreateProduct({ ProductName: unique(name), ProductProperties: { EncryptionType: encryptionType, ProductType: 0 } });
  const updated = await client.UpdateProductDynamicRegister({ ProductId: created.ProductId!, RegisterType: registerType, RegisterLimit: registerLimit });
  expect(updated).toMatchObject({ RegisterType: registerType, RegisterLimit: registerLimit, ProductSecret: expect.stringMatching(/^.{16,}$/) });
  return { productId: created.ProductId!, productSecret: updated.ProductSecret! };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted on their shape
type Answer = any;

const register = async (server: TestServer, options: RegisterOptions): Promise<Answer> => (await sendRaw(server.url, registerRequest(server.endpoint, options))).json();
const legacy = async (server: TestServer, options: Parameters<typeof legacyRegisterRequest>[1]): Promise<Answer> =>
  (await sendRaw(server.url, legacyRegisterRequest(server.endpoint, options))).json();

/** The credential a successful current-protocol answer carries, decrypted as a device does. */
function opened(answer: Answer, productSecret: string): Answer {
  expect(answer.Response.Error, JSON.stringify(answer)).toBeUndefined();
  expect(answer.Response).toEqual({ Len: expect.any(Number), Payload: expect.any(String), RequestId: expect.any(String) });
  return JSON.parse(decryptPayload(productSecret, answer.Response.Payload, answer.Response.Len));
}

const refusedWith = (answer: Answer, code: string) => expect(answer.Response.Error?.Code, JSON.stringify(answer)).toBe(code);

async function mqttAuth(server: TestServer, body: Record<string, unknown>): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${server.url}/iotcloud/mqtt/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe.each(DIALECTS)('IoT Hub dynamic registration (%s)', (dialect) => {
  let server: TestServer;
  let account: TestAccount;
  let client: IotcloudClient;
  let keyProduct: Product;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    account = await server.createAccount();
    client = iotcloud(server, account);
    keyProduct = await dynamicProduct(client, 'keys', 2, 100);
  });
  afterAll(() => server.close());

  it.each(['hmacsha256', 'hmacsha1'] as DeviceHmac[])('auto-creates a key device (%s) whose psk passes the MQTT check with both password hashes', async (algorithm) => {
    const deviceName = `auto-${algorithm}`;
    const credential = opened(await register(server, { ...keyProduct, deviceName, algorithm }), keyProduct.productSecret);
    expect(credential).toEqual({ encryptionType: 2, psk: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    const device = await client.DescribeDevice({ ProductId: keyProduct.productId, DeviceName: deviceName });
    expect(device.DevicePsk).toBe(credential.psk);
    const username = mqttUsername(keyProduct.productId, deviceName, inAnHour());
    for (const hash of ['hmacsha1', 'hmacsha256'] as DeviceHmac[]) {
      const verdict = await mqttAuth(server, { clientid: `${keyProduct.productId}${deviceName}`, username, password: mqttPassword(credential.psk, username, hash) });
      expect(verdict).toEqual({ status: 200, body: { result: 'allow', is_superuser: false } });
    }
  });

  it('re-registration of an existing key device answers the same psk and creates nothing', async () => {
    const first = opened(await register(server, { ...keyProduct, deviceName: 'again' }), keyProduct.productSecret);
    const second = opened(await register(server, { ...keyProduct, deviceName: 'again' }), keyProduct.productSecret);
    expect(second.psk).toBe(first.psk);
    const listed = await client.DescribeDevices({ ProductId: keyProduct.productId, Offset: 0, Limit: 250, DeviceName: 'again' });
    expect(listed.TotalCount).toBe(1);
  });

  it('accepts the signature over the Host with its port and over the fixed Guangzhou gateway name', async () => {
    opened(await register(server, { ...keyProduct, deviceName: 'with-port', signedHost: server.endpoint }), keyProduct.productSecret);
    opened(await register(server, { ...keyProduct, deviceName: 'java-sdk', signedHost: GUANGZHOU_GATEWAY, algorithm: 'hmacsha256' }), keyProduct.productSecret);
  });

  it('legacy /register/dev answers {code: 0, message: "", len, payload} with the same payload scheme', async () => {
    const response = await sendRaw(server.url, legacyRegisterRequest(server.endpoint, { ...keyProduct, deviceName: 'legacy-1' }));
    expect(response.status).toBe(200);
    const answer = response.json();
    expect(answer).toEqual({ code: 0, message: '', len: expect.any(Number), payload: expect.any(String) });
    expect(JSON.parse(decryptPayload(keyProduct.productSecret, answer.payload, answer.len))).toEqual({ encryptionType: 2, psk: expect.any(String) });
  });

  it('a certificate product answers clientCert and clientKey; the certificate chains to the product CA and matches the key', async () => {
    const certProduct = await dynamicProduct(client, 'certs', 2, 10, '1');
    const credential = opened(await register(server, { ...certProduct, deviceName: 'cert-1' }), certProduct.productSecret);
    expect(credential).toEqual({ encryptionType: 1, clientCert: expect.stringContaining('BEGIN CERTIFICATE'), clientKey: expect.stringContaining('PRIVATE KEY') });
    const cert = new NodeX509(credential.clientCert);
    const ca = await client.DescribeProductCA({ ProductId: certProduct.productId });
    const caCert = new NodeX509(ca.CAs![0]!.CertText);
    expect(cert.checkIssued(caCert) && cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(credential.clientKey))).toBe(true);
    const verdict = await mqttAuth(server, { clientid: `${certProduct.productId}cert-1`, username: mqttUsername(certProduct.productId, 'cert-1', inAnHour()), password: 'x;hmacsha256' });
    expect(verdict.status).toBe(403);
  });

  describe('certificate devices bringing their own certificate (clientCert, as the C SDK sends it)', () => {
    /** A certificate product bound to a new private CA of the account, with dynamic registration on. */
    async function privateCaProduct(registerType: number): Promise<Product & { authority: TestCa }> {
      const authority = await selfSigned('customer-ca');
      const CertName = unique('ca');
      await client.CreatePrivateCA({ CertName, CertText: authority.certText, VerifyCertText: await authority.issue('verification') });
      const created = await client.CreateProduct({ ProductName: unique('bound'), ProductProperties: { EncryptionType: '1', PrivateCAName: CertName } });
      const updated = await client.UpdateProductDynamicRegister({ ProductId: created.ProductId!, RegisterType: registerType, RegisterLimit: 10 });
      return { productId: created.ProductId!, productSecret: updated.ProductSecret!, authority };
    }

    const fingerprint = (pem: string) => new NodeX509(pem).fingerprint256;
    const chainsTo = (pem: string, caPem: string) => {
      const cert = new NodeX509(pem);
      const ca = new NodeX509(caPem);
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    };

    it('a private-CA product registers a device with the certificate its CA issued: stored, answered back with an empty clientKey, chaining to DescribeProductCA', async () => {
      const { authority, ...product } = await privateCaProduct(2);
      const clientCert = await authority.issue(`${product.productId}own-1`);
      const credential = opened(await register(server, { ...product, deviceName: 'own-1', extra: { clientCert } }), product.productSecret);
      expect(credential).toEqual({ encryptionType: 1, clientCert: expect.stringContaining('BEGIN CERTIFICATE'), clientKey: '' });
      expect(fingerprint(credential.clientCert)).toBe(fingerprint(clientCert));
      const productCa = await client.DescribeProductCA({ ProductId: product.productId });
      expect(chainsTo(credential.clientCert, productCa.CAs![0]!.CertText!)).toBe(true);
      const device = await client.DescribeDevice({ ProductId: product.productId, DeviceName: 'own-1' });
      expect(device).toMatchObject({ DeviceCert: credential.clientCert, CertState: 1, DevicePsk: '' });
      // Re-registration with a newer certificate of the same CA replaces the stored one.
      const renewed = await authority.issue(`${product.productId}own-1`);
      expect(fingerprint(opened(await register(server, { ...product, deviceName: 'own-1', extra: { clientCert: renewed } }), product.productSecret).clientCert)).toBe(fingerprint(renewed));
      expect(fingerprint((await client.DescribeDevice({ ProductId: product.productId, DeviceName: 'own-1' })).DeviceCert!)).toBe(fingerprint(renewed));
    });

    it('a private-CA product refuses a registration without clientCert (MissingParameter; legacy 400) or with another CA\'s certificate (InvalidParameterValue), creating nothing', async () => {
      const product = await privateCaProduct(2);
      const missing = await register(server, { ...product, deviceName: 'bare' });
      refusedWith(missing, 'MissingParameter');
      expect(missing.Response.Error.Message).toMatch(/private CA .* clientCert/);
      expect(await legacy(server, { ...product, deviceName: 'bare' })).toEqual({ code: 400, message: expect.stringContaining('clientCert') });
      const stranger = await selfSigned('stranger-ca');
      refusedWith(await register(server, { ...product, deviceName: 'foreign', extra: { clientCert: await stranger.issue('foreign') } }), 'InvalidParameterValue');
      refusedWith(await register(server, { ...product, deviceName: 'garbage', extra: { clientCert: 'not a certificate' } }), 'InvalidParameterValue');
      expect((await client.DescribeDevices({ ProductId: product.productId, Offset: 0, Limit: 250 })).TotalCount).toBe(0);
    });

    it('a private-CA product with RegisterType 1 registers the device CreateDevice made with TlsCrt, and refuses an unknown one', async () => {
      const { authority, ...product } = await privateCaProduct(1);
      const tlsCrt = await authority.issue(`${product.productId}made`);
      await client.CreateDevice({ ProductId: product.productId, DeviceName: 'made', TlsCrt: tlsCrt });
      const credential = opened(await register(server, { ...product, deviceName: 'made', extra: { clientCert: tlsCrt } }), product.productSecret);
      expect(credential).toEqual({ encryptionType: 1, clientCert: expect.any(String), clientKey: '' });
      expect(fingerprint(credential.clientCert)).toBe(fingerprint(tlsCrt));
      refusedWith(await register(server, { ...product, deviceName: 'unmade', extra: { clientCert: await authority.issue(`${product.productId}unmade`) } }), 'ResourceNotFound.DeviceNotExist');
    });

    it('a platform-CA device re-registering with the certificate it holds keeps it; a certificate of another CA, or any on a key product, is InvalidParameterValue', async () => {
      const certProduct = await dynamicProduct(client, 'held', 2, 10, '1');
      const first = opened(await register(server, { ...certProduct, deviceName: 'holder' }), certProduct.productSecret);
      const again = opened(await register(server, { ...certProduct, deviceName: 'holder', extra: { clientCert: first.clientCert } }), certProduct.productSecret);
      expect(again).toEqual({ encryptionType: 1, clientCert: first.clientCert, clientKey: '' });
      expect((await client.DescribeDevice({ ProductId: certProduct.productId, DeviceName: 'holder' })).DeviceCert).toBe(first.clientCert);
      const stranger = await selfSigned('stranger-ca');
      refusedWith(await register(server, { ...certProduct, deviceName: 'holder', extra: { clientCert: await stranger.issue('holder') } }), 'InvalidParameterValue');
      refusedWith(await register(server, { ...keyProduct, deviceName: 'with-cert', extra: { clientCert: first.clientCert } }), 'InvalidParameterValue');
    });

    it('a brought certificate must name the device it registers (CN = ProductId + DeviceName): another device\'s certificate is InvalidParameterValue and leaves the stored one unchanged', async () => {
      const certProduct = await dynamicProduct(client, 'bound-name', 2, 10, '1');
      const deviceA = opened(await register(server, { ...certProduct, deviceName: 'device-a' }), certProduct.productSecret);
      const deviceB = opened(await register(server, { ...certProduct, deviceName: 'device-b' }), certProduct.productSecret);
      refusedWith(await register(server, { ...certProduct, deviceName: 'device-b', extra: { clientCert: deviceA.clientCert } }), 'InvalidParameterValue');
      expect((await client.DescribeDevice({ ProductId: certProduct.productId, DeviceName: 'device-b' })).DeviceCert).toBe(deviceB.clientCert);
      // The same rule on a private-CA product, whose CA signs whatever name it is asked to.
      const { authority, ...product } = await privateCaProduct(2);
      const own = await authority.issue(`${product.productId}dev-b`);
      opened(await register(server, { ...product, deviceName: 'dev-b', extra: { clientCert: own } }), product.productSecret);
      refusedWith(await register(server, { ...product, deviceName: 'dev-b', extra: { clientCert: await authority.issue(`${product.productId}dev-a`) } }), 'InvalidParameterValue');
      refusedWith(await register(server, { ...product, deviceName: 'dev-b', extra: { clientCert: await authority.issue('dev-b') } }), 'InvalidParameterValue');
      expect(fingerprint((await client.DescribeDevice({ ProductId: product.productId, DeviceName: 'dev-b' })).DeviceCert!)).toBe(fingerprint(own));
      await expectTencentError(client.CreateDevice({ ProductId: product.productId, DeviceName: 'dev-c', TlsCrt: own }), 'InvalidParameterValue');
    });

    it('a brought certificate outside its validity period (expired, or not yet valid) is InvalidParameterValue, creating nothing', async () => {
      const { authority, ...product } = await privateCaProduct(2);
      const cn = `${product.productId}dated`;
      const day = 86_400_000;
      const expired = await authority.issue(cn, { notBefore: new Date(Date.now() - 10 * day), notAfter: new Date(Date.now() - day) });
      const future = await authority.issue(cn, { notBefore: new Date(Date.now() + day), notAfter: new Date(Date.now() + 10 * day) });
      refusedWith(await register(server, { ...product, deviceName: 'dated', extra: { clientCert: expired } }), 'InvalidParameterValue');
      refusedWith(await register(server, { ...product, deviceName: 'dated', extra: { clientCert: future } }), 'InvalidParameterValue');
      await expectTencentError(client.CreateDevice({ ProductId: product.productId, DeviceName: 'dated', TlsCrt: expired }), 'InvalidParameterValue');
      expect((await client.DescribeDevices({ ProductId: product.productId, Offset: 0, Limit: 250 })).TotalCount).toBe(0);
    });
  });

  describe('refusals', () => {
    it('bad signature, missing header, unknown product: AuthFailure.SignatureFailure / ResourceNotFound.ProductNotExist', async () => {
      refusedWith(await register(server, { ...keyProduct, productSecret: `${keyProduct.productSecret}x`, deviceName: 'forged' }), 'AuthFailure.SignatureFailure');
      const raw = registerRequest(server.endpoint, { ...keyProduct, deviceName: 'unsigned' });
      const unsigned = await sendRaw(server.url, { ...raw, headers: { ...raw.headers, 'x-tc-signature': undefined } });
      refusedWith(unsigned.json(), 'AuthFailure.SignatureFailure');
      refusedWith(await register(server, { ...keyProduct, productId: 'NOSUCHPROD', deviceName: 'x' }), 'ResourceNotFound.ProductNotExist');
      refusedWith(await register(server, { ...keyProduct, deviceName: 'bad/name' }), 'InvalidParameterValue');
      refusedWith((await sendRaw(server.url, { ...raw, body: Buffer.from(JSON.stringify({ ProductId: keyProduct.productId })) })).json(), 'MissingParameter');
      refusedWith((await sendRaw(server.url, { ...raw, body: Buffer.from(JSON.stringify({ ProductId: keyProduct.productId, DeviceName: 7 })) })).json(), 'InvalidParameterValue');
      const listed = await client.DescribeDevices({ ProductId: keyProduct.productId, Offset: 0, Limit: 250, DeviceName: 'forged' });
      expect(listed.TotalCount).toBe(0);
    });

    it('a replayed request is refused: a nonce is used once', async () => {
      const raw = registerRequest(server.endpoint, { ...keyProduct, deviceName: 'replayed' });
      opened((await sendRaw(server.url, raw)).json(), keyProduct.productSecret);
      refusedWith((await sendRaw(server.url, raw)).json(), 'AuthFailure.SignatureFailure');
    });

    it('RegisterType 0: UnauthorizedOperation.PermissionDenied; RegisterType 1: only devices created beforehand', async () => {
      const off = await dynamicProduct(client, 'off', 0, 0);
      refusedWith(await register(server, { ...off, deviceName: 'd' }), 'UnauthorizedOperation.PermissionDenied');
      const preset = await dynamicProduct(client, 'preset', 1, 0);
      refusedWith(await register(server, { ...preset, deviceName: 'unknown' }), 'ResourceNotFound.DeviceNotExist');
      const created = await client.CreateDevice({ ProductId: preset.productId, DeviceName: 'known' });
      expect(opened(await register(server, { ...preset, deviceName: 'known' }), preset.productSecret).psk).toBe(created.DevicePsk);
    });

    it('RegisterLimit reached: LimitExceeded.DeviceExceedLimit; pre-created devices do not count', async () => {
      const capped = await dynamicProduct(client, 'capped', 2, 1);
      await client.CreateDevice({ ProductId: capped.productId, DeviceName: 'manual' });
      opened(await register(server, { ...capped, deviceName: 'first' }), capped.productSecret);
      refusedWith(await register(server, { ...capped, deviceName: 'second' }), 'LimitExceeded.DeviceExceedLimit');
      opened(await register(server, { ...capped, deviceName: 'manual' }), capped.productSecret);
    });

    it('a disabled device: UnauthorizedOperation.DeviceIsNotEnabled, and the MQTT check denies it', async () => {
      const psk = opened(await register(server, { ...keyProduct, deviceName: 'to-disable' }), keyProduct.productSecret).psk;
      await client.UpdateDevicesEnableState({ ProductId: keyProduct.productId, DeviceNames: ['to-disable'], Status: 0 });
      refusedWith(await register(server, { ...keyProduct, deviceName: 'to-disable' }), 'UnauthorizedOperation.DeviceIsNotEnabled');
      const username = mqttUsername(keyProduct.productId, 'to-disable', inAnHour());
      const verdict = await mqttAuth(server, { clientid: `${keyProduct.productId}to-disable`, username, password: mqttPassword(psk, username) });
      expect(verdict).toEqual({ status: 403, body: { result: 'deny', reason: 'the device is disabled' } });
    });

    it('a forbidden product: UnauthorizedOperation.ProductIsForbidden on both protocols, and the MQTT check denies', async () => {
      const banned = await dynamicProduct(client, 'banned', 2, 10);
      const psk = opened(await register(server, { ...banned, deviceName: 'd1' }), banned.productSecret).psk;
      await client.SetProductsForbiddenStatus({ ProductId: [banned.productId], Status: 1 });
      refusedWith(await register(server, { ...banned, deviceName: 'd1' }), 'UnauthorizedOperation.ProductIsForbidden');
      expect(await legacy(server, { ...banned, deviceName: 'd1' })).toEqual({ code: 403, message: expect.stringContaining('forbidden') });
      const username = mqttUsername(banned.productId, 'd1', inAnHour());
      const verdict = await mqttAuth(server, { clientid: `${banned.productId}d1`, username, password: mqttPassword(psk, username) });
      expect(verdict).toEqual({ status: 403, body: { result: 'deny', reason: 'the product is forbidden' } });
    });

    it('legacy refusals are {code, message}: bad signature 401, unknown product 404, unknown device 404', async () => {
      expect(await legacy(server, { ...keyProduct, productSecret: 'wrong-secret-0000000', deviceName: 'x' })).toEqual({ code: 401, message: expect.any(String) });
      expect(await legacy(server, { ...keyProduct, productId: 'NOSUCHPROD', deviceName: 'x' })).toEqual({ code: 404, message: expect.stringContaining('does not exist') });
      const noNonce = legacyRegisterRequest(server.endpoint, { ...keyProduct, deviceName: 'x' });
      const body = { ...JSON.parse(noNonce.body.toString()), nonce: 'soon' };
      expect((await sendRaw(server.url, { ...noNonce, body: Buffer.from(JSON.stringify(body)) })).json()).toEqual({ code: 400, message: 'The nonce field must be a non-negative integer.' });
      const preset = await dynamicProduct(client, 'legacy-preset', 1, 0);
      expect(await legacy(server, { ...preset, deviceName: 'nobody' })).toEqual({ code: 404, message: expect.stringContaining('does not exist') });
    });

    it('the MQTT check denies an expired username, a wrong password and a stranger', async () => {
      const psk = opened(await register(server, { ...keyProduct, deviceName: 'mqtt-d' }), keyProduct.productSecret).psk;
      const clientid = `${keyProduct.productId}mqtt-d`;
      const expired = mqttUsername(keyProduct.productId, 'mqtt-d', Math.floor(Date.now() / 1000) - 1);
      expect(await mqttAuth(server, { clientid, username: expired, password: mqttPassword(psk, expired) })).toEqual({ status: 403, body: { result: 'deny', reason: 'the username has expired' } });
      const username = mqttUsername(keyProduct.productId, 'mqtt-d', inAnHour());
      expect((await mqttAuth(server, { clientid, username, password: mqttPassword('AAAAAAAAAAAAAAAAAAAAAA==', username) })).status).toBe(403);
      expect((await mqttAuth(server, { clientid: `${keyProduct.productId}nobody`, username, password: mqttPassword(psk, username) })).status).toBe(403);
      expect((await mqttAuth(server, { clientid, username })).body).toEqual({ result: 'deny', reason: 'password must be a non-empty string' });
    });

    it('moving the emulator clock a day ahead changes no MQTT expiry verdict: usernames are judged on real time', async () => {
      const psk = opened(await register(server, { ...keyProduct, deviceName: 'mqtt-clock' }), keyProduct.productSecret).psk;
      const clientid = `${keyProduct.productId}mqtt-clock`;
      const username = mqttUsername(keyProduct.productId, 'mqtt-clock', inAnHour());
      server.app.clock.set(86_400_000);
      try {
        expect((await mqttAuth(server, { clientid, username, password: mqttPassword(psk, username) })).status).toBe(200);
      } finally {
        server.app.clock.reset();
      }
    });
  });

  it('tenant isolation: another account sees none of the devices, and its ProductSecret signs nothing for this product', async () => {
    const other = await server.createAccount();
    const otherClient = iotcloud(server, other);
    await expectTencentError(otherClient.DescribeDevice({ ProductId: keyProduct.productId, DeviceName: 'auto-hmacsha256' }), 'ResourceNotFound.ProductNotExist');
    const theirs = await dynamicProduct(otherClient, 'keys', 2, 10);
    refusedWith(await register(server, { productId: keyProduct.productId, productSecret: theirs.productSecret, deviceName: 'intruder' }), 'AuthFailure.SignatureFailure');
  });

  it('RegisterLimit race: 20 parallel auto-creations against a limit of 5 create exactly 5 devices', async () => {
    const raced = await dynamicProduct(client, 'raced', 2, 5);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => register(server, { ...raced, deviceName: `racer-${i}` })));
    expect(answers.filter((a) => a.Response.Payload !== undefined)).toHaveLength(5);
    expect(answers.filter((a) => a.Response.Error?.Code === 'LimitExceeded.DeviceExceedLimit')).toHaveLength(15);
    expect((await client.DescribeDevices({ ProductId: raced.productId, Offset: 0, Limit: 250 })).TotalCount).toBe(5);
  });
});
