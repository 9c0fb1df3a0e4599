import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { assertValid } from '../params-rules.ts';
import { caRefusalError, checkCertName, verifiedCaCertificate } from './ca-upload.ts';
import { createPrivateCa } from './store/private-cas.ts';

/** CreatePrivateCA: uploads a CA certificate (never its key) with proof of possession, under a name unique in the account. */
export const CreatePrivateCA = defineAction({
  name: 'CreatePrivateCA',
  request: iotcloudSpec.actions.CreatePrivateCA.request,
  async handle(ctx, { CertName, CertText, VerifyCertText }) {
    assertValid(checkCertName(CertName));
    const cert = await verifiedCaCertificate(CertText, VerifyCertText);
    try {
      await createPrivateCa(ctx.store.db, ctx.accountId, CertName, cert, ctx.now());
    } catch (error) {
      throw caRefusalError(error, CertName);
    }
    return {};
  },
});
