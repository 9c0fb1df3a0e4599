import { Type } from '@sinclair/typebox';
import { defineSeedSection, SeedRefused, type SeedContext } from '../../../emulator/seed/seed-section.ts';
import { findVendorByName, registerVendor, VendorRegistrationError, VENDOR_NAME_PATTERN } from './store/vendors.ts';
import { findHardwareBySerial, detachAccountHardware } from './store/hardware.ts';
import { findGroupByName } from './store/groups.ts';
import { takenDeviceNames } from './store/devices.ts';
import { MAX_BATCH } from './validation.ts';
import { AddHardware } from './AddHardware.ts';
import { AddGroup } from './AddGroup.ts';
import { AddDevice } from './AddDevice.ts';
import { ActivateHardware } from './ActivateHardware.ts';

const AccountName = Type.String({ minLength: 1, maxLength: 64, description: 'account name' });
const Text = (description: string) => Type.Optional(Type.String({ maxLength: 256, description }));

const Vendor = Type.Object({ account: AccountName, name: Type.String({ pattern: VENDOR_NAME_PATTERN, description: 'the Vendor customers name' }) }, { additionalProperties: false });

const Hardware = Type.Object(
  {
    vendor: Type.String({ minLength: 1, maxLength: 64 }),
    sn: Type.String({ minLength: 1, maxLength: 64 }),
    licenseChargingMode: Type.Optional(Type.Integer({ description: 'AddHardware LicenseChargingMode: 1 (default) customer pays, 2 vendor monthly, 3 vendor permanent' })),
    description: Text('AddHardware Description'),
  },
  { additionalProperties: false },
);

const Group = Type.Object({ account: AccountName, name: Type.String({ minLength: 1, maxLength: 64 }), description: Text('AddGroup Description') }, { additionalProperties: false });

const Device = Type.Object(
  {
    account: AccountName,
    name: Type.String({ minLength: 1, maxLength: 64, description: 'DeviceName, unique per account' }),
    remark: Text('Remark (AddDevice) or Description (ActivateHardware)'),
    dataKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'DataKey (default: generated)' })),
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'name of a group of the account' })),
    accessScope: Type.Optional(Type.Integer()),
    licensePayMode: Type.Optional(Type.Integer()),
    flowTrunc: Type.Optional(Type.Integer()),
    hardware: Type.Optional(
      Type.Object({ vendor: Type.String({ minLength: 1, maxLength: 64 }), sn: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false, description: 'activate this vendor hardware (ActivateHardware) rather than AddDevice' }),
    ),
  },
  { additionalProperties: false },
);

const List = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Optional(Type.Array(item, { maxItems: 100_000 }));

/**
 * `mna`: vendors, their hardware, groups and devices (added, or activated from hardware). Entries
 * go through AddHardware, AddGroup, AddDevice and ActivateHardware as their owner calling them, so
 * they meet the actions' own rules; an entry whose natural key exists (vendor name, vendor + SN,
 * group name, DeviceName) is left as it is.
 */
export const mnaSeed = defineSeedSection({
  key: 'mna',
  schema: Type.Object({ vendors: List(Vendor), hardware: List(Hardware), groups: List(Group), devices: List(Device) }, { additionalProperties: false }),
  async apply(ctx, { vendors = [], hardware = [], groups = [], devices = [] }) {
    let created = 0;
    for (const [i, entry] of vendors.entries()) created += await seedVendor(ctx, `mna.vendors[${i}]`, entry);
    created += await seedHardware(ctx, hardware);
    for (const [i, entry] of groups.entries()) {
      const path = `mna.groups[${i}]`;
      const accountId = await ctx.accountId(entry.account, path);
      if (await findGroupByName(ctx.app.store.db, accountId, entry.name)) continue;
      await ctx.call(path, accountId, AddGroup, { GroupName: entry.name, Description: entry.description });
      created++;
    }
    for (const [i, entry] of devices.entries()) created += await seedDevice(ctx, `mna.devices[${i}]`, entry);
    return created;
  },
  detachAccount: detachAccountHardware,
});

async function seedVendor(ctx: SeedContext, path: string, entry: { account: string; name: string }): Promise<number> {
  const accountId = await ctx.accountId(entry.account, path);
  const existing = await findVendorByName(ctx.app.store.db, entry.name);
  if (existing) {
    if (existing.accountId !== accountId) throw new SeedRefused(path, `the vendor name ${entry.name} belongs to another account`);
    return 0;
  }
  try {
    await registerVendor(ctx.app.store.db, accountId, entry.name, ctx.app.now());
  } catch (error) {
    if (error instanceof VendorRegistrationError) throw new SeedRefused(path, error.message);
    throw error;
  }
  return 1;
}

/** The missing SNs, vendor by vendor, in AddHardware batches of at most 100. */
async function seedHardware(ctx: SeedContext, entries: readonly { vendor: string; sn: string; licenseChargingMode?: number; description?: string }[]): Promise<number> {
  const missing = new Map<string, { path: string; SN: string; LicenseChargingMode: number; Description?: string }[]>();
  for (const [i, entry] of entries.entries()) {
    const path = `mna.hardware[${i}]`;
    if (!(await findVendorByName(ctx.app.store.db, entry.vendor))) throw new SeedRefused(path, `no vendor ${entry.vendor} (list it under mna.vendors)`);
    if (await findHardwareBySerial(ctx.app.store.db, entry.vendor, entry.sn)) continue;
    const batch = missing.get(entry.vendor) ?? [];
    missing.set(entry.vendor, batch);
    batch.push({ path, SN: entry.sn, LicenseChargingMode: entry.licenseChargingMode ?? 1, Description: entry.description });
  }
  let created = 0;
  for (const [vendor, items] of missing) {
    const { accountId } = (await findVendorByName(ctx.app.store.db, vendor))!;
    for (let start = 0; start < items.length; start += MAX_BATCH) {
      const batch = items.slice(start, start + MAX_BATCH);
      const path = batch.length === 1 ? batch[0]!.path : `${batch[0]!.path}…${batch.at(-1)!.path}`;
      await ctx.call(path, accountId, AddHardware, { Hardware: batch.map(({ path: _path, ...fields }) => fields) });
      created += batch.length;
    }
  }
  return created;
}

async function seedDevice(
  ctx: SeedContext,
  path: string,
  entry: { account: string; name: string; remark?: string; dataKey?: string; group?: string; accessScope?: number; licensePayMode?: number; flowTrunc?: number; hardware?: { vendor: string; sn: string } },
): Promise<number> {
  const accountId = await ctx.accountId(entry.account, path);
  const { db } = ctx.app.store;
  if ((await takenDeviceNames(db, accountId, [entry.name])).size > 0) return 0;
  let groupId: string | undefined;
  if (entry.group !== undefined) {
    groupId = (await findGroupByName(db, accountId, entry.group))?.group_id;
    if (groupId === undefined) throw new SeedRefused(path, `account ${entry.account} has no group ${entry.group} (list it under mna.groups)`);
  }
  const fields = { DeviceName: entry.name, DataKey: entry.dataKey, AccessScope: entry.accessScope, LicensePayMode: entry.licensePayMode, FlowTrunc: entry.flowTrunc, GroupId: groupId };
  if (entry.hardware) await ctx.call(path, accountId, ActivateHardware, { Hardware: [{ ...fields, Vendor: entry.hardware.vendor, SN: entry.hardware.sn, Description: entry.remark }] });
  else await ctx.call(path, accountId, AddDevice, { ...fields, Remark: entry.remark });
  return 1;
}
