import type { AlibabaProduct } from '../../alibaba-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { createProductAction } from './CreateProduct.ts';
import { queryProduct } from './QueryProduct.ts';
import { queryProductList } from './QueryProductList.ts';
import { updateProductAction } from './UpdateProduct.ts';
import { deleteProductAction } from './DeleteProduct.ts';
import { batchCheckImportDevice } from './BatchCheckImportDevice.ts';
import { batchImportDevice } from './BatchImportDevice.ts';
import { queryBatchRegisterDeviceStatus } from './QueryBatchRegisterDeviceStatus.ts';
import { queryImportedDeviceByApplyId } from './QueryImportedDeviceByApplyId.ts';
import { registerDeviceAction } from './RegisterDevice.ts';
import { queryDeviceDetail } from './QueryDeviceDetail.ts';
import { queryDeviceInfo } from './QueryDeviceInfo.ts';
import { queryDevice } from './QueryDevice.ts';
import { deleteDeviceAction } from './DeleteDevice.ts';

export type { IotTables } from './tables.ts';
export { iotAdminModule } from './admin-routes.ts';
export { iotCliModule } from './cli.ts';
export { iotDeviceEndpoints } from './device-endpoints.ts';
export { startImportJobRunner, type ImportJobRunner, type ImportJobRunnerOptions } from './import-runner.ts';

/** The IoT Platform 2018-01-20 actions Fleetgate implements (README.md in this folder). */
export const iotProduct: AlibabaProduct = {
  product: iotSpec.product,
  version: iotSpec.version,
  actions: [
    createProductAction,
    queryProduct,
    queryProductList,
    updateProductAction,
    deleteProductAction,
    batchCheckImportDevice,
    batchImportDevice,
    queryBatchRegisterDeviceStatus,
    queryImportedDeviceByApplyId,
    registerDeviceAction,
    queryDeviceDetail,
    queryDeviceInfo,
    queryDevice,
    deleteDeviceAction,
  ],
};
