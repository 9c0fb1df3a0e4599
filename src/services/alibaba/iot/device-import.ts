import type { ImportTarget } from '../../../bulk-import/csv-import.ts';
import type { SecretBox } from '../../../core/secret-box.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { ROW_ERROR } from './import-check.ts';
import { newIotId } from './ids.ts';
import { isDeviceName, isImportedDeviceSecret, isSn } from './rules.ts';
import { MAX_DEVICES_PER_PRODUCT, deviceSealingContext, type DeviceRow } from './store/devices.ts';

/**
 * Alibaba's device import CSV (`DeviceName,DeviceSecret[,Sn]`) into one product, under the rules
 * BatchCheckImportDevice applies row by row (import-check.ts), with its ErrorMsg wording as the
 * report's reason. Each batch raises the product's device counter in its own transaction with
 * the quota condition, as BatchImportDevice's runner does: a full product stops the import.
 */
export function deviceImport(secrets: SecretBox, accountId: string, productKey: string, now: () => number): ImportTarget<DeviceRow> {
  return {
    kind: 'iot-devices',
    requiredColumns: ['DeviceName', 'DeviceSecret'],
    optionalColumns: ['Sn'],
    check(record) {
      const name = record.DeviceName!;
      const secret = record.DeviceSecret!;
      const sn = record.Sn || undefined;
      const errors = [
        isDeviceName(name) ? undefined : ROW_ERROR.name,
        isImportedDeviceSecret(secret) ? undefined : ROW_ERROR.secret,
        sn === undefined || isSn(sn) ? undefined : ROW_ERROR.sn,
      ].filter((error) => error !== undefined);
      if (errors.length > 0) return { reason: errors.join(' ') };
      const iotId = newIotId();
      const at = now();
      return {
        row: {
          iot_id: iotId,
          account_id: accountId,
          product_key: productKey,
          device_name: name,
          secret_sealed: secrets.seal(secret, deviceSealingContext(iotId)),
          sn: sn ?? null,
          nickname: null,
          status: 'UNACTIVE',
          created_at: at,
          modified_at: at,
          activated_at: null,
          online_at: null,
          mqtt_login: null,
        },
      };
    },
    key: (row) => row.device_name,
    repeated: () => ROW_ERROR.twice,
    async write(tx, rows) {
      const inserted = await tx
        .insertInto('iot_devices')
        .values([...rows])
        .onConflict((oc) => oc.columns(['product_key', 'device_name']).doNothing())
        .returning('device_name')
        .execute();
      if (inserted.length > 0) {
        const counted = await tx
          .updateTable('iot_products')
          .set((eb) => ({ device_count: eb('device_count', '+', inserted.length) }))
          .where('account_id', '=', accountId)
          .where('product_key', '=', productKey)
          .where('device_count', '<=', MAX_DEVICES_PER_PRODUCT - inserted.length)
          .executeTakeFirst();
        // The batch is rolled back: the product has no room left (or is gone).
        if (counted.numUpdatedRows === 0n) throw new StoreRefusal('quota', 'the product has no room for this batch (iot.device.DeviceCountExceeded)');
      }
      const written = new Set(inserted.map((row) => row.device_name));
      return new Map(rows.filter((row) => !written.has(row.device_name)).map((row) => [row.device_name, ROW_ERROR.exists]));
    },
  };
}
