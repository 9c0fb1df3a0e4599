import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { requireDevice, requireProductIn } from './scope.ts';
import { openDeviceSecret } from './store/devices.ts';
import { chinaWallClock, utcIso } from './time-format.ts';
import { compact } from './compact.ts';

const optional = <T>(value: number | null, render: (ms: number) => T): T | null => (value === null ? null : render(value));

/**
 * A device's details, by IotId or ProductKey + DeviceName. Gmt* times are `yyyy-MM-dd HH:mm:ss`
 * (UTC+8), Utc* times ISO 8601; activation and online times appear once the device connected.
 * Region is the RegionId the product was created with, when the client sent one.
 */
export const QueryDeviceDetail = defineAction({
  name: 'QueryDeviceDetail',
  request: iotSpec.actions.QueryDeviceDetail.request,
  async handle(ctx, params) {
    const { device, instanceId } = await requireDevice(ctx, params);
    const product = await requireProductIn(ctx, instanceId, device.product_key);
    return {
      Success: true,
      Data: compact({
        DeviceName: device.device_name,
        DeviceSecret: openDeviceSecret(ctx.secrets, device),
        GmtActive: optional(device.activated_at, chinaWallClock),
        GmtCreate: chinaWallClock(device.created_at),
        GmtOnline: optional(device.online_at, chinaWallClock),
        IotId: device.iot_id,
        Nickname: device.nickname,
        NodeType: product.node_type,
        Owner: true,
        ProductKey: device.product_key,
        ProductName: product.name,
        Region: product.region,
        Status: device.status,
        UtcActive: optional(device.activated_at, utcIso),
        UtcCreate: utcIso(device.created_at),
        UtcOnline: optional(device.online_at, utcIso),
      }),
    };
  },
});
