import { defineAction } from '../../cloud-action.ts';
import { pageAt } from '../../../storage/query-helpers.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireImportJob, requireInstance } from './scope.ts';
import { listImportedRows } from './store/import-jobs.ts';
import { openDeviceSecret } from './store/devices.ts';

/**
 * Pages through the devices an apply created, in submission order, with their DeviceSecret and
 * IotId. Paging fields are top-level and the list is `ApplyDeviceList.ApplyDeviceInfo[]`
 * (api-summary.json). CurrentPage defaults to 1 and PageSize (1–50) to 10. An apply still
 * creating answers iot.device.CreateDeviceTaskIsRunning rather than a partial picture; one that
 * was only checked has created nothing. DeviceId, a legacy field without meaning, is left out.
 */
export const QueryPageByApplyId = defineAction({
  name: 'QueryPageByApplyId',
  request: iotSpec.actions.QueryPageByApplyId.request,
  async handle(ctx, params) {
    const { CurrentPage = 1, PageSize = 10 } = params;
    if (CurrentPage < 1 || PageSize < 1 || PageSize > 50) throw new AlibabaError('iot.common.InvalidPageParams');
    const instanceId = await requireInstance(ctx, params.IotInstanceId);
    const job = await requireImportJob(ctx, instanceId, params.ApplyId);
    if (job.status === 'CREATE') throw new AlibabaError('iot.device.CreateDeviceTaskIsRunning');
    const { total, rows } = await listImportedRows(ctx.store.db, job, pageAt(CurrentPage, PageSize));
    return {
      Success: true,
      Page: CurrentPage,
      PageSize,
      PageCount: Math.ceil(total / PageSize),
      Total: total,
      ApplyDeviceList: {
        ApplyDeviceInfo: rows.map((row) => ({ DeviceName: row.device_name, DeviceSecret: openDeviceSecret(ctx.secrets, row), IotId: row.iot_id })),
      },
    };
  },
});
