import type { Static } from '@sinclair/typebox';
import type { ActionContext } from '../../action-context.ts';
import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { isUnmetExpectation, type GuardedStatement } from '../../../storage/atomic-write.ts';
import { activatedTerm } from './licensing.ts';
import { checkDeviceFields, newDevice, settleDataKey } from './device-fields.ts';
import { accountKeys, accountDataKeys } from './key-material.ts';
import { entryError, firstProblem, invalidValue, assertValid, type Check } from '../params-rules.ts';
import { checkBatch, checkSerial, checkText } from './validation.ts';
import { vendorAccountsByName } from './store/vendors.ts';
import { activationCandidates, hardwareClaim, type ActivationCandidate, type HardwareClaim } from './store/hardware.ts';
import { insertDevices, takenDataKeyDigests, takenDeviceNames } from './store/devices.ts';
import { groupNames } from './store/groups.ts';
import { findAccountKeys } from './store/account-keys.ts';
import { noSuchGroup } from './ownership.ts';
import { brokenUniqueRule } from './store/constraints.ts';
import { isForeignKeyViolation, isTransientConflict } from '../../../storage/constraints.ts';
import type { MnaDeviceRow } from './tables.ts';

type Entry = Static<typeof mnaSpec.structs.ActivateHardware>;

/** What a batch is judged against, as last read. */
interface Facts {
  /** Vendor name → the vendor's account. */
  readonly vendors: ReadonlyMap<string, string>;
  /** The hardware the entries name, by vendor account, then SN. */
  readonly hardware: ReadonlyMap<string, ReadonlyMap<string, ActivationCandidate>>;
  /** Group id → name, for the account's groups the entries name. */
  readonly groups: ReadonlyMap<string, string>;
  /** Only read to explain a failure: the entries' DeviceNames and DataKeys other devices of the account already use. */
  readonly taken?: { readonly names: ReadonlySet<string>; readonly dataKeys: ReadonlySet<string> };
}

/**
 * ActivateHardware: the caller activates vendor hardware by Vendor + SN and gets a device for
 * each entry, all at once or not at all. On failure the error is that of the first failing entry
 * (value checks, then vendor, hardware, activation state, DeviceName, DataKey and GroupId, in
 * entry order). The batch is checked against what it reads first; then one atomic write claims
 * the hardware (a conditional UPDATE that must change one row per entry: of concurrent
 * activations of one SN exactly one wins) and inserts the devices, where the schema's unique
 * and foreign keys catch whatever changed since the reads.
 */
export const ActivateHardware = defineAction({
  name: 'ActivateHardware',
  request: mnaSpec.actions.ActivateHardware.request,
  async handle(ctx, { Hardware }) {
    assertValid(checkBatch('Hardware', Hardware.length));
    const problems = Hardware.map((entry, i) => {
      const at = (field: string) => `Hardware.${i}.${field}`;
      return firstProblem(checkSerial(at('SN'), entry.SN), checkDeviceFields(at, entry), checkText(at('Description'), entry.Description));
    });
    // A failed write that fresh reads cannot explain lost a race with a change they no longer show
    // (an SN given to other hardware in between, a clashing device deleted since), or was
    // PostgreSQL's deadlock victim: one more try.
    return (await activate(ctx, Hardware, problems, false)) ?? (await activate(ctx, Hardware, problems, true))!;
  },
});

/** One try at the batch; undefined when the write failed for a reason gone by the time it is explained, unless `last`. */
async function activate(ctx: ActionContext, entries: readonly Entry[], problems: readonly Check[], last: boolean) {
  const facts = await readFacts(ctx, entries);
  const failure = firstFailure(entries, problems, facts);
  // An earlier entry may still fail on a DeviceName or DataKey the account already uses.
  if (failure) throw (await explainFailure(ctx, entries, problems, facts.vendors)) ?? failure;

  // Only a batch that passed its checks creates the account's key row (for the DataKey digests).
  const keys = accountDataKeys(ctx, await accountKeys(ctx));
  const now = ctx.now();
  const claims = new Map<string, HardwareClaim[]>();
  const dataKeys: string[] = [];
  const devices = entries.map((entry): MnaDeviceRow => {
    const vendorAccountId = facts.vendors.get(entry.Vendor)!;
    const hardware = facts.hardware.get(vendorAccountId)!.get(entry.SN)!;
    const settled = settleDataKey(ctx, keys, entry.DataKey);
    dataKeys.push(settled.dataKey);
    append(claims, vendorAccountId, { sn: entry.SN, hardwareId: hardware.hardware_id, deviceId: settled.deviceId });
    const term = activatedTerm(hardware.license_charging_mode, entry.LicensePayMode);
    return newDevice(entry, settled, { accountId: ctx.accountId, remark: entry.Description ?? '', term, hardwareId: hardware.hardware_id, now });
  });
  try {
    await ctx.store.writeAtomically(activationWrite(ctx, claims, devices, now));
  } catch (error) {
    const rule = brokenUniqueRule(error);
    if (!isUnmetExpectation(error) && rule === undefined && !isForeignKeyViolation(error) && !isTransientConflict(error)) throw error;
    // Nothing was written: explain with fresh reads which entry failed first.
    const explained = await explainFailure(ctx, entries, problems, facts.vendors);
    if (explained) throw explained;
    if (!last) return undefined;
    if (rule === 'mna_devices_name_unique') throw new TencentError('InternalError.DuplicateDeviceName');
    if (isUnmetExpectation(error)) throw new TencentError('OperationDenied.HardwareHasActivated');
    throw error;
  }
  return {
    HardwareInfo: entries.map((entry, i) => {
      const row = devices[i]!;
      return {
        Vendor: entry.Vendor,
        SN: entry.SN,
        DeviceName: row.device_name,
        Description: row.remark,
        DataKey: dataKeys[i]!,
        AccessScope: row.access_scope,
        LicensePayMode: row.license_pay_mode,
        GroupId: row.group_id ?? '',
        // As read before the write: a rename meanwhile shows in the next read.
        GroupName: row.group_id === null ? '' : facts.groups.get(row.group_id)!,
        FlowTrunc: row.flow_trunc,
        DeviceId: row.device_id,
      };
    }),
  };
}

/**
 * The claims, vendor by vendor in a fixed order, then the devices in name order. Each claim
 * walks the (account_id, sn) index, which on PostgreSQL visits an IN list in sorted order, and
 * the names are inserted sorted, so overlapping batches wait for each other rather than
 * deadlock. (Two batches reusing each other's DataKeys in opposite orders still could; the
 * victim tries once more.)
 */
function activationWrite(ctx: ActionContext, claims: ReadonlyMap<string, HardwareClaim[]>, devices: readonly MnaDeviceRow[], now: number): GuardedStatement[] {
  const { db } = ctx.store;
  const byVendor = [...claims].sort(([a], [b]) => (a < b ? -1 : 1));
  const statements = byVendor.map(([vendorAccountId, vendorClaims]) => hardwareClaim(db, vendorAccountId, ctx.accountId, now, vendorClaims));
  statements.push({ query: insertDevices.compile(db, [...devices].sort((a, b) => (a.device_name < b.device_name ? -1 : 1))) });
  return statements;
}

/** Reads the vendors, hardware and groups the entries name. */
async function readFacts(ctx: ActionContext, entries: readonly Entry[], vendors?: ReadonlyMap<string, string>): Promise<Facts> {
  const { db } = ctx.store;
  // A vendor name never changes owner once registered: a failure is explained with the vendors already read.
  const vendorAccounts = vendors ?? (await vendorAccountsByName(db, entries.map((entry) => entry.Vendor)));
  const serials = new Map<string, string[]>();
  for (const entry of entries) {
    const vendorAccountId = vendorAccounts.get(entry.Vendor);
    if (vendorAccountId !== undefined) append(serials, vendorAccountId, entry.SN);
  }
  const hardware = new Map<string, ReadonlyMap<string, ActivationCandidate>>();
  for (const [vendorAccountId, sns] of serials) hardware.set(vendorAccountId, await activationCandidates(db, vendorAccountId, sns));
  const groupIds = entries.flatMap((entry) => (entry.GroupId === undefined ? [] : [entry.GroupId]));
  return { vendors: vendorAccounts, hardware, groups: await groupNames(db, ctx.accountId, groupIds) };
}

/** The first failing entry's error, judged on fresh reads, including the names and DataKeys the account already uses (read-only). */
async function explainFailure(ctx: ActionContext, entries: readonly Entry[], problems: readonly Check[], vendors: ReadonlyMap<string, string>): Promise<TencentError | undefined> {
  const { db } = ctx.store;
  const facts = await readFacts(ctx, entries, vendors);
  const names = await takenDeviceNames(db, ctx.accountId, entries.map((entry) => entry.DeviceName));
  // Without a key row the account has no device, so no DataKey is taken yet.
  const keys = await findAccountKeys(db, ctx.accountId);
  const dataKeys = new Set<string>();
  if (keys) {
    const fingerprints = accountDataKeys(ctx, keys);
    const digests = new Map(entries.flatMap((entry) => (entry.DataKey === undefined ? [] : [[fingerprints.digest(entry.DataKey), entry.DataKey] as const])));
    for (const taken of await takenDataKeyDigests(db, ctx.accountId, [...digests.keys()])) dataKeys.add(digests.get(taken)!);
  }
  return firstFailure(entries, problems, { ...facts, taken: { names, dataKeys } });
}

/** The first failing entry's error on these facts, or undefined when every entry passes. */
function firstFailure(entries: readonly Entry[], problems: readonly Check[], facts: Facts): TencentError | undefined {
  // Rows are read once per batch: the same hardware named twice is the same row object.
  const claimed = new Set<ActivationCandidate>();
  const names = new Set<string>();
  const dataKeys = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const at = (field: string) => `Hardware.${i}.${field}`;
    if (problems[i]) return problems[i];
    const vendorAccountId = facts.vendors.get(entry.Vendor);
    if (vendorAccountId === undefined) return entryError('OperationDenied.VendorNotRegister', at('Vendor'), entry.Vendor);
    const hardware = facts.hardware.get(vendorAccountId)?.get(entry.SN);
    if (!hardware) return entryError('OperationDenied.HardwareNotExist', at('SN'), entry.SN);
    if (hardware.status === 2 || claimed.has(hardware)) return entryError('OperationDenied.HardwareHasActivated', at('SN'), entry.SN);
    claimed.add(hardware);
    if (names.has(entry.DeviceName) || facts.taken?.names.has(entry.DeviceName)) return entryError('InternalError.DuplicateDeviceName', at('DeviceName'), entry.DeviceName);
    names.add(entry.DeviceName);
    if (entry.DataKey !== undefined) {
      if (dataKeys.has(entry.DataKey) || facts.taken?.dataKeys.has(entry.DataKey)) return invalidValue(at('DataKey'), 'another device of the account already uses this key');
      dataKeys.add(entry.DataKey);
    }
    if (entry.GroupId !== undefined && !facts.groups.has(entry.GroupId)) return noSuchGroup(at('GroupId'), entry.GroupId);
  }
  return undefined;
}

function append<T>(lists: Map<string, T[]>, key: string, item: T): void {
  const list = lists.get(key);
  if (list) list.push(item);
  else lists.set(key, [item]);
}
