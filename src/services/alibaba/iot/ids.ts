import { randomInt } from 'node:crypto';
import { secureRandomBytes } from '../../../core/random.ts';
import { lowerAlphanumeric, mixedAlphanumeric } from '../../../core/ids.ts';

/** Identifier formats IoT Platform clients see (the docs' samples). */
export const newProductKey = (): string => mixedAlphanumeric(11);
export const newProductSecret = (): string => mixedAlphanumeric(16);
export const newIotId = (): string => mixedAlphanumeric(26);
/** RegisterDevice secrets: 32 hex characters, like the documented samples. */
export const newDeviceSecret = (): string => secureRandomBytes(16).toString('hex');
/** RegisterDevice without a DeviceName: the platform picks a 20-character one. */
export const newDeviceName = (): string => mixedAlphanumeric(20);
export const newEnterpriseInstanceId = (): string => `iot-${lowerAlphanumeric(8)}`;
export const defaultInstanceId = (accountId: string): string => `default-${accountId}`;

// ApplyId is a Long on the wire; random rather than sequential so one tenant cannot count another's jobs.
const APPLY_ID_MIN = 1_000_000;
const APPLY_ID_MAX = 2 ** 48 - 1;
export const newApplyId = (): number => randomInt(APPLY_ID_MIN, APPLY_ID_MAX);
/** ResetThing's JobId: 20 alphanumerics like the documented sample; the reset itself is done when it answers. */
export const newResetJobId = (): string => mixedAlphanumeric(20);
