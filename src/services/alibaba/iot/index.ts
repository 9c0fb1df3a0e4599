import type { AlibabaProduct } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { CreateProduct } from './CreateProduct.ts';
import { QueryProduct } from './QueryProduct.ts';
import { QueryProductList } from './QueryProductList.ts';
import { UpdateProduct } from './UpdateProduct.ts';
import { DeleteProduct } from './DeleteProduct.ts';
import { BatchCheckImportDevice } from './BatchCheckImportDevice.ts';
import { BatchImportDevice } from './BatchImportDevice.ts';
import { QueryBatchRegisterDeviceStatus } from './QueryBatchRegisterDeviceStatus.ts';
import { QueryImportedDeviceByApplyId } from './QueryImportedDeviceByApplyId.ts';
import { RegisterDevice } from './RegisterDevice.ts';
import { QueryDeviceDetail } from './QueryDeviceDetail.ts';
import { QueryDeviceInfo } from './QueryDeviceInfo.ts';
import { QueryDevice } from './QueryDevice.ts';
import { DeleteDevice } from './DeleteDevice.ts';
import { BatchCheckDeviceNames } from './BatchCheckDeviceNames.ts';
import { BatchRegisterDevice } from './BatchRegisterDevice.ts';
import { BatchRegisterDeviceWithApplyId } from './BatchRegisterDeviceWithApplyId.ts';
import { QueryPageByApplyId } from './QueryPageByApplyId.ts';
import { QueryClientIds } from './QueryClientIds.ts';
import { DeleteClientIds } from './DeleteClientIds.ts';
import { ResetThing } from './ResetThing.ts';

export { iotAdminModule } from './admin-routes.ts';
export { iotCliModule } from './cli.ts';
export { iotSeed } from './seed.ts';
export { iotDeviceEndpoints } from './device-endpoints.ts';
export { iotMqttRealm } from './mqtt-realm.ts';
export { startImportJobRunner, type ImportJobRunner, type ImportJobRunnerOptions } from './import-runner.ts';

/**
 * The IoT Platform 2018-01-20 actions Fleetgate implements (README.md in this folder). Its spec
 * is the generated one plus DeleteProduct, which is documented (iot20180120 DeleteProductRequest)
 * but missing from api-summary.json, and so has no documented QPS.
 */
export const iotProduct: AlibabaProduct = {
  spec: { ...iotSpec, actions: { ...iotSpec.actions, DeleteProduct: {} } },
  actions: [
    CreateProduct,
    QueryProduct,
    QueryProductList,
    UpdateProduct,
    DeleteProduct,
    BatchCheckImportDevice,
    BatchImportDevice,
    QueryBatchRegisterDeviceStatus,
    QueryImportedDeviceByApplyId,
    RegisterDevice,
    QueryDeviceDetail,
    QueryDeviceInfo,
    QueryDevice,
    DeleteDevice,
    BatchCheckDeviceNames,
    BatchRegisterDevice,
    BatchRegisterDeviceWithApplyId,
    QueryPageByApplyId,
    QueryClientIds,
    DeleteClientIds,
    ResetThing,
  ],
};
