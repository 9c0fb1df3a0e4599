import { mixedAlphanumeric, upperAlphanumeric } from '../../../core/ids.ts';
import { secureRandomBytes } from '../../../core/random.ts';

/** ProductId as in every spec example (`ABCDE12345`): 10 uppercase alphanumerics. */
export const newProductId = (): string => upperAlphanumeric(10);

/** ProductSecret: 24 alphanumerics like every real example; the device SDKs need at least 16 (the AES key is its first 16). */
export const newProductSecret = (): string => mixedAlphanumeric(24);

/** A device PSK: 16 random bytes in base64 (24 characters), like the spec's `9MTpKyUBRpsPLB3hQyVfeQ==`. */
export const newDevicePsk = (): string => secureRandomBytes(16).toString('base64');
