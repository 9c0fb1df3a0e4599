import { defineAction } from '../../cloud-action.ts';
import { pageAt } from '../../../storage/query-helpers.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireImportJob, requireInstance } from './scope.ts';
import { listImportedRows } from './store/import-jobs.ts';
import { openDeviceSecret } from './store/devices.ts';

/**
 * Pages through the devices a finished BatchImportDevice job created, in submission order. Paging
 * fields are top-level and the list is `DeviceList.device[]` (api-summary.json). A job still
 * running answers iot.device.CreateDeviceTaskIsRunning rather than a partial picture.
 */
export const QueryImportedDeviceByApplyId = defineAction({
  name: 'QueryImportedDeviceByApplyId',
  request: iotSpec.actions.QueryImportedDeviceByApplyId.request,
  async handle(ctx, params) {
    const { PageNo, PageSize } = params;
    if (PageNo < 1 || PageNo > 10_000 || PageSize < 1 || PageSize > 50) throw new AlibabaError('iot.common.InvalidPageParams');
    const instanceId = await requireInstance(ctx, params.IotInstanceId);
    const job = await requireImportJob(ctx, instanceId, params.ApplyId);
    if (job.status === 'CREATE') throw new AlibabaError('iot.device.CreateDeviceTaskIsRunning');
    const { total, rows } = await listImportedRows(ctx.store.db, job, pageAt(PageNo, PageSize));
    return {
      Success: true,
      PageNo,
      PageSize,
      TotalPage: Math.ceil(total / PageSize),
      ProductKey: job.product_key,
      DeviceList: {
        device: rows.map((row) => ({
          DeviceName: row.device_name,
          DeviceSecret: openDeviceSecret(ctx.secrets, row),
          ProductKey: job.product_key,
          Sn: row.sn ?? '',
        })),
      },
    };
  },
});
