import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { listPrivateCas } from './store/private-cas.ts';
import { certInfo } from './render.ts';

/** DescribePrivateCAs: every private CA of the caller (at most 100), oldest first. */
export const DescribePrivateCAs = defineAction({
  name: 'DescribePrivateCAs',
  request: iotcloudSpec.actions.DescribePrivateCAs.request,
  async handle(ctx) {
    return { CAs: (await listPrivateCas(ctx.store.db, ctx.accountId)).map(certInfo) };
  },
});
