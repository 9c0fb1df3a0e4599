import type { ActionContext } from '../action-context.ts';
import type { MnaDeviceRow } from './tables.ts';
import { generateDataKey, sealDataKey } from './key-material.ts';
import { checkDataKey, checkName, checkOneOf, firstProblem, type Check } from './validation.ts';

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

/** A DataKey as a device will hold it: the given or a generated one, and its digest. */
export interface SettledDataKey {
  readonly dataKey: string;
  readonly digest: string;
}

/** The caller's DataKey, or a fresh one; digested once, for the checks and the row alike. */
export function settleDataKey(digest: (dataKey: string) => string, given: string | undefined): SettledDataKey {
  const dataKey = given ?? generateDataKey();
  return { dataKey, digest: digest(dataKey) };
}

/** A new device row: the DataKey sealed to it, its digest kept for uniqueness. */
export function newDevice(
  ctx: ActionContext,
  fields: DeviceFields & SettledDataKey & { readonly deviceId: string; readonly remark: string; readonly term: number; readonly hardwareId: string | null; readonly now: number },
): Omit<MnaDeviceRow, 'account_id'> {
  const { deviceId } = fields;
  return {
    device_id: deviceId,
    device_name: fields.DeviceName,
    remark: fields.remark,
    data_key_sealed: sealDataKey(ctx.secrets, deviceId, fields.dataKey),
    data_key_digest: fields.digest,
    access_scope: fields.AccessScope ?? 0,
    license_pay_mode: fields.term,
    flow_trunc: fields.FlowTrunc ?? 0,
    group_id: fields.GroupId ?? null,
    hardware_id: fields.hardwareId,
    created_at: fields.now,
  };
}
