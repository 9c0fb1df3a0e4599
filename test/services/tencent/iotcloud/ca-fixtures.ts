import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const YEAR_MS = 365 * 86_400_000;

type Keys = webcrypto.CryptoKeyPair;

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A customer's CA as a private CA upload needs it: the CA certificate, its keys, and certificates it signs. */
export interface TestCa {
  readonly certText: string;
  readonly keys: Keys;
  /** A certificate signed by this CA's key (VerifyCertText, or a device's TlsCrt), valid for a year from now unless `validity` says otherwise. */
  issue(commonName: string, validity?: Validity): Promise<string>;
}

const newKeys = () => webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<Keys>;

/** A self-signed certificate; `ca` says whether it carries the CA basic constraint. */
export async function selfSigned(commonName: string, ca = true): Promise<TestCa> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a1b2c',
    name: `CN=${commonName}`,
    notBefore: new Date(),
    notAfter: new Date(Date.now() + YEAR_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [new x509.BasicConstraintsExtension(ca, undefined, true)],
  });
  return {
    certText: cert.toString('pem'),
    keys,
    async issue(cn, validity = { notBefore: new Date(), notAfter: new Date(Date.now() + YEAR_MS) }) {
      const subjectKeys = await newKeys();
      const issued = await x509.X509CertificateGenerator.create({
        serialNumber: '01',
        subject: `CN=${cn}`,
        issuer: cert.subject,
        notBefore: validity.notBefore,
        notAfter: validity.notAfter,
        publicKey: subjectKeys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: ALGORITHM,
      });
      return issued.toString('pem');
    },
  };
}
