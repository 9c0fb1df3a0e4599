import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { requireProduct } from './scope.ts';
import { isDeviceName, isNickname } from './rules.ts';
import { newDeviceName, newDeviceSecret } from './ids.ts';
import { registerDevice, type DeviceRefusal } from './store/devices.ts';
import { compact } from './compact.ts';

const REGISTRATION_REFUSAL: Readonly<Record<DeviceRefusal['reason'], string>> = {
  'name-taken': 'iot.device.AlreadyExistedDeviceName',
  quota: 'iot.device.DeviceCountExceeded',
  'product-gone': 'iot.prod.NotExistedProduct',
};

/**
 * Registers one device with a generated 32-character DeviceSecret and IotId; without a
 * DeviceName the platform picks one. The device is UNACTIVE until it first connects. Fleetgate
 * has no LoRaWAN products, so the LoRaWAN parameters are refused rather than ignored.
 */
export const RegisterDevice = defineAction({
  name: 'RegisterDevice',
  request: iotSpec.actions.RegisterDevice.request,
  async handle(ctx, params) {
    const lora = [params.AppKey, params.DevEui, params.JoinEui, params.LoraNodeType, params.PinCode];
    if (lora.some((value) => value !== undefined)) throw new AlibabaError('iot.common.InvalidFormattedParameter');
    if (params.DeviceName !== undefined && !isDeviceName(params.DeviceName)) throw new AlibabaError('iot.device.InvalidFormattedDeviceName');
    const nickname = params.Nickname || null;
    if (nickname !== null && !isNickname(nickname)) throw new AlibabaError('iot.common.InvalidFormattedParameter');
    const product = await requireProduct(ctx, params);
    const device = { deviceName: params.DeviceName ?? newDeviceName(), secret: newDeviceSecret(), nickname };
    const row = await registerDevice(ctx.store.db, ctx.secrets, ctx.accountId, product.product_key, device, ctx.now()).catch((error: unknown) => {
      throw error instanceof StoreRefusal ? new AlibabaError(REGISTRATION_REFUSAL[(error as DeviceRefusal).reason]) : error;
    });
    return {
      Success: true,
      Data: compact({
        DeviceName: row.device_name,
        DeviceSecret: device.secret,
        IotId: row.iot_id,
        Nickname: row.nickname,
        ProductKey: row.product_key,
      }),
    };
  },
});
