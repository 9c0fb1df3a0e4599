import type { ActionContext } from '../../action-context.ts';
import type { MnaDeviceRow } from './tables.ts';
import { sealDataKey, type DataKeys } from './key-material.ts';
import { newDeviceId } from './ids.ts';
import { checkOneOf, firstProblem, type Check } from '../params-rules.ts';
import { checkDataKey, checkName } from './validation.ts';

/** AccessScope: 0 public cloud gateway, 1 private gateway, 2 both. */
const ACCESS_SCOPES = [0, 1, 2] as const;
/** LicensePayMode as a device's license term: 0 monthly, 1 permanent. */
const LICENSE_TERMS = [0, 1] as const;
/** FlowTrunc: 0 pay-as-you-go, 1 truncate. */
export const FLOW_TRUNC_MODES = [0, 1] as const;

/** The fields AddDevice and an ActivateHardware entry have in common. */
export interface DeviceFields {
  readonly DeviceName: string;
  readonly DataKey?: string;
  readonly AccessScope?: number;
  readonly LicensePayMode?: number;
  readonly FlowTrunc?: number;
  readonly GroupId?: string;
}

/** Value checks of the shared fields; `at` names a field as the caller's request does. */
export function checkDeviceFields(at: (field: string) => string, fields: DeviceFields): Check {
  return firstProblem(
    checkName(at('DeviceName'), fields.DeviceName),
    checkDataKey(at('DataKey'), fields.DataKey),
    checkOneOf(at('AccessScope'), fields.AccessScope, ACCESS_SCOPES),
    checkOneOf(at('LicensePayMode'), fields.LicensePayMode, LICENSE_TERMS),
    checkOneOf(at('FlowTrunc'), fields.FlowTrunc, FLOW_TRUNC_MODES),
  );
}

/** A new device's id and DataKey as its row will hold them: the key digested and sealed to the id. */
export interface SettledDataKey {
  readonly deviceId: string;
  readonly dataKey: string;
  readonly digest: string;
  readonly sealed: string;
}

/**
 * Picks the device id and settles its DataKey (the caller's, or a fresh one): digested once, for
 * the checks and the row alike, and sealed before any transaction starts, so the crypto never
 * runs while the database's write lock is held.
 */
export function settleDataKey(ctx: ActionContext, keys: DataKeys, given: string | undefined): SettledDataKey {
  const deviceId = newDeviceId();
  const { dataKey, digest } = given === undefined ? keys.generate() : { dataKey: given, digest: keys.digest(given) };
  return { deviceId, dataKey, digest, sealed: sealDataKey(ctx.secrets, deviceId, dataKey) };
}

/** What a new device row takes beyond its fields and DataKey. */
export interface DeviceOrigin {
  readonly accountId: string;
  readonly remark: string;
  /** The license term it gets (LicensePayMode). */
  readonly term: number;
  /** The activated hardware it is, or null for AddDevice. */
  readonly hardwareId: string | null;
  readonly now: number;
}

/** A new device row for a settled id and DataKey. */
export function newDevice(fields: DeviceFields, settled: SettledDataKey, origin: DeviceOrigin): MnaDeviceRow {
  return {
    device_id: settled.deviceId,
    account_id: origin.accountId,
    device_name: fields.DeviceName,
    remark: origin.remark,
    data_key_sealed: settled.sealed,
    data_key_digest: settled.digest,
    access_scope: fields.AccessScope ?? 0,
    license_pay_mode: origin.term,
    flow_trunc: fields.FlowTrunc ?? 0,
    group_id: fields.GroupId ?? null,
    hardware_id: origin.hardwareId,
    created_at: origin.now,
  };
}
