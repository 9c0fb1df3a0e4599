import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireDevice } from './scope.ts';
import { deleteDevice } from './store/devices.ts';

/** Deletes a device, by IotId or ProductKey + DeviceName; its IotId never resolves again. */
export const DeleteDevice = defineAction({
  name: 'DeleteDevice',
  request: iotSpec.actions.DeleteDevice.request,
  async handle(ctx, params) {
    const { device } = await requireDevice(ctx, params);
    // A concurrent DeleteDevice may have won between the lookup and the delete.
    if (!(await deleteDevice(ctx.store.db, ctx.accountId, device))) throw new AlibabaError('iot.device.NotExistedDevice');
    ctx.revocations?.notify();
    return { Success: true };
  },
});
