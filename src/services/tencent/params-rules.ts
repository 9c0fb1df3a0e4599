import { TencentError, type TencentErrorCode } from '../../protocols/tencent/errors.ts';

/**
 * Value rules a Tencent spec leaves open, checked in the handlers (not in the request schema) so
 * a batch reports its first failing entry, whatever the failure. A check returns the error
 * instead of throwing, so callers can rank failures by entry.
 */
export type Check = TencentError | undefined;

/** InvalidParameterValue naming the parameter (e.g. `Hardware.2.DataKey`) and why. */
export function invalidValue(name: string, reason: string): TencentError {
  return new TencentError('InvalidParameterValue', { name, detail: `The value of parameter \`${name}\` is invalid: ${reason}.` });
}

/**
 * A business error about one parameter of a batch: the catalog text plus which entry and value,
 * e.g. "SN already exists (Hardware.1.SN: AN)".
 */
export function entryError(code: TencentErrorCode, name: string, value: string): TencentError {
  return new TencentError(code, { name, detail: `${new TencentError(code).message} (${name}: ${value})` });
}

/** The first failed check, if any. */
export const firstProblem = (...checks: Check[]): Check => checks.find((check) => check !== undefined);

/** Throws the first failed check. */
export function assertValid(...checks: Check[]): void {
  const failed = firstProblem(...checks);
  if (failed) throw failed;
}

export function checkOneOf(name: string, value: number | undefined, allowed: readonly number[]): Check {
  return value === undefined || allowed.includes(value) ? undefined : invalidValue(name, `it must be one of ${allowed.join(', ')}`);
}

export function checkAtLeast(name: string, value: number | undefined, min: number): Check {
  return value === undefined || value >= min ? undefined : invalidValue(name, `it must be at least ${min}`);
}

export function checkRequired(name: string, value: unknown): Check {
  return value !== undefined ? undefined : invalidValue(name, 'it is required');
}
