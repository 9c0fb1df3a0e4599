import type { ActionContext } from '../action-context.ts';
import type { MnaDeviceRow } from './tables.ts';
import { newDeviceId } from './ids.ts';
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

/** A new device row (DataKey sealed, digest for uniqueness) and the plaintext DataKey it got. */
export function newDevice(
  ctx: ActionContext,
  digest: (dataKey: string) => string,
  fields: DeviceFields & { readonly remark: string; readonly term: number; readonly hardwareId: string | null; readonly now: number },
): { readonly row: Omit<MnaDeviceRow, 'account_id'>; readonly dataKey: string } {
  const deviceId = newDeviceId();
  const dataKey = fields.DataKey ?? generateDataKey();
  return {
    dataKey,
    row: {
      device_id: deviceId,
      device_name: fields.DeviceName,
      remark: fields.remark,
      data_key_sealed: sealDataKey(ctx.secrets, deviceId, dataKey),
      data_key_digest: digest(dataKey),
      access_scope: fields.AccessScope ?? 0,
      license_pay_mode: fields.term,
      flow_trunc: fields.FlowTrunc ?? 0,
      group_id: fields.GroupId ?? null,
      hardware_id: fields.hardwareId,
      created_at: fields.now,
    },
  };
}
