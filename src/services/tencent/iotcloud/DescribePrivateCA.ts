import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { caNotFound } from './ca-upload.ts';
import { findPrivateCa } from './store/private-cas.ts';
import { certInfo } from './render.ts';

/** DescribePrivateCA: one of the caller's private CAs as CertInfo. */
export const DescribePrivateCA = defineAction({
  name: 'DescribePrivateCA',
  request: iotcloudSpec.actions.DescribePrivateCA.request,
  async handle(ctx, { CertName }) {
    const ca = await findPrivateCa(ctx.store.db, ctx.accountId, CertName);
    if (!ca) throw caNotFound(CertName);
    return { CA: certInfo(ca) };
  },
});
