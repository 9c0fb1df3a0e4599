import type { ProductRow } from './store/products.ts';
import { issueDeviceCertificate, type CertificateContext } from './certificates.ts';
import { newDevicePsk } from './ids.ts';

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
