import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireDevice } from './scope.ts';
import { newResetJobId } from './ids.ts';
import { resetDeviceRegistration } from './store/registration.ts';

/**
 * Resets a device's registration state, by IotId or ProductKey + DeviceName: the device is
 * UNACTIVE again (no GmtActive / GmtOnline) and may register dynamically once more. Its
 * DeviceSecret is kept until it does. Fleetgate resets at once; the JobId names the reset.
 */
export const ResetThing = defineAction({
  name: 'ResetThing',
  request: iotSpec.actions.ResetThing.request,
  async handle(ctx, params) {
    const { device } = await requireDevice(ctx, params);
    // A concurrent DeleteDevice may have won between the lookup and the reset.
    if (!(await resetDeviceRegistration(ctx.store.db, ctx.accountId, device.iot_id, ctx.now()))) throw new AlibabaError('iot.device.NotExistedDevice');
    ctx.revocations?.notify();
    return { Success: true, JobId: newResetJobId() };
  },
});
