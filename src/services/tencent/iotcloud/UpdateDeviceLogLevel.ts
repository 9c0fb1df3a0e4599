import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { assertValid, checkOneOf } from '../params-rules.ts';
import { findProduct } from './store/products.ts';
import { updateDevice } from './store/devices.ts';
import { deviceNotFound, deviceOf } from './device-access.ts';

/**
 * UpdateDeviceLogLevel: 0 off, 1 error, 2 warning, 3 info, 4 debug. Its documented errors have no
 * ProductNotExist: an unknown product means an unknown device. A disabled device is refused.
 */
export const UpdateDeviceLogLevel = defineAction({
  name: 'UpdateDeviceLogLevel',
  request: iotcloudSpec.actions.UpdateDeviceLogLevel.request,
  async handle(ctx, { ProductId, DeviceName, LogLevel }) {
    assertValid(checkOneOf('LogLevel', LogLevel, [0, 1, 2, 3, 4]));
    if (!(await findProduct(ctx.store.db, ctx.accountId, ProductId))) throw deviceNotFound(ProductId, DeviceName);
    const device = await deviceOf(ctx, ProductId, DeviceName);
    if (device.enable_state !== 1) {
      throw new TencentError('UnauthorizedOperation.DeviceIsNotEnabled', { detail: `The device is not enabled (ProductId: ${ProductId}, DeviceName: ${DeviceName}).` });
    }
    if (!(await updateDevice(ctx.store.db, ctx.accountId, ProductId, DeviceName, { log_level: LogLevel }, ctx.now()))) throw deviceNotFound(ProductId, DeviceName);
    return {};
  },
});
