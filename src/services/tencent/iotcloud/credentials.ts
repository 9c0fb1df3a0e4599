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

/**
 * The certificate (PEM, normalised) when `pem` is one the product's CA issued: the private CA it is
 * bound to, else the account's platform CA. Undefined when it is not a certificate or another
 * issuer's. A device brings such a certificate in CreateDevice's TlsCrt or registration's clientCert.
 */
export async function certificateOfProductCa(ctx: CertificateContext, product: ProductRow, pem: string): Promise<string | undefined> {
  const cert = parseCertificate(pem);
  if (!cert) return undefined;
  const caCert =
    product.private_ca_name === null
      ? (await platformCa(ctx, product.account_id)).cert
      : parseCertificate((await findPrivateCa(ctx.db, product.account_id, product.private_ca_name))?.cert_text ?? '');
  return caCert && (await isIssuedBy(cert, caCert)) ? cert.toString('pem') : undefined;
}
