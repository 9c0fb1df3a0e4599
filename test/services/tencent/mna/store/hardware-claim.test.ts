import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, openTestStore } from '../../../../support/databases.ts';
import { createAccount } from '../../../../../src/core/accounts.ts';
import { isUnmetExpectation } from '../../../../../src/storage/atomic-write.ts';
import { registerVendor } from '../../../../../src/services/tencent/mna/store/vendors.ts';
import { activationCandidates, hardwareClaim, insertHardware, type HardwareClaim } from '../../../../../src/services/tencent/mna/store/hardware.ts';
import { newDeviceId, newHardwareId } from '../../../../../src/services/tencent/mna/ids.ts';

describe.each(STORE_KINDS)('MNA hardware claims (%s)', (kind) => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let vendorId: string;
  let ownerId: string;
  beforeAll(async () => {
    opened = await openTestStore(kind);
    const { db } = opened.store;
    vendorId = (await createAccount(db, 'vendor', 1)).id;
    ownerId = (await createAccount(db, 'owner', 1)).id;
    await registerVendor(db, vendorId, 'ClaimVendor', 1);
  });
  afterAll(async () => opened?.close());

  /** Registers SNs to be activated; returns the claims that would activate them. */
  async function register(...sns: string[]): Promise<HardwareClaim[]> {
    const rows = sns.map((sn) => ({ hardware_id: newHardwareId(), sn, license_charging_mode: 1, description: '', status: 1 as const, created_at: 1, activated_at: null, owner_account_id: null }));
    await insertHardware(opened.store.db, vendorId, rows);
    return rows.map((row) => ({ sn: row.sn, hardwareId: row.hardware_id, deviceId: newDeviceId() }));
  }
  const claim = (claims: readonly HardwareClaim[]) => opened.store.writeAtomically([hardwareClaim(opened.store.db, vendorId, ownerId, 5, claims)]);
  const states = async (sns: string[]) => [...(await activationCandidates(opened.store.db, vendorId, sns)).values()].map((row) => [row.sn, row.status]).sort();

  it('activates every claimed SN, each recording its own device', async () => {
    const claims = await register('c-1', 'c-2', 'c-3');
    await claim(claims);
    const rows = await opened.store.db.selectFrom('mna_hardware').select(['sn', 'status', 'device_id', 'owner_account_id']).where('sn', 'in', ['c-1', 'c-2', 'c-3']).orderBy('sn').execute();
    expect(rows).toEqual(claims.map((c) => ({ sn: c.sn, status: 2, device_id: c.deviceId, owner_account_id: ownerId })));
  });

  it('changes nothing when one SN of the claim is already activated', async () => {
    const [fresh, taken] = await register('a-1', 'a-2');
    await claim([taken!]);
    const failure = await claim([fresh!, { ...taken!, deviceId: newDeviceId() }]).catch((error: unknown) => error);
    expect(isUnmetExpectation(failure)).toBe(true);
    expect(await states(['a-1', 'a-2'])).toEqual([['a-1', 1], ['a-2', 2]]);
  });

  it('changes nothing when an SN now belongs to other hardware than the one read', async () => {
    const [moved, kept] = await register('m-1', 'm-2');
    // The vendor renames: m-1's hardware gets another SN and other hardware takes m-1.
    const { db } = opened.store;
    await db.updateTable('mna_hardware').set({ sn: 'm-1-old' }).where('hardware_id', '=', moved!.hardwareId).execute();
    await register('m-1');
    const failure = await claim([moved!, kept!]).catch((error: unknown) => error);
    expect(isUnmetExpectation(failure)).toBe(true);
    expect(await states(['m-1', 'm-1-old', 'm-2'])).toEqual([['m-1', 1], ['m-1-old', 1], ['m-2', 1]]);
  });

  it("never claims another vendor's hardware with the same SN", async () => {
    const other = (await createAccount(opened.store.db, 'other vendor', 1)).id;
    await registerVendor(opened.store.db, other, 'OtherClaimVendor', 1);
    const hardwareId = newHardwareId();
    await insertHardware(opened.store.db, other, [{ hardware_id: hardwareId, sn: 'o-1', license_charging_mode: 1, description: '', status: 1, created_at: 1, activated_at: null, owner_account_id: null }]);
    const failure = await claim([{ sn: 'o-1', hardwareId, deviceId: newDeviceId() }]).catch((error: unknown) => error);
    expect(isUnmetExpectation(failure)).toBe(true);
    expect([...(await activationCandidates(opened.store.db, other, ['o-1'])).values()].map((row) => row.status)).toEqual([1]);
  });
});
