import type { TencentProduct } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { CreateProduct } from './CreateProduct.ts';
import { DescribeProduct } from './DescribeProduct.ts';
import { DescribeProducts } from './DescribeProducts.ts';
import { DeleteProduct } from './DeleteProduct.ts';
import { SetProductsForbiddenStatus } from './SetProductsForbiddenStatus.ts';
import { UpdateProductDynamicRegister } from './UpdateProductDynamicRegister.ts';
import { CreateDevice } from './CreateDevice.ts';
import { DescribeDevice } from './DescribeDevice.ts';
import { DescribeDevices } from './DescribeDevices.ts';
import { DeleteDevice } from './DeleteDevice.ts';
import { UpdateDevicesEnableState } from './UpdateDevicesEnableState.ts';
import { UpdateDeviceLogLevel } from './UpdateDeviceLogLevel.ts';
import { DeleteDeviceShadow } from './DeleteDeviceShadow.ts';
import { CreatePrivateCA } from './CreatePrivateCA.ts';
import { UpdatePrivateCA } from './UpdatePrivateCA.ts';
import { DescribePrivateCA } from './DescribePrivateCA.ts';
import { DescribePrivateCAs } from './DescribePrivateCAs.ts';
import { DescribePrivateCABindedProducts } from './DescribePrivateCABindedProducts.ts';
import { DescribeProductCA } from './DescribeProductCA.ts';
import { DeletePrivateCA } from './DeletePrivateCA.ts';

export { iotcloudDeviceEndpoints } from './device-endpoints.ts';
export { iotcloudSeed } from './seed.ts';
export { iotcloudMqttRealm } from './mqtt-realm.ts';

/**
 * IoT Hub (iotcloud 2021-04-08): the 20 actions of the international site (products, devices,
 * private CAs). The gateway routes the whole CN spec; an action not in this list answers
 * UnsupportedOperation by name.
 */
export const iotcloudProduct: TencentProduct = {
  spec: iotcloudSpec,
  actions: [
    CreateProduct,
    DescribeProduct,
    DescribeProducts,
    DeleteProduct,
    SetProductsForbiddenStatus,
    UpdateProductDynamicRegister,
    CreateDevice,
    DescribeDevice,
    DescribeDevices,
    DeleteDevice,
    UpdateDevicesEnableState,
    UpdateDeviceLogLevel,
    DeleteDeviceShadow,
    CreatePrivateCA,
    UpdatePrivateCA,
    DescribePrivateCA,
    DescribePrivateCAs,
    DescribePrivateCABindedProducts,
    DescribeProductCA,
    DeletePrivateCA,
  ],
};
