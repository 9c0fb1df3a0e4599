import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireProduct } from './scope.ts';
import { newDeviceName, newDeviceSecret } from './ids.ts';
import { MAX_APPLY_DEVICES, refuseBeyondQuota } from './apply-limits.ts';
import { createImportJob } from './store/import-jobs.ts';

/**
 * Registers `Count` (1–10,000) devices whose names the platform picks (20 alphanumerics, like
 * RegisterDevice without a DeviceName), as an asynchronous apply in CREATE: the job runner creates
 * them, QueryBatchRegisterDeviceStatus follows it and QueryPageByApplyId lists the devices.
 */
export const BatchRegisterDevice = defineAction({
  name: 'BatchRegisterDevice',
  request: iotSpec.actions.BatchRegisterDevice.request,
  async handle(ctx, params) {
    if (params.Count < 1) throw new AlibabaError('iot.common.InvalidFormattedParameter');
    if (params.Count > MAX_APPLY_DEVICES) throw new AlibabaError('iot.device.TooManyDeviceNamesPerRequest');
    const product = await requireProduct(ctx, params);
    refuseBeyondQuota(product, params.Count);
    const devices = Array.from({ length: params.Count }, () => ({ DeviceName: newDeviceName(), DeviceSecret: newDeviceSecret() }));
    const applyId = await createImportJob(ctx.store.db, ctx.secrets, ctx.accountId, product.product_key, devices, ctx.now(), 'generated');
    return { Success: true, Data: { ApplyId: applyId } };
  },
});
