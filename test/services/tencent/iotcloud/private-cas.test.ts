import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';
import { fillCounter, iotcloudClient, openWorld, unique, type World } from './support.ts';
import { selfSigned, type TestCa } from './ca-fixtures.ts';

describe.each(DIALECTS)('IoT Hub private CAs through the official SDKs (%s)', (dialect) => {
  let world: World;
  let ca: TestCa;
  beforeAll(async () => {
    world = await openWorld(dialect);
    ca = await selfSigned('Customer Root CA');
  });
  afterAll(() => world?.close());

  const upload = async (name: string, authority: TestCa = ca) =>
    world.owner.client.CreatePrivateCA({ CertName: name, CertText: authority.certText, VerifyCertText: await authority.issue('verification') });

  it('CreatePrivateCA stores a CA proven by a certificate it signed; DescribePrivateCA(s) answer CertInfo', async () => {
    const name = unique('root');
    await upload(name);
    const { CA } = await world.owner.client.DescribePrivateCA({ CertName: name });
    expect(CA).toMatchObject({ CertName: name, CertSN: '0a1b2c', IssuerName: 'CN=Customer Root CA', Subject: 'CN=Customer Root CA', CertText: ca.certText });
    expect(Math.abs(CA!.EffectiveTime! - Date.now() / 1000)).toBeLessThan(60);
    expect(CA!.ExpireTime! - CA!.EffectiveTime!).toBe(365 * 86_400);
    expect((await world.owner.client.DescribePrivateCAs()).CAs!.map((c) => c.CertName)).toContain(name);
    expect((await world.stranger.client.DescribePrivateCAs()).CAs).toEqual([]);
    await expectTencentError(world.stranger.client.DescribePrivateCA({ CertName: name }), 'ResourceNotFound.CACertNotExist');
  });

  it('CreatePrivateCA refusals: not a CA, a proof the CA did not sign, a taken name, the same CA twice, the quota', async () => {
    const leaf = await selfSigned('Leaf', false);
    await expectTencentError(world.owner.client.CreatePrivateCA({ CertName: unique('x'), CertText: leaf.certText, VerifyCertText: await leaf.issue('v') }), 'InvalidParameterValue.CACertInvalid');
    await expectTencentError(world.owner.client.CreatePrivateCA({ CertName: unique('x'), CertText: 'garbage', VerifyCertText: 'garbage' }), 'InvalidParameterValue.CACertInvalid');
    const other = await selfSigned('Other CA');
    await expectTencentError(world.owner.client.CreatePrivateCA({ CertName: unique('x'), CertText: ca.certText, VerifyCertText: await other.issue('v') }), 'InvalidParameterValue.CACertNotMatch');
    const fresh = await selfSigned('Fresh CA');
    const name = unique('named');
    await upload(name, fresh);
    await expectTencentError(upload(name, await selfSigned('Third CA')), 'LimitExceeded.CACertNameRepeat');
    await expectTencentError(upload(unique('again'), fresh), 'LimitExceeded.CARepeat');
    const party = await world.server.createAccount();
    const full = iotcloudClient(world.server, party);
    await full.CreatePrivateCA({ CertName: 'first', CertText: fresh.certText, VerifyCertText: await fresh.issue('v') });
    await fillCounter(world.server, { account: party.id }, 'private_ca_count', 100);
    await expectTencentError(full.CreatePrivateCA({ CertName: 'second', CertText: ca.certText, VerifyCertText: await ca.issue('v') }), 'LimitExceeded.CACertLimit');
  });

  it('a product bound to a private CA takes device certificates that CA issued (TlsCrt), lists as bound, and keeps the CA from deletion', async () => {
    const name = unique('bound');
    const own = await selfSigned('Bound CA');
    await upload(name, own);
    const { ProductId } = await world.owner.client.CreateProduct({ ProductName: unique('pca'), ProductProperties: { EncryptionType: '1', PrivateCAName: name } });
    expect((await world.owner.client.DescribeProduct({ ProductId: ProductId! })).ProductProperties!.PrivateCAName).toBe(name);
    const tlsCrt = await own.issue(`${ProductId}dev1`);
    const created = await world.owner.client.CreateDevice({ ProductId: ProductId!, DeviceName: 'dev1', TlsCrt: tlsCrt });
    expect([created.DeviceCert, created.DevicePrivateKey]).toEqual([tlsCrt, '']);
    const stranger = await selfSigned('Stranger CA');
    await expectTencentError(world.owner.client.CreateDevice({ ProductId: ProductId!, DeviceName: 'dev2', TlsCrt: await stranger.issue('x') }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.CreateDevice({ ProductId: ProductId!, DeviceName: 'dev2' }), 'InvalidParameterValue');

    expect((await world.owner.client.DescribeProductCA({ ProductId: ProductId! })).CAs!.map((c) => c.CertName)).toEqual([name]);
    expect((await world.owner.client.DescribePrivateCABindedProducts({ CertName: name, Offset: 0, Limit: 10 })).Products).toEqual([{ ProductId, ProductName: expect.any(String) }]);
    expect((await world.owner.client.DescribePrivateCABindedProducts({ CertName: 'nosuchca', Offset: 0, Limit: 10 })).Products).toEqual([]);
    await expectTencentError(world.owner.client.DescribePrivateCABindedProducts({ CertName: name, Offset: 0, Limit: 0 }), 'InvalidParameterValue');
    await expectTencentError(world.owner.client.DeletePrivateCA({ CertName: name }), 'LimitExceeded.CAAlreadyBindProduct');

    await world.owner.client.DeleteDevice({ ProductId: ProductId!, DeviceName: 'dev1' });
    await world.owner.client.DeleteProduct({ ProductId: ProductId! });
    await world.owner.client.DeletePrivateCA({ CertName: name });
    await expectTencentError(world.owner.client.DeletePrivateCA({ CertName: name }), 'ResourceNotFound.CACertNotExist');
    await expectTencentError(world.owner.client.CreateProduct({ ProductName: unique('gone'), ProductProperties: { PrivateCAName: name } }), 'InvalidParameterValue');
  });

  it('UpdatePrivateCA replaces the certificate with the same checks and answers CACertNotExist for an unknown name', async () => {
    const name = unique('upd');
    await upload(name, await selfSigned('Updated CA'));
    const next = await selfSigned('Next CA');
    await world.owner.client.UpdatePrivateCA({ CertName: name, CertText: next.certText, VerifyCertText: await next.issue('v') });
    expect((await world.owner.client.DescribePrivateCA({ CertName: name })).CA!.Subject).toBe('CN=Next CA');
    await expectTencentError(world.owner.client.UpdatePrivateCA({ CertName: name, CertText: next.certText, VerifyCertText: await ca.issue('v') }), 'InvalidParameterValue.CACertNotMatch');
    await expectTencentError(world.owner.client.UpdatePrivateCA({ CertName: name, CertText: 'garbage', VerifyCertText: 'garbage' }), 'InvalidParameterValue.CACertInvalid');
    await expectTencentError(world.owner.client.UpdatePrivateCA({ CertName: 'nosuchca', CertText: next.certText, VerifyCertText: await next.issue('v') }), 'ResourceNotFound.CACertNotExist');
    const other = unique('other');
    const third = await selfSigned('Third CA');
    await upload(other, third);
    await expectTencentError(world.owner.client.UpdatePrivateCA({ CertName: name, CertText: third.certText, VerifyCertText: await third.issue('v') }), 'LimitExceeded.CARepeat');
  });

  it('DescribeProductCA: a key product has no CA, a certificate product the account platform CA, an unknown product is refused', async () => {
    const key = (await world.owner.client.CreateProduct({ ProductName: unique('k'), ProductProperties: { EncryptionType: '2' } })).ProductId!;
    expect((await world.owner.client.DescribeProductCA({ ProductId: key })).CAs).toEqual([]);
    const certA = (await world.owner.client.CreateProduct({ ProductName: unique('c') })).ProductId!;
    const certB = (await world.owner.client.CreateProduct({ ProductName: unique('c') })).ProductId!;
    const [a, b] = [(await world.owner.client.DescribeProductCA({ ProductId: certA })).CAs!, (await world.owner.client.DescribeProductCA({ ProductId: certB })).CAs!];
    expect(a).toEqual(b);
    expect(a[0]).toMatchObject({ CertName: 'platform-ca', CertText: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/) });
    const theirs = (await world.stranger.client.CreateProduct({ ProductName: unique('c') })).ProductId!;
    expect((await world.stranger.client.DescribeProductCA({ ProductId: theirs })).CAs![0]!.CertText).not.toBe(a[0]!.CertText);
    await expectTencentError(world.owner.client.DescribeProductCA({ ProductId: 'NOSUCHPROD' }), 'ResourceNotFound.ProductNotExist');
  });
});
