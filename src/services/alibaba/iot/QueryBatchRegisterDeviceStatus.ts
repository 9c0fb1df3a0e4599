import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireImportJob, requireInstance, requireProductIn } from './scope.ts';
import { importOutcomes } from './store/import-jobs.ts';

/**
 * Status of a BatchImportDevice job: CREATE while it runs, then CREATE_SUCCESS, or CREATE_FAILED
 * when any device was not created. ValidList / InvalidList name the devices created and refused
 * so far (a name taken after the check, or every unprocessed row of a job that had to stop).
 */
export const QueryBatchRegisterDeviceStatus = defineAction({
  name: 'QueryBatchRegisterDeviceStatus',
  request: iotSpec.actions.QueryBatchRegisterDeviceStatus.request,
  async handle(ctx, params) {
    const instanceId = await requireInstance(ctx, params.IotInstanceId);
    const product = await requireProductIn(ctx, instanceId, params.ProductKey);
    const job = await requireImportJob(ctx, instanceId, params.ApplyId);
    if (job.product_key !== product.product_key) throw new AlibabaError('iot.device.DeviceApplyIsNotFound');
    const { created, failed } = await importOutcomes(ctx.store.db, job);
    return { Success: true, Data: { Status: job.status, ValidList: { Name: created }, InvalidList: { Name: failed } } };
  },
});
