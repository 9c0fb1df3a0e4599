import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { noSuchDevice } from './ownership.ts';
import { deleteDeviceRecorded } from './store/device-records.ts';

/**
 * DeleteDevice: deletes one of the caller's devices. A device that came from activated hardware
 * gives the hardware back to its vendor as to-be-activated, in the same transaction. The deletion
 * is recorded for GetActiveDeviceCount.
 */
export const DeleteDevice = defineAction({
  name: 'DeleteDevice',
  request: mnaSpec.actions.DeleteDevice.request,
  async handle(ctx, { DeviceId }) {
    await ctx.store.db.transaction().execute(async (trx) => {
      if (!(await deleteDeviceRecorded(trx, ctx.accountId, DeviceId, ctx.now()))) throw noSuchDevice('DeviceId', DeviceId);
    });
    return {};
  },
});
