import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { requireApplyOfProduct } from './scope.ts';
import { importOutcomes } from './store/import-jobs.ts';

/**
 * Status of any apply. A name check: CHECK, then CHECK_SUCCESS or CHECK_FAILED, with ValidList
 * the names that passed and InvalidList those given twice or already in the product. Creation
 * (BatchImportDevice, BatchRegisterDevice, BatchRegisterDeviceWithApplyId): CREATE while it runs,
 * then CREATE_SUCCESS, or CREATE_FAILED when any device was not created; ValidList / InvalidList
 * name the devices created and refused so far (a name taken meanwhile, or every unprocessed row of
 * a job that had to stop).
 */
export const QueryBatchRegisterDeviceStatus = defineAction({
  name: 'QueryBatchRegisterDeviceStatus',
  request: iotSpec.actions.QueryBatchRegisterDeviceStatus.request,
  async handle(ctx, params) {
    const { job } = await requireApplyOfProduct(ctx, params);
    const { valid, invalid } = await importOutcomes(ctx.store.db, job);
    return { Success: true, Data: { Status: job.status, ValidList: { Name: valid }, InvalidList: { Name: invalid } } };
  },
});
