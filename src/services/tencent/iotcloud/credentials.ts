import type { ProductRow } from './store/products.ts';
import { isIssuedBy, issueDeviceCertificate, parseCertificate, platformCa, type CertificateContext } from './certificates.ts';
import { newDevicePsk } from './ids.ts';
import { findPrivateCa } from './store/private-cas.ts';

/** What a new device of a product gets: a PSK (key products) or a certificate and its private key (certificate products). */
export type IssuedCredentials = { readonly psk: string } | { readonly cert: string; readonly privateKey: string };

/**
 * Credentials for a new device of a product whose platform issues them: key products get a fresh
 * (or the caller's own) PSK; certificate products a certificate from the account's platform CA.
 * A product bound to a private CA is the caller's business (the device brings its certificate):
 * this throws for it.
 */
export async function issueCredentials(ctx: CertificateContext, product: ProductRow, deviceName: string, definedPsk?: string): Promise<IssuedCredentials> {
  if (product.encryption_type === '2') return { psk: definedPsk ?? newDevicePsk() };
  if (product.private_ca_name !== null) throw new Error(`product ${product.product_id} is bound to private CA ${product.private_ca_name}: its devices bring their own certificates`);
  return issueDeviceCertificate(ctx, product.account_id, product.product_id, deviceName);
}

/** A brought device certificate: the normalised PEM to store, or why it is refused (the caller words the error). */
export type BroughtCertificate = { readonly cert: string } | { readonly problem: string };

/**
 * Checks a certificate a device brings (CreateDevice's TlsCrt, registration's clientCert) for the
 * device `deviceName` at `atMs`: issued by the product's CA (the private CA it is bound to, else
 * the account's platform CA), within its validity period, and naming this device as subject
 * CN = ProductId + DeviceName, as the certificates Fleetgate issues do. Without that binding,
 * anyone holding the ProductSecret could re-register device B with device A's certificate.
 */
export async function certificateOfProductCa(ctx: CertificateContext, product: ProductRow, deviceName: string, pem: string, atMs: number): Promise<BroughtCertificate> {
  const cert = parseCertificate(pem);
  if (!cert) return { problem: 'it is not a PEM certificate' };
  const caCert =
    product.private_ca_name === null
      ? (await platformCa(ctx, product.account_id)).cert
      : parseCertificate((await findPrivateCa(ctx.db, product.account_id, product.private_ca_name))?.cert_text ?? '');
  if (!caCert || !(await isIssuedBy(cert, caCert))) return { problem: `it was not issued by the CA of the product ${product.product_id}` };
  if (atMs < cert.notBefore.getTime() || atMs > cert.notAfter.getTime()) {
    return { problem: `it is valid only from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}` };
  }
  const expectedCn = `${product.product_id}${deviceName}`;
  const cns = cert.subjectName.getField('CN');
  if (cns.length !== 1 || cns[0] !== expectedCn) return { problem: `its subject CN must be ${expectedCn} (ProductId + DeviceName)` };
  return { cert: cert.toString('pem') };
}
