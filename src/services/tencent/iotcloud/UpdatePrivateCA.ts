import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { caNotFound, caRefusalError, verifiedCaCertificate } from './ca-upload.ts';
import { replacePrivateCa } from './store/private-cas.ts';

/** UpdatePrivateCA: replaces a private CA's certificate, with the same checks as CreatePrivateCA. */
export const UpdatePrivateCA = defineAction({
  name: 'UpdatePrivateCA',
  request: iotcloudSpec.actions.UpdatePrivateCA.request,
  async handle(ctx, { CertName, CertText, VerifyCertText }) {
    const cert = await verifiedCaCertificate(CertText, VerifyCertText);
    let replaced: boolean;
    try {
      replaced = await replacePrivateCa(ctx.store.db, ctx.accountId, CertName, cert);
    } catch (error) {
      throw caRefusalError(error, CertName);
    }
    if (!replaced) throw caNotFound(CertName);
    return {};
  },
});
