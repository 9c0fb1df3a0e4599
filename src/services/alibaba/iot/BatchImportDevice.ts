import { Type } from '@sinclair/typebox';
import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { checkImportList, type ImportProblems } from './import-check.ts';
import { createImportJob } from './store/import-jobs.ts';
import { refuseBeyondQuota } from './apply-limits.ts';

// DeviceList is optional here though the spec requires it: an empty list has no parameters on
// the wire, and its documented answer is iot.device.NoneDeviceNameElement, not MissingDeviceList.
const { DeviceList, IotInstanceId, ProductKey } = iotSpec.actions.BatchImportDevice.request.properties;
const request = Type.Object({ DeviceList: Type.Optional(DeviceList), IotInstanceId, ProductKey });

const NO_PROBLEMS: ImportProblems = { invalidDeviceNames: [], invalidDeviceSecrets: [], invalidSns: [], repeatedDeviceNames: [], invalidDetails: [] };

// This action wraps every list in an object with a lower-camel item key (api-summary.json).
function wrappedLists(problems: ImportProblems) {
  return {
    InvalidDeviceNameList: { invalidDeviceName: problems.invalidDeviceNames },
    InvalidDeviceSecretList: { invalidDeviceSecret: problems.invalidDeviceSecrets },
    InvalidSnList: { invalidSn: problems.invalidSns },
    RepeatedDeviceNameList: { repeatedDeviceName: problems.repeatedDeviceNames },
    InvalidDetailList: { InvalidDetailList: problems.invalidDetails },
  };
}

/**
 * Imports up to 10,000 devices with caller-chosen secrets as an asynchronous job: the rows are
 * stored with the job, and `Data.ApplyId` identifies it for QueryBatchRegisterDeviceStatus and
 * QueryImportedDeviceByApplyId. A list that fails BatchCheckImportDevice's checks imports nothing:
 * `Success: false`, iot.device.InvalidDeviceParams, and the same findings in Data.
 */
export const BatchImportDevice = defineAction({
  name: 'BatchImportDevice',
  request,
  async handle(ctx, params) {
    const devices = params.DeviceList ?? [];
    const { product, problems } = await checkImportList(ctx, params);
    if (problems) {
      const refusal = new AlibabaError('iot.device.InvalidDeviceParams');
      return { Success: false, Code: refusal.code, ErrorMessage: refusal.message, Data: wrappedLists(problems) };
    }
    refuseBeyondQuota(product, devices.length);
    const applyId = await createImportJob(ctx.store.db, ctx.secrets, ctx.accountId, product.product_key, devices, ctx.now());
    return { Success: true, Data: { ApplyId: applyId, ...wrappedLists(NO_PROBLEMS) } };
  },
});
