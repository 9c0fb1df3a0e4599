import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { caNotFound } from './ca-upload.ts';
import { deletePrivateCa } from './store/private-cas.ts';

/** DeletePrivateCA: refused with LimitExceeded.CAAlreadyBindProduct while a product is bound to it. */
export const DeletePrivateCA = defineAction({
  name: 'DeletePrivateCA',
  request: iotcloudSpec.actions.DeletePrivateCA.request,
  async handle(ctx, { CertName }) {
    let deleted: boolean;
    try {
      deleted = await deletePrivateCa(ctx.store.db, ctx.accountId, CertName);
    } catch (error) {
      if (error instanceof StoreRefusal && error.reason === 'bound') throw new TencentError('LimitExceeded.CAAlreadyBindProduct');
      throw error;
    }
    if (!deleted) throw caNotFound(CertName);
    return {};
  },
});
