import { Type } from '@sinclair/typebox';
import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { checkImportList } from './import-check.ts';

// DeviceList is optional here though the spec requires it: an empty list has no parameters on
// the wire, and its documented answer is iot.device.NoneDeviceNameElement, not MissingDeviceList.
const { DeviceList, IotInstanceId, ProductKey } = iotSpec.actions.BatchCheckImportDevice.request.properties;
const request = Type.Object({ DeviceList: Type.Optional(DeviceList), IotInstanceId, ProductKey });

/**
 * Checks up to 10,000 devices for BatchImportDevice without importing them. A clean list answers
 * `{Success: true}` with no Data (the seed's sample); otherwise Data holds plain string arrays
 * and InvalidDetailList names every refused row.
 */
export const BatchCheckImportDevice = defineAction({
  name: 'BatchCheckImportDevice',
  request,
  async handle(ctx, params) {
    const { problems } = await checkImportList(ctx, params);
    if (!problems) return { Success: true };
    return {
      Success: true,
      Data: {
        InvalidDeviceNameList: problems.invalidDeviceNames,
        InvalidDeviceSecretList: problems.invalidDeviceSecrets,
        InvalidSnList: problems.invalidSns,
        RepeatedDeviceNameList: problems.repeatedDeviceNames,
        InvalidDetailList: problems.invalidDetails,
      },
    };
  },
});
