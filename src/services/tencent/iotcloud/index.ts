import type { TencentProduct } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';

/**
 * IoT Hub (iotcloud 2021-04-08). The gateway already routes its whole spec, so every action
 * answers UnsupportedOperation by name until its file is added to this list.
 */
export const iotcloudProduct: TencentProduct = {
  spec: iotcloudSpec,
  actions: [],
};
