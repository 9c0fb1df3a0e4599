import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { checkDeviceFields, newDevice, settleDataKey } from './device-fields.ts';
import { accountKeys, accountDataKeys, presetKeyEncrypter, signingKey } from './key-material.ts';
import { assertValid } from '../params-rules.ts';
import { checkText } from './validation.ts';
import { noSuchGroup, ownGroup } from './ownership.ts';
import { insertDevices } from './store/devices.ts';
import { brokenUniqueRule } from './store/constraints.ts';
import { isForeignKeyViolation } from '../../../storage/constraints.ts';

/**
 * AddDevice: a customer device of the caller's own (DeviceType 1), customer-paid. The DataKey is
 * the given one or a generated one; with Encrypted it is returned encrypted under the preset key
 * (CreateEncryptedKey). Signature = RSA-SHA256 (PKCS#1 v1.5) by the account's key (GetPublicKey)
 * over `DeviceId + "\n" + DataKey`, both exactly as returned.
 */
export const AddDevice = defineAction({
  name: 'AddDevice',
  request: mnaSpec.actions.AddDevice.request,
  async handle(ctx, params) {
    assertValid(checkDeviceFields((field) => field, params), checkText('Remark', params.Remark));
    const { db } = ctx.store;
    if (params.GroupId !== undefined) await ownGroup(db, ctx.accountId, params.GroupId);
    const keys = await accountKeys(ctx);
    const encrypt = params.Encrypted ? presetKeyEncrypter(ctx, keys) : undefined;
    if (params.Encrypted && !encrypt) throw new TencentError('InternalError.UndefinedEncryptedKey');
    const signer = await signingKey(ctx, keys);
    const settled = settleDataKey(ctx, accountDataKeys(ctx, keys), params.DataKey);
    const row = newDevice(params, settled, { accountId: ctx.accountId, remark: params.Remark ?? '', term: params.LicensePayMode ?? 0, hardwareId: null, now: ctx.now() });
    try {
      await insertDevices.run(db, [row]);
    } catch (error) {
      const rule = brokenUniqueRule(error);
      if (rule === 'mna_devices_name_unique') throw new TencentError('InternalError.DuplicateDeviceName');
      if (rule === 'mna_devices_data_key_unique') throw new TencentError('InternalError.DuplicateDataKey');
      // The group was deleted after the check above.
      if (isForeignKeyViolation(error) && params.GroupId !== undefined) throw noSuchGroup('GroupId', params.GroupId);
      throw error;
    }
    const delivered = encrypt ? encrypt(settled.dataKey) : settled.dataKey;
    return { DataKey: delivered, DeviceId: row.device_id, Signature: signer.sign(`${row.device_id}\n${delivered}`) };
  },
});
