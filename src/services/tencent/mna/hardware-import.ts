import type { ImportTarget } from '../../../bulk-import/csv-import.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { checkOneOf, firstProblem } from '../params-rules.ts';
import { CHARGING_MODES } from './licensing.ts';
import { newHardwareId } from './ids.ts';
import { checkSerial, checkText } from './validation.ts';
import type { MnaHardwareRow } from './tables.ts';

type NewHardware = Omit<MnaHardwareRow, 'account_id' | 'device_id'>;

/** A refusal as the report lists it: the code the API would answer, then its message. */
const reason = (error: TencentError): string => `${error.code}: ${error.message}`;
const duplicate = (sn: string): string => reason(new TencentError('OperationDenied.DuplicateSN', { detail: `${new TencentError('OperationDenied.DuplicateSN').message} (SN: ${sn})` }));

/**
 * A vendor's SN list as a CSV file (`SN[,LicenseChargingMode][,Description]`), under AddHardware's
 * rules row by row: the SN pattern, a charging mode of 1, 2 or 3 (the column, else
 * `defaultChargingMode`), a description of at most 256 characters; an SN the vendor already has
 * is OperationDenied.DuplicateSN. Rows are new hardware, as AddHardware creates it.
 */
export function hardwareImport(vendorAccountId: string, defaultChargingMode: number | undefined, now: () => number): ImportTarget<NewHardware> {
  return {
    kind: 'mna-hardware',
    requiredColumns: ['SN'],
    optionalColumns: ['LicenseChargingMode', 'Description'],
    check(record) {
      const sn = record.SN!;
      const modeText = record.LicenseChargingMode?.trim() || undefined;
      const mode = modeText === undefined ? defaultChargingMode : /^\d+$/.test(modeText) ? Number(modeText) : Number.NaN;
      const problem = firstProblem(
        checkSerial('SN', sn),
        mode === undefined ? new TencentError('MissingParameter', { detail: 'The request is missing a required parameter `LicenseChargingMode`: give the column or --license-charging-mode.' }) : undefined,
        checkOneOf('LicenseChargingMode', mode, CHARGING_MODES),
        checkText('Description', record.Description),
      );
      if (problem) return { reason: reason(problem) };
      return {
        row: {
          hardware_id: newHardwareId(),
          sn,
          license_charging_mode: mode!,
          description: record.Description ?? '',
          status: 1,
          created_at: now(),
          activated_at: null,
          owner_account_id: null,
        },
      };
    },
    key: (row) => row.sn,
    repeated: duplicate,
    async write(tx, rows) {
      // An SN registered before (by an earlier batch, line or call) is skipped by the database's
      // own uniqueness rule, which also holds against concurrent AddHardware calls.
      const inserted = await tx
        .insertInto('mna_hardware')
        .values(rows.map((row) => ({ ...row, account_id: vendorAccountId })))
        .onConflict((oc) => oc.columns(['account_id', 'sn']).doNothing())
        .returning('sn')
        .execute();
      const written = new Set(inserted.map((row) => row.sn));
      return new Map(rows.filter((row) => !written.has(row.sn)).map((row) => [row.sn, duplicate(row.sn)]));
    },
  };
}
