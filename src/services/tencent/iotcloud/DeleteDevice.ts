import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { assertValid, invalidValue } from '../params-rules.ts';
import { productOf } from './product-access.ts';
import { deleteDevice } from './store/devices.ts';
import { deviceNotFound } from './device-access.ts';

/** DeleteDevice: removes a device (of a forbidden product too) and frees its place in the product's limits. */
export const DeleteDevice = defineAction({
  name: 'DeleteDevice',
  request: iotcloudSpec.actions.DeleteDevice.request,
  async handle(ctx, { ProductId, DeviceName, Skey }) {
    assertValid(Skey === undefined ? undefined : invalidValue('Skey', 'only LoRa devices take it'));
    await productOf(ctx, ProductId);
    if (!(await deleteDevice(ctx.store.db, ctx.accountId, ProductId, DeviceName))) throw deviceNotFound(ProductId, DeviceName);
    ctx.revocations?.notify();
    return {};
  },
});
