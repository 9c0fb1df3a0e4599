import type { Kysely } from 'kysely';
import type { Database } from '../../../storage/schema.ts';
import { assertValid, checkOneOf, invalidValue } from '../params-rules.ts';
import { LICENSE_TYPES, type LicenseType } from './licensing.ts';
import { PERIODS, countActive, periodStarts, type ActiveCount, type Period } from './active-devices.ts';
import { deviceTimelines } from './store/device-records.ts';

/** The parameters GetActiveDeviceCount and DownloadActiveDeviceCount share (MNA api.json). */
export interface ActiveDeviceParams {
  readonly Period?: number;
  readonly StartTime?: number;
  readonly EndTime?: number;
  readonly DevGroup?: string;
  readonly LicenseType?: number;
}

/** A checked query: the window in epoch ms, the group resolved to its GroupId. */
export interface ActiveDeviceQuery {
  readonly period: Period;
  readonly from: number;
  readonly to: number;
  /** As given, for the answer's DevGroup. */
  readonly devGroup: string;
  readonly groupId?: string;
  readonly licenseType?: LicenseType;
}

/** Without StartTime, the 30 days up to EndTime. */
const DEFAULT_SPAN_MS = 30 * 86_400_000;
/** 9999-12-31T23:59:59Z: the answer renders times as dates. */
const LATEST_SECONDS = 253_402_300_799;
/** At most a year of days per query: each period is counted over every device. */
export const MAX_PERIODS = 366;

/**
 * Checks the parameters (each failure InvalidParameterValue naming it, the one error code these
 * actions document besides InternalError) and resolves DevGroup, a GroupId or a GroupName of the
 * caller's.
 */
export async function activeDeviceQuery(db: Kysely<Database>, accountId: string, params: ActiveDeviceParams, now: number): Promise<ActiveDeviceQuery> {
  const seconds = (name: string, value: number | undefined) =>
    value === undefined || (value >= 0 && value <= LATEST_SECONDS) ? undefined : invalidValue(name, `it must be a time in Unix seconds from 0 to ${LATEST_SECONDS}`);
  assertValid(
    checkOneOf('Period', params.Period, PERIODS),
    seconds('StartTime', params.StartTime),
    seconds('EndTime', params.EndTime),
    checkOneOf('LicenseType', params.LicenseType, LICENSE_TYPES),
  );
  const period = (params.Period ?? 0) as Period;
  const to = params.EndTime === undefined ? now : params.EndTime * 1000;
  const from = params.StartTime === undefined ? Math.max(0, to - DEFAULT_SPAN_MS) : params.StartTime * 1000;
  assertValid(from <= to ? undefined : invalidValue('StartTime', 'it must not be later than EndTime'));
  const tooLong = periodStarts(period, from, to, MAX_PERIODS + 1).length > MAX_PERIODS;
  assertValid(tooLong ? invalidValue('EndTime', `the window must span at most ${MAX_PERIODS} periods`) : undefined);
  let groupId: string | undefined;
  if (params.DevGroup !== undefined && params.DevGroup !== '') {
    const group = await db
      .selectFrom('mna_groups')
      .select('group_id')
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('group_id', '=', params.DevGroup!), eb('group_name', '=', params.DevGroup!)]))
      .orderBy('group_id')
      .executeTakeFirst();
    if (!group) throw invalidValue('DevGroup', `the account has no group ${params.DevGroup}`);
    groupId = group.group_id;
  }
  return { period, from, to, devGroup: params.DevGroup ?? '', groupId, licenseType: params.LicenseType as LicenseType | undefined };
}

/** The counts of a checked query, from what was known at `asOf`. */
export async function activeDeviceCounts(db: Kysely<Database>, accountId: string, query: ActiveDeviceQuery, asOf: number): Promise<ActiveCount[]> {
  const until = Math.min(query.to, asOf);
  const timelines = until < query.from ? [] : await deviceTimelines(db, accountId, { from: query.from, until, groupId: query.groupId });
  return countActive(timelines, { period: query.period, from: query.from, to: query.to, asOf, licenseType: query.licenseType });
}
