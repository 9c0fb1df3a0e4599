import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireApplyOfProduct } from './scope.ts';
import { refuseBeyondQuota } from './apply-limits.ts';
import { startNamesRegistration } from './store/import-jobs.ts';

/**
 * Creates the devices of a BatchCheckDeviceNames apply once its check reached CHECK_SUCCESS: the
 * apply moves to CREATE under the same ApplyId and the job runner creates its devices. Calling it
 * again for an apply already creating (or created) answers the same ApplyId and starts nothing.
 * An apply still checking, whose check failed, or that did not come from BatchCheckDeviceNames is
 * iot.device.IncorrentDeviceApplyInfo.
 */
export const BatchRegisterDeviceWithApplyId = defineAction({
  name: 'BatchRegisterDeviceWithApplyId',
  request: iotSpec.actions.BatchRegisterDeviceWithApplyId.request,
  async handle(ctx, params) {
    const { product, job } = await requireApplyOfProduct(ctx, params);
    if (job.kind !== 'names') throw new AlibabaError('iot.device.IncorrentDeviceApplyInfo');
    if (job.status === 'CHECK_SUCCESS') refuseBeyondQuota(product, job.total);
    const status = await startNamesRegistration(ctx.store.db, ctx.accountId, job.apply_id, ctx.now());
    if (!status.startsWith('CREATE')) throw new AlibabaError('iot.device.IncorrentDeviceApplyInfo');
    return { Success: true, Data: { ApplyId: job.apply_id } };
  },
});
