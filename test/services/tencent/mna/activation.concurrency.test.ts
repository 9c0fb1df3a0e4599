import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer } from '../../../support/server.ts';
import { openWorld, unique, type Party, type World } from './support.ts';
import { mnaClient } from '../../../support/tencent-harness.ts';

const CONTENDERS = 8;

/** Runs the calls at once; returns the successes and the error codes of the failures. */
async function race<T>(calls: Promise<T>[]): Promise<{ won: T[]; codes: string[] }> {
  const settled = await Promise.allSettled(calls);
  return {
    won: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    codes: settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as { code: string }).code] : [])),
  };
}

describe.each(DIALECTS)('MNA concurrency: exactly one winner (%s)', (dialect) => {
  let world: World;
  let customers: Party[];
  beforeAll(async () => {
    world = await openWorld(dialect);
    customers = await Promise.all(Array.from({ length: CONTENDERS }, () => world.party()));
  });
  afterAll(() => world?.close());

  it('parallel ActivateHardware of one SN by different accounts', async () => {
    const sn = unique('race');
    await world.addHardware([sn]);
    const { won, codes } = await race(customers.map((c) => c.client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: 'contender' }] })));
    expect(won).toHaveLength(1);
    expect(codes).toEqual(Array(CONTENDERS - 1).fill('OperationDenied.HardwareHasActivated'));
    const rows = await world.server.app.store.db.selectFrom('mna_devices as d').innerJoin('mna_hardware as h', 'h.hardware_id', 'd.hardware_id').select(['d.device_id', 'd.account_id', 'h.owner_account_id']).where('h.sn', '=', sn).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.device_id).toBe(won[0]!.HardwareInfo![0]!.DeviceId);
    expect(rows[0]!.account_id).toBe(rows[0]!.owner_account_id);
  });

  it('parallel overlapping batches: one applies whole, the others write nothing', async () => {
    const sns = Array.from({ length: CONTENDERS + 1 }, () => unique('chain'));
    await world.addHardware(sns);
    // Contender i asks for SN i and SN i+1, so every batch overlaps its neighbours.
    const { won, codes } = await race(
      customers.map((c, i) =>
        c.client.ActivateHardware({
          Hardware: [
            { Vendor: world.vendorName, SN: sns[i]!, DeviceName: `${sns[i]}-a` },
            { Vendor: world.vendorName, SN: sns[i + 1]!, DeviceName: `${sns[i]}-b` },
          ],
        }),
      ),
    );
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(codes.every((code) => code === 'OperationDenied.HardwareHasActivated')).toBe(true);
    const devices = await world.server.app.store.db.selectFrom('mna_devices').select(['account_id', 'device_name']).where('device_name', 'like', 'chain-%').execute();
    const perAccount = new Map<string, number>();
    for (const d of devices) perAccount.set(d.account_id, (perAccount.get(d.account_id) ?? 0) + 1);
    expect([...perAccount.values()].every((n) => n === 2)).toBe(true);
    expect(perAccount.size).toBe(won.length);
  });

  it('parallel AddHardware of one SN by the vendor', async () => {
    const sn = unique('add-race');
    const { won, codes } = await race(Array.from({ length: CONTENDERS }, () => world.vendor.client.AddHardware({ Hardware: [{ SN: sn, LicenseChargingMode: 1 }] })));
    expect(won).toHaveLength(1);
    expect(codes).toEqual(Array(CONTENDERS - 1).fill('OperationDenied.DuplicateSN'));
    expect((await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: sn })).VendorHardware!.map((h) => h.HardwareId)).toEqual([won[0]!.Hardware![0]!.HardwareId]);
  });

  it('parallel AddDevice of one DeviceName in one account', async () => {
    const name = unique('dev-race');
    const { won, codes } = await race(Array.from({ length: CONTENDERS }, () => world.customer.client.AddDevice({ DeviceName: name })));
    expect(won).toHaveLength(1);
    expect(codes).toEqual(Array(CONTENDERS - 1).fill('InternalError.DuplicateDeviceName'));
  });

  it('parallel first GetPublicKey calls all see the one key that was kept', async () => {
    const fresh = await world.party();
    const keys = await Promise.all(Array.from({ length: CONTENDERS }, () => fresh.client.GetPublicKey()));
    expect(new Set(keys.map((k) => k.PublicKey)).size).toBe(1);
    expect((await fresh.client.GetPublicKey()).PublicKey).toBe(keys[0]!.PublicKey);
  });
});

describe('MNA concurrency across server nodes on one PostgreSQL database', () => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld('postgres');
  });
  afterAll(() => world?.close());

  it('parallel ActivateHardware of one SN through two nodes: exactly one winner', async () => {
    const { config } = world.server.app;
    const second = await startTestServer({ dialect: 'postgres', databaseUrl: config.databaseUrl, masterKey: config.masterKey });
    try {
      const customers = await Promise.all(Array.from({ length: CONTENDERS }, () => world.party()));
      const sn = unique('nodes');
      await world.addHardware([sn]);
      const { won, codes } = await race(
        customers.map((c, i) => {
          const client = i % 2 === 0 ? c.client : mnaClient(second, c.account);
          return client.ActivateHardware({ Hardware: [{ Vendor: world.vendorName, SN: sn, DeviceName: 'contender' }] });
        }),
      );
      expect(won).toHaveLength(1);
      expect(codes).toEqual(Array(CONTENDERS - 1).fill('OperationDenied.HardwareHasActivated'));
    } finally {
      await second.close();
    }
  });
});
