import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { requireDeviceByIotId } from './scope.ts';
import { listClientIds } from './store/client-ids.ts';

/**
 * The ClientIds registration-free dynamic registration issued to a device, oldest first:
 * `Data.DynamicRegClientIds[] {ClientId, CreateTime}` (epoch ms). A device that has none answers
 * an empty list.
 */
export const QueryClientIds = defineAction({
  name: 'QueryClientIds',
  request: iotSpec.actions.QueryClientIds.request,
  async handle(ctx, params) {
    const device = await requireDeviceByIotId(ctx, params);
    const entries = await listClientIds(ctx.store.db, ctx.accountId, device.iot_id);
    return {
      Success: true,
      Data: { IotId: device.iot_id, DynamicRegClientIds: entries.map((entry) => ({ ClientId: entry.clientId, CreateTime: entry.createdAt })) },
    };
  },
});
