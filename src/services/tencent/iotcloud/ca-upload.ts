import { TencentError } from '../../../protocols/tencent/errors.ts';
import { invalidValue, type Check } from '../params-rules.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { certFacts, isIssuedBy, parseCertificate } from './certificates.ts';
import type { CaCertificate } from './store/private-cas.ts';
import * as x509 from '@peculiar/x509';

/** CertName: 1 to 32 letters, digits or _ - (the docs give no rule; the console's). */
const CERT_NAME = /^[a-zA-Z0-9_-]{1,32}$/;

export const checkCertName = (value: string): Check => (CERT_NAME.test(value) ? undefined : invalidValue('CertName', 'it must be 1 to 32 letters, digits or _ -'));

/**
 * What CreatePrivateCA and UpdatePrivateCA store: CertText must be a CA certificate
 * (InvalidParameterValue.CACertInvalid), and VerifyCertText a certificate signed by its key, the
 * proof that the uploader holds it (InvalidParameterValue.CACertNotMatch).
 */
export async function verifiedCaCertificate(certText: string, verifyCertText: string): Promise<CaCertificate> {
  const ca = parseCertificate(certText);
  const constraints = ca?.getExtension(x509.BasicConstraintsExtension);
  if (!ca || constraints?.ca !== true) {
    throw new TencentError('InvalidParameterValue.CACertInvalid', { detail: 'Incorrect CA certificate content: CertText must be one PEM certificate with the CA basic constraint.' });
  }
  const proof = parseCertificate(verifyCertText);
  if (!proof || !(await isIssuedBy(proof, ca))) {
    throw new TencentError('InvalidParameterValue.CACertNotMatch', { detail: 'CA certificate mismatch: VerifyCertText must be a certificate signed by the key of CertText.' });
  }
  const facts = certFacts(ca);
  return {
    cert_text: ca.toString('pem'),
    fingerprint: facts.fingerprint,
    cert_sn: facts.serialHex,
    issuer_name: facts.issuer,
    subject: facts.subject,
    effective_at: facts.notBefore,
    expire_at: facts.notAfter,
  };
}

/** The answer for a refused CA write. */
export function caRefusalError(error: unknown, certName: string): unknown {
  if (!(error instanceof StoreRefusal)) return error;
  if (error.reason === 'name-taken') return new TencentError('LimitExceeded.CACertNameRepeat', { detail: `The certificate name already exists (CertName: ${certName}).` });
  if (error.reason === 'cert-taken') return new TencentError('LimitExceeded.CARepeat');
  if (error.reason === 'quota') return new TencentError('LimitExceeded.CACertLimit', { detail: 'The account holds the most private CA certificates it may (100).' });
  return error;
}

/** ResourceNotFound.CACertNotExist naming the certificate. */
export const caNotFound = (certName: string): TencentError =>
  new TencentError('ResourceNotFound.CACertNotExist', { detail: `The CA certificate does not exist (CertName: ${certName}).` });
