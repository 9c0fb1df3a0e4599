/**
 * Formats IoT Platform documents for names, secrets and keys (the action pages).
 * Pure predicates: the actions decide which error code a failed rule becomes.
 */

/** DeviceName: 4–32 of letters, digits, - _ @ . : (BatchCheckImportDevice, RegisterDevice). */
export const isDeviceName = (value: string): boolean => /^[A-Za-z0-9_\-@.:]{4,32}$/.test(value);

/** An imported DeviceSecret: 1–32 of the DeviceName alphabet. */
export const isImportedDeviceSecret = (value: string): boolean => /^[A-Za-z0-9_\-@.:]{1,32}$/.test(value);

/** Sn: 1–64 of letters, digits and _. */
export const isSn = (value: string): boolean => /^[A-Za-z0-9_]{1,64}$/.test(value);

/** ProductKey as Fleetgate issues it: 11 alphanumerics. */
export const isProductKey = (value: string): boolean => /^[A-Za-z0-9]{11}$/.test(value);

/** IotId as Fleetgate issues it: 26 alphanumerics. */
export const isIotId = (value: string): boolean => /^[A-Za-z0-9]{26}$/.test(value);

// "One Chinese character counts as 2" (CreateProduct, RegisterDevice Nickname).
const HAN = /\p{Script=Han}/u;
const NAME_CHARS = /^[\p{Script=Han}A-Za-z0-9_]+$/u;

function weightedLength(value: string): number {
  let length = 0;
  for (const char of value) length += HAN.test(char) ? 2 : 1;
  return length;
}

const isWeightedName = (value: string, min: number, max: number): boolean => {
  if (!NAME_CHARS.test(value)) return false;
  const length = weightedLength(value);
  return length >= min && length <= max;
};

/** ProductName: 4–30 of Chinese characters, letters, digits and _, a Chinese character counting 2. */
export const isProductName = (value: string): boolean => isWeightedName(value, 4, 30);

/** Nickname: the ProductName alphabet, 4–64 long. */
export const isNickname = (value: string): boolean => isWeightedName(value, 4, 64);

/** Product descriptions: at most 100 characters. */
export const isProductDescription = (value: string): boolean => [...value].length <= 100;
