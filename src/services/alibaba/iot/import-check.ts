import type { ActionContext } from '../../action-context.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { isDeviceName, isImportedDeviceSecret, isSn } from './rules.ts';
import { requireProductWith } from './scope.ts';
import { findProductWithDeviceNames, type ImportedProduct } from './store/devices.ts';
import type { ImportedDevice } from './store/import-jobs.ts';
import { MAX_APPLY_DEVICES } from './apply-limits.ts';

/** One refused row, as `InvalidDetailList` reports it. */
export interface InvalidDetail {
  readonly DeviceName: string;
  readonly DeviceSecret: string;
  readonly Sn?: string;
  readonly ErrorMsg: string;
}

/** What is wrong with an import list; each list names a value once, in submission order. */
export interface ImportProblems {
  readonly invalidDeviceNames: readonly string[];
  readonly invalidDeviceSecrets: readonly string[];
  readonly invalidSns: readonly string[];
  /** Names given more than once, or already in the product. */
  readonly repeatedDeviceNames: readonly string[];
  readonly invalidDetails: readonly InvalidDetail[];
}

export interface ImportRequest {
  readonly ProductKey: string;
  readonly IotInstanceId?: string;
  readonly DeviceList?: readonly ImportedDevice[];
}

// ErrorMsg of InvalidDetailList rows; the seed's sample wording is "The device name is illegal."
export const ROW_ERROR = {
  name: 'The device name is illegal.',
  secret: 'The device secret is illegal.',
  sn: 'The SN is illegal.',
  twice: 'The device name appears more than once in the list.',
  exists: 'The device name already exists.',
} as const;

/**
 * The checks BatchCheckImportDevice answers and BatchImportDevice enforces (BatchCheckImportDevice
 * page): list size, product, then every row. For a short list the product and its existing names
 * come from one read (a point lookup per name); a longer one takes a set-based query of its own.
 */
export async function checkImportList(ctx: ActionContext, request: ImportRequest): Promise<{ product: ImportedProduct; problems: ImportProblems | undefined }> {
  const rows = request.DeviceList ?? [];
  if (rows.length === 0) throw new AlibabaError('iot.device.NoneDeviceNameElement');
  if (rows.length > MAX_APPLY_DEVICES) throw new AlibabaError('iot.device.TooManyDeviceNamesPerRequest');
  const occurrences = new Map<string, number>();
  for (const row of rows) {
    if (isDeviceName(row.DeviceName)) occurrences.set(row.DeviceName, (occurrences.get(row.DeviceName) ?? 0) + 1);
  }
  const { product, existing } = await requireProductWith(ctx, request, (instanceId) =>
    findProductWithDeviceNames(ctx.store.db, ctx.store.dialect, ctx.accountId, instanceId, request.ProductKey, [...occurrences.keys()]),
  );

  // Gathered from the first refused row on: a clean list, the usual case, allocates none of it.
  let found: Findings | undefined;
  for (const row of rows) {
    const errors: string[] = [];
    let nameInvalid = false;
    let nameRepeated = false;
    if (!occurrences.has(row.DeviceName)) {
      nameInvalid = true;
      errors.push(ROW_ERROR.name);
    } else {
      if ((occurrences.get(row.DeviceName) ?? 0) > 1) errors.push(ROW_ERROR.twice);
      if (existing.has(row.DeviceName)) errors.push(ROW_ERROR.exists);
      nameRepeated = errors.length > 0;
    }
    const secretInvalid = !isImportedDeviceSecret(row.DeviceSecret);
    if (secretInvalid) errors.push(ROW_ERROR.secret);
    const snInvalid = row.Sn !== undefined && !isSn(row.Sn);
    if (snInvalid) errors.push(ROW_ERROR.sn);
    if (errors.length === 0) continue;
    found ??= new Findings();
    if (nameInvalid) found.invalidDeviceNames.add(row.DeviceName);
    if (nameRepeated) found.repeatedDeviceNames.add(row.DeviceName);
    if (secretInvalid) found.invalidDeviceSecrets.add(row.DeviceSecret);
    if (snInvalid) found.invalidSns.add(row.Sn!);
    found.invalidDetails.push({ DeviceName: row.DeviceName, DeviceSecret: row.DeviceSecret, ...(row.Sn === undefined ? {} : { Sn: row.Sn }), ErrorMsg: errors.join(' ') });
  }
  if (found === undefined) return { product, problems: undefined };
  return {
    product,
    problems: {
      invalidDeviceNames: [...found.invalidDeviceNames],
      invalidDeviceSecrets: [...found.invalidDeviceSecrets],
      invalidSns: [...found.invalidSns],
      repeatedDeviceNames: [...found.repeatedDeviceNames],
      invalidDetails: found.invalidDetails,
    },
  };
}

/** What the refused rows of a list show, each value once, in submission order. */
class Findings {
  readonly invalidDeviceNames = new Set<string>();
  readonly invalidDeviceSecrets = new Set<string>();
  readonly invalidSns = new Set<string>();
  readonly repeatedDeviceNames = new Set<string>();
  readonly invalidDetails: InvalidDetail[] = [];
}
