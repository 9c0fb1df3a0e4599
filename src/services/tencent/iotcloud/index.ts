import type { TencentProduct } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { CreateProduct } from './CreateProduct.ts';
import { UpdateProductDynamicRegister } from './UpdateProductDynamicRegister.ts';

export { iotcloudDeviceEndpoints } from './device-endpoints.ts';

/**
 * IoT Hub (iotcloud 2021-04-08): products, devices, private CAs. The gateway routes the whole
 * spec; an action not in this list answers UnsupportedOperation by name.
 */
export const iotcloudProduct: TencentProduct = {
  spec: iotcloudSpec,
  actions: [CreateProduct, UpdateProductDynamicRegister],
};
