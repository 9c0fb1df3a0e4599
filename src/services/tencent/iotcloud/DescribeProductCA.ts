import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { productOf } from './product-access.ts';
import { findPrivateCa } from './store/private-cas.ts';
import { certFacts, certificateContextOf, platformCa } from './certificates.ts';
import { certInfo } from './render.ts';

/** The CertName DescribeProductCA shows for the account's platform CA. */
export const PLATFORM_CA_NAME = 'platform-ca';

/**
 * DescribeProductCA: the CA that issues or checks the product's device certificates: its private
 * CA when bound to one, else the account's platform CA (created now if this is its first need).
 * Key products use no CA: an empty list.
 */
export const DescribeProductCA = defineAction({
  name: 'DescribeProductCA',
  request: iotcloudSpec.actions.DescribeProductCA.request,
  async handle(ctx, { ProductId }) {
    const product = await productOf(ctx, ProductId);
    if (product.encryption_type !== '1') return { CAs: [] };
    if (product.private_ca_name !== null) {
      const ca = await findPrivateCa(ctx.store.db, ctx.accountId, product.private_ca_name);
      return { CAs: ca ? [certInfo(ca)] : [] };
    }
    const { cert } = await platformCa(certificateContextOf(ctx), ctx.accountId);
    const facts = certFacts(cert);
    return {
      CAs: [
        certInfo({
          cert_name: PLATFORM_CA_NAME,
          cert_sn: facts.serialHex,
          issuer_name: facts.issuer,
          subject: facts.subject,
          // Generated at ctx.now() and valid from then: its creation time.
          created_at: facts.notBefore,
          effective_at: facts.notBefore,
          expire_at: facts.notAfter,
          cert_text: cert.toString('pem'),
        }),
      ],
    };
  },
});
