/**
 * LicensePayMode / Payer / LicenseChargingMode as the MNA outputs show them, derived in one
 * place from what is stored: the vendor's LicenseChargingMode and, once activated, the license
 * term of the device. The table is in README.md ("License fields").
 */

/** AddHardware LicenseChargingMode: 1 customer pays, 2 vendor pays monthly, 3 vendor pays a permanent license. */
export const CHARGING_MODES = [1, 2, 3] as const;

/** Payer as GetHardwareInfo, VendorHardware and HardwareInfo number it. */
export const HARDWARE_PAYER = { customer: 0, vendor: 1 } as const;

/** Payer as DeviceBaseInfo numbers it: the spec inverts it there (MNA api.json). */
export const DEVICE_PAYER = { vendor: 0, customer: 1 } as const;

/** License term: 0 monthly, 1 permanent; -1 when the customer pays and has not chosen yet. */
export type PayMode = -1 | 0 | 1;

export interface LicenseView {
  /** The deprecated combined field: 1 customer monthly, 2 vendor monthly, 3 permanent. */
  readonly licenseChargingMode: number;
  readonly licensePayMode: PayMode;
  /** Who pays, in the hardware numbering (0 customer, 1 vendor). */
  readonly payer: 0 | 1;
}

/**
 * The license fields of a piece of hardware. `chosenTerm` is the term the activating customer
 * chose (0/1), or null when it is not activated or the caller may not see that choice.
 */
export function hardwareLicense(chargingMode: number, chosenTerm: number | null): LicenseView {
  if (chargingMode === 2) return { licenseChargingMode: 2, licensePayMode: 0, payer: HARDWARE_PAYER.vendor };
  if (chargingMode === 3) return { licenseChargingMode: 3, licensePayMode: 1, payer: HARDWARE_PAYER.vendor };
  if (chosenTerm === null) return { licenseChargingMode: 1, licensePayMode: -1, payer: HARDWARE_PAYER.customer };
  const term = chosenTerm === 1 ? 1 : 0;
  return { licenseChargingMode: term === 1 ? 3 : 1, licensePayMode: term, payer: HARDWARE_PAYER.customer };
}

/**
 * The term a device activated from this hardware gets: the vendor's for vendor-paid hardware
 * (the customer's LicensePayMode "is invalid when the manufacturer is the payer"), else the
 * customer's choice, monthly by default.
 */
export function activatedTerm(chargingMode: number, requestedTerm: number | undefined): 0 | 1 {
  if (chargingMode === 2) return 0;
  if (chargingMode === 3) return 1;
  return requestedTerm === 1 ? 1 : 0;
}

/** DeviceBaseInfo.Payer of a device: activated hardware follows its vendor's mode, AddDevice devices are customer-paid. */
export function devicePayer(chargingMode: number | null): 0 | 1 {
  if (chargingMode === null) return DEVICE_PAYER.customer;
  return hardwareLicense(chargingMode, null).payer === HARDWARE_PAYER.vendor ? DEVICE_PAYER.vendor : DEVICE_PAYER.customer;
}

/** LicenseType of GetActiveDeviceCount: 1 tenant monthly, 2 vendor monthly, 3 permanent. */
export const LICENSE_TYPES = [1, 2, 3] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];

/**
 * The LicenseType of a device: its hardware's charging mode (null for AddDevice devices, which
 * the customer pays) and its term. It is the deprecated LicenseChargingMode's numbering.
 */
export function licenseType(chargingMode: number | null, term: number): LicenseType {
  return hardwareLicense(chargingMode ?? 1, term === 1 ? 1 : 0).licenseChargingMode as LicenseType;
}
