import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, openTestStore } from '../../../support/databases.ts';
import { createAccount } from '../../../../src/core/accounts.ts';
import type { ActionContext } from '../../../../src/services/action-context.ts';
import type { Store } from '../../../../src/storage/database.ts';
import { ActivateHardware } from '../../../../src/services/tencent/mna/ActivateHardware.ts';
import { registerVendor } from '../../../../src/services/tencent/mna/store/vendors.ts';
import { insertHardware } from '../../../../src/services/tencent/mna/store/hardware.ts';
import { newDeviceId, newHardwareId } from '../../../../src/services/tencent/mna/ids.ts';
import { unique } from './support.ts';
import { signal } from '../../../support/signal.ts';

/**
 * Races between ActivateHardware's reads and its write, staged by a store that changes the
 * database just before (and after) the activation's one atomic write.
 */
describe.each(STORE_KINDS)('MNA ActivateHardware races (%s)', (kind) => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let vendorId: string;
  let customerId: string;
  const vendorName = unique('RaceVendor');
  beforeAll(async () => {
    opened = await openTestStore(kind);
    vendorId = (await createAccount(opened.store.db, 'race vendor', 1)).id;
    customerId = (await createAccount(opened.store.db, 'race customer', 1)).id;
    await registerVendor(opened.store.db, vendorId, vendorName, 1);
  });
  afterAll(async () => opened?.close());

  const hardware = (sn: string) => ({ hardware_id: newHardwareId(), sn, license_charging_mode: 1, description: '', status: 1 as const, created_at: 1, activated_at: null, owner_account_id: null });

  /** The DeviceIds and DeviceNames ActivateHardware answers, in entry order. */
  async function activate(ctx: ActionContext, entry: { Vendor: string; SN: string; DeviceName: string }) {
    const { HardwareInfo } = (await ActivateHardware.handle(ctx, { Hardware: [entry] })) as { HardwareInfo: { DeviceId: string; DeviceName: string }[] };
    return HardwareInfo;
  }

  /** A context whose store runs `around` in place of the first atomic write. */
  function racing(around: (write: () => Promise<void>) => Promise<void>): ActionContext {
    const { store } = opened;
    let raced = false;
    const racingStore: Store = {
      ...store,
      writeAtomically: (statements) => {
        if (raced) return store.writeAtomically(statements);
        raced = true;
        return around(() => store.writeAtomically(statements));
      },
    };
    return { accountId: customerId, requestId: 'race', region: undefined, store: racingStore, secrets: opened.secrets, now: () => 5 };
  }

  it('an SN given to other hardware between the read and the claim activates the hardware that holds it now', async () => {
    const sn = unique('moved');
    const original = hardware(sn);
    await insertHardware(opened.store.db, vendorId, [original]);
    const successor = hardware(sn);
    const ctx = racing(async (write) => {
      await opened.store.db.updateTable('mna_hardware').set({ sn: `${sn}-old` }).where('hardware_id', '=', original.hardware_id).execute();
      await insertHardware(opened.store.db, vendorId, [successor]);
      await write();
    });
    const HardwareInfo = await activate(ctx, { Vendor: vendorName, SN: sn, DeviceName: unique('dev') });
    const rows = await opened.store.db.selectFrom('mna_hardware').select(['hardware_id', 'status', 'device_id']).where('hardware_id', 'in', [original.hardware_id, successor.hardware_id]).execute();
    expect(new Map(rows.map((r) => [r.hardware_id, [r.status, r.device_id]]))).toEqual(
      new Map([
        [original.hardware_id, [1, null]],
        [successor.hardware_id, [2, HardwareInfo[0]!.DeviceId]],
      ]),
    );
  });

  it('a DeviceName taken during the write but freed before the failure is explained is tried again and succeeds', async () => {
    const sn = unique('freed');
    await insertHardware(opened.store.db, vendorId, [hardware(sn)]);
    const name = unique('contested');
    const squatter = newDeviceId();
    const ctx = racing(async (write) => {
      await opened.store.db
        .insertInto('mna_devices')
        .values({ device_id: squatter, account_id: customerId, device_name: name, remark: '', data_key_sealed: 'x', data_key_digest: unique('digest'), access_scope: 0, license_pay_mode: 0, flow_trunc: 0, group_id: null, hardware_id: null, created_at: 1 })
        .execute();
      try {
        await write();
      } finally {
        await opened.store.db.deleteFrom('mna_devices').where('device_id', '=', squatter).execute();
      }
    });
    const HardwareInfo = await activate(ctx, { Vendor: vendorName, SN: sn, DeviceName: name });
    expect(HardwareInfo[0]!.DeviceName).toBe(name);
  });

  it('a DeviceName taken during the write and still taken is InternalError.DuplicateDeviceName, with nothing activated', async () => {
    const sn = unique('kept');
    const row = hardware(sn);
    await insertHardware(opened.store.db, vendorId, [row]);
    const name = unique('taken');
    const ctx = racing(async (write) => {
      await opened.store.db
        .insertInto('mna_devices')
        .values({ device_id: newDeviceId(), account_id: customerId, device_name: name, remark: '', data_key_sealed: 'x', data_key_digest: unique('digest'), access_scope: 0, license_pay_mode: 0, flow_trunc: 0, group_id: null, hardware_id: null, created_at: 1 })
        .execute();
      await write();
    });
    await expect(activate(ctx, { Vendor: vendorName, SN: sn, DeviceName: name })).rejects.toMatchObject({ code: 'InternalError.DuplicateDeviceName' });
    const status = await opened.store.db.selectFrom('mna_hardware').select('status').where('hardware_id', '=', row.hardware_id).executeTakeFirstOrThrow();
    expect(status.status).toBe(1);
  });

  it.runIf(kind === 'postgres')('the victim of a deadlock with a concurrent transaction tries once more and succeeds', async () => {
    const sn = unique('deadlock');
    const row = hardware(sn);
    await insertHardware(opened.store.db, vendorId, [row]);
    const name = unique('locked');
    let writes = 0;
    let firstWrite: unknown;
    let otherFailure: unknown;
    const ctx = racing(async (write) => {
      // The other transaction takes the DeviceName first, then waits for the hardware row the
      // activation's claim holds, while the activation waits for the name: a cycle PostgreSQL breaks.
      const [nameTaken, claimIssued] = [signal(), signal()];
      const other = opened.store.db
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('mna_devices')
            .values({ device_id: newDeviceId(), account_id: customerId, device_name: name, remark: '', data_key_sealed: 'x', data_key_digest: unique('digest'), access_scope: 0, license_pay_mode: 0, flow_trunc: 0, group_id: null, hardware_id: null, created_at: 1 })
            .execute();
          nameTaken.fire();
          await claimIssued.fired;
          await new Promise((resolve) => setTimeout(resolve, 300));
          await trx.updateTable('mna_hardware').set({ description: 'touched' }).where('hardware_id', '=', row.hardware_id).execute();
          throw new Error('rolled back on purpose');
        })
        .catch((error: unknown) => (otherFailure = error));
      await nameTaken.fired;
      const attempt = write();
      claimIssued.fire();
      try {
        await attempt.catch((error: unknown) => {
          firstWrite = error;
          throw error;
        });
      } finally {
        await other;
      }
    });
    const counting: ActionContext = { ...ctx, store: { ...ctx.store, writeAtomically: (statements) => ((writes += 1), ctx.store.writeAtomically(statements)) } };
    const HardwareInfo = await activate(counting, { Vendor: vendorName, SN: sn, DeviceName: name });
    expect(HardwareInfo[0]!.DeviceName).toBe(name);
    // PostgreSQL picks one victim: the activation's first write (then tried again) or the other transaction.
    const victim = firstWrite ?? otherFailure;
    expect((victim as { code?: string }).code).toBe('40P01');
    expect(writes).toBe(firstWrite === undefined ? 1 : 2);
  });
});
