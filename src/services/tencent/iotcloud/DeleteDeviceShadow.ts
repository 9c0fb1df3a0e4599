import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { updateDevice } from './store/devices.ts';

/**
 * DeleteDeviceShadow: every device has a shadow from its creation; deleting it resets it to the
 * empty document. Its documented errors name no product or device: any unknown pair has no shadow.
 */
export const DeleteDeviceShadow = defineAction({
  name: 'DeleteDeviceShadow',
  request: iotcloudSpec.actions.DeleteDeviceShadow.request,
  async handle(ctx, { ProductId, DeviceName }) {
    if (!(await updateDevice(ctx.store.db, ctx.accountId, ProductId, DeviceName, { shadow: null }, ctx.now()))) {
      throw new TencentError('ResourceNotFound.DeviceShadowNotExist', { detail: `The device shadow does not exist (ProductId: ${ProductId}, DeviceName: ${DeviceName}).` });
    }
    return {};
  },
});
