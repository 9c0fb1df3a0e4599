import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Kysely } from 'kysely';
import type { Database } from '../../../storage/schema.ts';
import type { SecretBox } from '../../../core/secret-box.ts';
import type { ActionContext } from '../../action-context.ts';
import { secureRandomBytes } from '../../../core/random.ts';
import { ensureAccount, findAccount, setPlatformCaIfAbsent } from './store/accounts.ts';

x509.cryptoProvider.set(webcrypto);

/** ECDSA P-256 with SHA-256 for the platform CA and the device keys it certifies: cheap to generate, accepted by the device SDKs' TLS stacks. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
const CA_VALIDITY_MS = 20 * 365 * DAY_MS;
const DEVICE_VALIDITY_MS = 10 * 365 * DAY_MS;

/** What Fleetgate needs to reach the store and keys outside a cloud action (the device side has no ActionContext). */
export interface CertificateContext {
  readonly db: Kysely<Database>;
  readonly secrets: SecretBox;
  readonly now: () => number;
}

/** An action's store, keys and clock as certificates need them. */
export const certificateContextOf = (ctx: ActionContext): CertificateContext => ({ db: ctx.store.db, secrets: ctx.secrets, now: ctx.now });

const caKeyAad = (accountId: string): string => `iotcloud.ca:${accountId}`;
/** 128 random bits with the top bit clear, so the serial is a positive DER INTEGER (RFC 5280 4.1.2.2). */
const serialNumber = (): string => secureRandomBytes(16).toString('hex').replace(/^[89a-f]/, '7');

const toPem = (label: string, der: ArrayBuffer): string => x509.PemConverter.encode(der, label);

interface PlatformCa {
  readonly cert: x509.X509Certificate;
  readonly key: webcrypto.CryptoKey;
}

/**
 * The account's platform CA, which issues the device certificates of its certificate products
 * that are not bound to a private CA. Generated on first need and kept with its key sealed;
 * concurrent first uses may each generate one, but only the first stored is ever used.
 */
export async function platformCa(ctx: CertificateContext, accountId: string): Promise<PlatformCa> {
  let account = await findAccount(ctx.db, accountId);
  if (!account?.ca_cert) {
    await ensureAccount(ctx.db, accountId, ctx.now());
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const notBefore = new Date(ctx.now());
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: `CN=Fleetgate IoT Hub CA ${accountId}, O=Fleetgate`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + CA_VALIDITY_MS),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const keyPem = toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    await setPlatformCaIfAbsent(ctx.db, accountId, cert.toString('pem'), ctx.secrets.seal(keyPem, caKeyAad(accountId)));
    account = await findAccount(ctx.db, accountId);
  }
  if (!account?.ca_cert || !account.ca_key_sealed) throw new Error(`platform CA of ${accountId} was not stored`);
  const keyDer = x509.PemConverter.decodeFirst(ctx.secrets.open(account.ca_key_sealed, caKeyAad(accountId)));
  const key = await webcrypto.subtle.importKey('pkcs8', keyDer, ALGORITHM, false, ['sign']);
  return { cert: new x509.X509Certificate(account.ca_cert), key };
}

/** A device certificate (PEM) and its private key (PKCS#8 PEM), which Fleetgate hands out once and never stores. */
export interface DeviceCredentials {
  readonly cert: string;
  readonly privateKey: string;
}

/**
 * Issues a device certificate from the account's platform CA: subject CN = ProductId + DeviceName
 * (the MQTT ClientId), OU = ProductId, for TLS client authentication.
 */
export async function issueDeviceCertificate(ctx: CertificateContext, accountId: string, productId: string, deviceName: string): Promise<DeviceCredentials> {
  const ca = await platformCa(ctx, accountId);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const notBefore = new Date(ctx.now());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: new x509.Name([{ CN: [`${productId}${deviceName}`] }, { OU: [productId] }, { O: ['Fleetgate'] }]),
    issuer: ca.cert.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + DEVICE_VALIDITY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { cert: cert.toString('pem'), privateKey: toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

/** The facts CertInfo shows about a certificate. */
export interface CertFacts {
  readonly fingerprint: string;
  readonly serialHex: string;
  readonly issuer: string;
  readonly subject: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

export function certFacts(cert: x509.X509Certificate): CertFacts {
  return {
    fingerprint: createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex'),
    serialHex: cert.serialNumber.toLowerCase(),
    issuer: cert.issuer,
    subject: cert.subject,
    notBefore: cert.notBefore.getTime(),
    notAfter: cert.notAfter.getTime(),
  };
}

/** Parses one PEM certificate; undefined when the text is not one. */
export function parseCertificate(pem: string): x509.X509Certificate | undefined {
  try {
    return new x509.X509Certificate(pem.trim());
  } catch {
    return undefined;
  }
}

/** True when `cert` is signed by `issuer`'s key (and names it as issuer). */
export async function isIssuedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
