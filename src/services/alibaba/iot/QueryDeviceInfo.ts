import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { requireDevice } from './scope.ts';
import { openDeviceSecret } from './store/devices.ts';
import { compact } from './compact.ts';

/** A device's identity and DeviceSecret, by IotId or ProductKey + DeviceName. */
export const QueryDeviceInfo = defineAction({
  name: 'QueryDeviceInfo',
  request: iotSpec.actions.QueryDeviceInfo.request,
  async handle(ctx, params) {
    const { device } = await requireDevice(ctx, params);
    return {
      Success: true,
      Data: compact({
        DeviceName: device.device_name,
        DeviceSecret: openDeviceSecret(ctx.secrets, device),
        IotId: device.iot_id,
        Nickname: device.nickname,
        ProductKey: device.product_key,
      }),
    };
  },
});
