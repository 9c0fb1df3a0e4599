import type { Kysely } from 'kysely';
import type { Static } from '@sinclair/typebox';
import type { Database } from '../../storage/schema.ts';
import type { ActionContext } from '../action-context.ts';
import { defineTencentAction } from '../tencent-action.ts';
import { mnaSpec } from '../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../protocols/tencent/errors.ts';
import { activatedTerm } from './licensing.ts';
import { checkDeviceFields, newDevice, settleDataKey, type SettledDataKey } from './device-fields.ts';
import { accountKeys, dataKeyDigester } from './key-material.ts';
import { checkBatch, checkSerial, checkText, entryError, firstProblem, invalidValue, assertValid, type Check } from './validation.ts';
import { vendorAccountsByName } from './store/vendors.ts';
import { claimHardware, hardwareStates, type HardwareClaim } from './store/hardware.ts';
import { insertDevices, takenDataKeyDigests, takenDeviceNames } from './store/devices.ts';
import { groupNames } from './store/groups.ts';
import { noSuchGroup } from './ownership.ts';
import { brokenUniqueRule, isForeignKeyViolation } from './store/constraints.ts';

type Entry = Static<typeof mnaSpec.structs.ActivateHardware>;

/** An entry with its DeviceId and DataKey settled (given or generated) and the value checks' verdict. */
interface Prepared extends SettledDataKey {
  readonly entry: Entry;
  readonly at: (field: string) => string;
  readonly problem: Check;
}

/** Thrown inside the transaction to roll it back when the batch cannot be applied as a whole. */
class BatchConflict extends Error {}

/**
 * ActivateHardware: the caller activates vendor hardware by Vendor + SN and gets a device for
 * each entry, all in one transaction or not at all. On failure the error is that of the first
 * failing entry (value checks, then vendor, hardware, activation state, DeviceName, DataKey and
 * GroupId, in entry order). Of concurrent activations of one SN exactly one wins: the claim is
 * a conditional UPDATE that also records the new device on the hardware row.
 */
export const ActivateHardware = defineTencentAction({
  name: 'ActivateHardware',
  request: mnaSpec.actions.ActivateHardware.request,
  async handle(ctx, { Hardware }) {
    assertValid(checkBatch('Hardware', Hardware.length));
    const digest = dataKeyDigester(ctx, await accountKeys(ctx));
    const prepared = Hardware.map((entry, i): Prepared => {
      const at = (field: string) => `Hardware.${i}.${field}`;
      const problem = firstProblem(checkSerial(at('SN'), entry.SN), checkDeviceFields(at, entry), checkText(at('Description'), entry.Description));
      return { entry, at, ...settleDataKey(ctx, digest, entry.DataKey), problem };
    });
    // A vendor name never changes owner once registered, so it is resolved before the transaction,
    // which then holds the write lock only for the claim and the insert.
    const vendors = await vendorAccountsByName(ctx.store.db, Hardware.map((entry) => entry.Vendor));
    const invalid = prepared.find((p) => p.problem);
    if (invalid) throw (await firstFailure(ctx, prepared, vendors)) ?? invalid.problem;
    try {
      return { HardwareInfo: await ctx.store.db.transaction().execute((trx) => activate(ctx, trx, prepared, vendors)) };
    } catch (error) {
      const rule = brokenUniqueRule(error);
      if (!(error instanceof BatchConflict) && rule === undefined && !isForeignKeyViolation(error)) throw error;
      // Rolled back: explain with fresh reads which entry failed first.
      const failure = await firstFailure(ctx, prepared, vendors);
      if (failure) throw failure;
      if (rule === 'mna_devices_name_unique') throw new TencentError('InternalError.DuplicateDeviceName');
      if (error instanceof BatchConflict) throw new TencentError('OperationDenied.HardwareHasActivated');
      throw error;
    }
  },
});

async function activate(ctx: ActionContext, trx: Kysely<Database>, prepared: readonly Prepared[], vendors: ReadonlyMap<string, string>) {
  const now = ctx.now();
  const groupIds = prepared.flatMap((p) => (p.entry.GroupId === undefined ? [] : [p.entry.GroupId]));
  const groups = await groupNames(trx, ctx.accountId, groupIds);
  if (groupIds.some((id) => !groups.has(id))) throw new BatchConflict();

  const claimsByVendor = new Map<string, HardwareClaim[]>();
  for (const { entry, deviceId } of prepared) {
    const vendorAccountId = vendors.get(entry.Vendor);
    if (vendorAccountId === undefined) throw new BatchConflict();
    const claims = claimsByVendor.get(vendorAccountId) ?? [];
    claims.push({ sn: entry.SN, deviceId });
    claimsByVendor.set(vendorAccountId, claims);
  }
  const claimed = new Map<string, { hardware_id: string; license_charging_mode: number }>();
  // Vendors are claimed in a fixed order and each claim walks the (account_id, sn) index, which on
  // PostgreSQL visits an IN list in sorted order: overlapping batches wait for each other rather
  // than deadlock. (Two batches reusing each other's DataKeys in opposite orders still could; that
  // surfaces as InternalError.)
  for (const [vendorAccountId, claims] of [...claimsByVendor].sort(([a], [b]) => a.localeCompare(b))) {
    const rows = await claimHardware(trx, vendorAccountId, claims, ctx.accountId, now);
    // Fewer rows than entries: an SN is unknown, already activated, or twice in the batch.
    if (rows.length !== claims.length) throw new BatchConflict();
    for (const row of rows) claimed.set(`${vendorAccountId}\n${row.sn}`, row);
  }

  const devices = prepared.map(({ entry, ...settled }) => {
    const hardware = claimed.get(`${vendors.get(entry.Vendor)}\n${entry.SN}`)!;
    const term = activatedTerm(hardware.license_charging_mode, entry.LicensePayMode);
    return newDevice({ ...entry, ...settled, remark: entry.Description ?? '', term, hardwareId: hardware.hardware_id, now });
  });
  // Inserting in name order keeps concurrent batches from deadlocking on the unique name index.
  await insertDevices(
    trx,
    ctx.accountId,
    [...devices].sort((a, b) => (a.device_name < b.device_name ? -1 : 1)),
  );
  return prepared.map(({ entry, dataKey }, i) => {
    const row = devices[i]!;
    return {
      Vendor: entry.Vendor,
      SN: entry.SN,
      DeviceName: row.device_name,
      Description: row.remark,
      DataKey: dataKey,
      AccessScope: row.access_scope,
      LicensePayMode: row.license_pay_mode,
      GroupId: row.group_id ?? '',
      GroupName: row.group_id === null ? '' : groups.get(row.group_id)!,
      FlowTrunc: row.flow_trunc,
      DeviceId: row.device_id,
    };
  });
}

/** The first failing entry's error, judged on the committed state (read-only). */
async function firstFailure(ctx: ActionContext, prepared: readonly Prepared[], vendors: ReadonlyMap<string, string>): Promise<TencentError | undefined> {
  const { db } = ctx.store;
  const entries = prepared.map((p) => p.entry);
  const states = new Map<string, Awaited<ReturnType<typeof hardwareStates>>>();
  for (const vendorAccountId of new Set(vendors.values())) {
    const sns = entries.filter((e) => vendors.get(e.Vendor) === vendorAccountId).map((e) => e.SN);
    states.set(vendorAccountId, await hardwareStates(db, vendorAccountId, sns));
  }
  const takenNames = await takenDeviceNames(db, ctx.accountId, entries.map((e) => e.DeviceName));
  const takenKeys = await takenDataKeyDigests(db, ctx.accountId, prepared.map((p) => p.digest));
  const groups = await groupNames(db, ctx.accountId, entries.flatMap((e) => (e.GroupId === undefined ? [] : [e.GroupId])));

  const claimed = new Set<string>();
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const { entry, at, digest, problem } of prepared) {
    if (problem) return problem;
    const vendorAccountId = vendors.get(entry.Vendor);
    if (vendorAccountId === undefined) return entryError('OperationDenied.VendorNotRegister', at('Vendor'), entry.Vendor);
    const state = states.get(vendorAccountId)?.get(entry.SN);
    if (!state) return entryError('OperationDenied.HardwareNotExist', at('SN'), entry.SN);
    const hardwareKey = `${vendorAccountId}\n${entry.SN}`;
    if (state.status === 2 || claimed.has(hardwareKey)) return entryError('OperationDenied.HardwareHasActivated', at('SN'), entry.SN);
    claimed.add(hardwareKey);
    if (takenNames.has(entry.DeviceName) || names.has(entry.DeviceName)) return entryError('InternalError.DuplicateDeviceName', at('DeviceName'), entry.DeviceName);
    names.add(entry.DeviceName);
    if (takenKeys.has(digest) || keys.has(digest)) return invalidValue(at('DataKey'), 'another device of the account already uses this key');
    keys.add(digest);
    if (entry.GroupId !== undefined && !groups.has(entry.GroupId)) return noSuchGroup(at('GroupId'), entry.GroupId);
  }
  return undefined;
}
