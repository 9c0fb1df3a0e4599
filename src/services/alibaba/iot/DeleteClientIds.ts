import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { requireDeviceByIotId } from './scope.ts';
import { deleteClientIds } from './store/client-ids.ts';

/**
 * Revokes every ClientId registration-free dynamic registration issued to a device: their device
 * tokens no longer connect. Deleting when there are none succeeds (the state asked for holds).
 */
export const DeleteClientIds = defineAction({
  name: 'DeleteClientIds',
  request: iotSpec.actions.DeleteClientIds.request,
  async handle(ctx, params) {
    const device = await requireDeviceByIotId(ctx, params);
    await deleteClientIds(ctx.store.db, ctx.accountId, device.iot_id);
    ctx.revocations?.notify();
    return { Success: true };
  },
});
