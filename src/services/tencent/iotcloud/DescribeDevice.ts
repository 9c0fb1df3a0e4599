import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { productOf } from './product-access.ts';
import { deviceOf } from './device-access.ts';
import { deviceInfo } from './render.ts';

/** DescribeDevice: one device of the caller's product, its PSK or certificate included (never a private key). */
export const DescribeDevice = defineAction({
  name: 'DescribeDevice',
  request: iotcloudSpec.actions.DescribeDevice.request,
  async handle(ctx, { ProductId, DeviceName }) {
    await productOf(ctx, ProductId);
    return deviceInfo(ctx.secrets, await deviceOf(ctx, ProductId, DeviceName));
  },
});
