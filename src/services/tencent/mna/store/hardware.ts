import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { preparedQuery } from '../../../../storage/prepared-query.ts';
import type { GuardedStatement } from '../../../../storage/atomic-write.ts';
import type { Database } from '../../../../storage/schema.ts';
import type { HardwareStatus, MnaHardwareRow } from '../tables.ts';
import { contains, page, type PageWindow } from '../../../../storage/query-helpers.ts';
import { readKeysetPage, startsWith, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';

/** Inserts a vendor's batch in one statement: all rows or none (DuplicateSN is the schema's call). New hardware has no device yet. */
export async function insertHardware(
  db: Kysely<Database>,
  vendorAccountId: string,
  rows: readonly Omit<MnaHardwareRow, 'account_id' | 'device_id'>[],
): Promise<void> {
  await db
    .insertInto('mna_hardware')
    .values(rows.map((row) => ({ ...row, account_id: vendorAccountId })))
    .execute();
}

/** The SNs among `sns` the vendor has already registered. */
export async function registeredSerials(db: Kysely<Database>, vendorAccountId: string, sns: readonly string[]): Promise<Set<string>> {
  if (sns.length === 0) return new Set();
  const rows = await db.selectFrom('mna_hardware').select('sn').where('account_id', '=', vendorAccountId).where('sn', 'in', [...new Set(sns)]).execute();
  return new Set(rows.map((row) => row.sn));
}

/** Sets SN and/or Description of one of the vendor's hardware; false when it has no such hardware. */
export async function updateHardware(
  db: Kysely<Database>,
  vendorAccountId: string,
  hardwareId: string,
  patch: { readonly sn?: string; readonly description?: string },
): Promise<boolean> {
  const { sn, description } = patch;
  if (sn === undefined && description === undefined) {
    const found = await db.selectFrom('mna_hardware').select('hardware_id').where('account_id', '=', vendorAccountId).where('hardware_id', '=', hardwareId).executeTakeFirst();
    return found !== undefined;
  }
  const result = await db
    .updateTable('mna_hardware')
    .set({ ...(sn !== undefined && { sn }), ...(description !== undefined && { description }) })
    .where('account_id', '=', vendorAccountId)
    .where('hardware_id', '=', hardwareId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Vendor hardware joined with the device it became, as GetVendorHardware and GetHardwareList show it. */
export interface VendorHardwareView {
  readonly hardware_id: string;
  readonly sn: string;
  readonly license_charging_mode: number;
  readonly description: string;
  readonly status: HardwareStatus;
  readonly created_at: number;
  readonly activated_at: number | null;
  readonly device_id: string | null;
  readonly device_name: string | null;
  readonly remark: string | null;
  readonly license_pay_mode: number | null;
  readonly flow_trunc: number | null;
  readonly group_id: string | null;
  readonly group_name: string | null;
}

export interface VendorHardwareFilter {
  readonly status?: HardwareStatus;
  readonly keyword?: string;
  /** Columns the keyword is matched against. */
  readonly keywordColumns: readonly ('h.sn' | 'h.hardware_id' | 'd.device_id' | 'd.device_name')[];
}

/** The vendor's hardware joined with the devices it became, optionally of one status. */
function vendorHardware(db: Kysely<Database>, vendorAccountId: string, status: HardwareStatus | undefined) {
  return (
    db
      .selectFrom('mna_hardware as h')
      // The device lives in the owner's account: the join is scoped to it.
      .leftJoin('mna_devices as d', (join) => join.onRef('d.device_id', '=', 'h.device_id').onRef('d.account_id', '=', 'h.owner_account_id'))
      .leftJoin('mna_groups as g', (join) => join.onRef('g.group_id', '=', 'd.group_id').onRef('g.account_id', '=', 'd.account_id'))
      .where('h.account_id', '=', vendorAccountId)
      .$if(status !== undefined, (q) => q.where('h.status', '=', status!))
  );
}

const VENDOR_HARDWARE_COLUMNS = [
  'h.hardware_id',
  'h.sn',
  'h.license_charging_mode',
  'h.description',
  'h.status',
  'h.created_at',
  'h.activated_at',
  'd.device_id',
  'd.device_name',
  'd.remark',
  'd.license_pay_mode',
  'd.flow_trunc',
  'd.group_id',
  'g.group_name',
] as const;

/** One page of the vendor's hardware, oldest first (then by SN), and how many match in total. */
export async function listVendorHardware(
  db: Kysely<Database>,
  vendorAccountId: string,
  filter: VendorHardwareFilter,
  window: PageWindow,
): Promise<{ total: number; rows: VendorHardwareView[] }> {
  const { keyword, status, keywordColumns } = filter;
  const base = vendorHardware(db, vendorAccountId, status).$if(!!keyword, (q) => q.where((eb) => eb.or(keywordColumns.map((column) => contains(column, keyword!)))));
  const counted = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const rows = await page(base.select(VENDOR_HARDWARE_COLUMNS).orderBy('h.created_at').orderBy('h.sn'), window).execute();
  return { total: Number(counted.n), rows };
}

/** What GetHardwareInfo needs about one Vendor + SN. */
export interface HardwareLookup {
  readonly vendor_account_id: string;
  readonly license_charging_mode: number;
  readonly owner_account_id: string | null;
  readonly device_id: string | null;
}

/** Finds hardware by vendor name and SN (a point read on two unique indexes). */
const hardwareBySerial = preparedQuery((db: Kysely<Database>, vendorName: string, sn: string) =>
  db
    .selectFrom('mna_vendors as v')
    .innerJoin('mna_hardware as h', (join) => join.onRef('h.account_id', '=', 'v.account_id').on('h.sn', '=', sn))
    .select(['v.account_id as vendor_account_id', 'h.license_charging_mode', 'h.owner_account_id', 'h.device_id'])
    // At most one row by the unique indexes on vendor name and (account_id, sn). No LIMIT: Kysely
    // binds it as a parameter, and SQLite recompiles a statement each time a LIMIT parameter is
    // bound, which tripled the cost of this read.
    .where('v.name', '=', vendorName),
);

export async function findHardwareBySerial(db: Kysely<Database>, vendorName: string, sn: string): Promise<HardwareLookup | undefined> {
  return (await hardwareBySerial(db, vendorName, sn))[0];
}

const activationTerm = preparedQuery((db: Kysely<Database>, ownerAccountId: string, deviceId: string) =>
  db.selectFrom('mna_devices').select('license_pay_mode').where('device_id', '=', deviceId).where('account_id', '=', ownerAccountId),
);

/** The license term the owner chose when activating hardware: its device's LicensePayMode (a primary-key read). */
export async function findActivationTerm(db: Kysely<Database>, ownerAccountId: string, deviceId: string): Promise<number | undefined> {
  return (await activationTerm(db, ownerAccountId, deviceId))[0]?.license_pay_mode;
}

/** What activating a vendor's hardware needs to know about it. */
export interface ActivationCandidate {
  readonly hardware_id: string;
  readonly sn: string;
  readonly status: HardwareStatus;
  readonly license_charging_mode: number;
}

const candidatesBySerial = preparedQuery((db: Kysely<Database>, vendorAccountId: string, ...sns: string[]) =>
  db.selectFrom('mna_hardware').select(['hardware_id', 'sn', 'status', 'license_charging_mode']).where('account_id', '=', vendorAccountId).where('sn', 'in', sns),
);

/** The vendor's hardware with these SNs, by SN (one read on the (account_id, sn) index). */
export async function activationCandidates(db: Kysely<Database>, vendorAccountId: string, sns: readonly string[]): Promise<Map<string, ActivationCandidate>> {
  if (sns.length === 0) return new Map();
  const rows = await candidatesBySerial(db, vendorAccountId, ...new Set(sns));
  return new Map(rows.map((row) => [row.sn, row]));
}

/** A piece of hardware to claim, by the SN and id it was read with, and the id of the device it becomes. */
export interface HardwareClaim {
  readonly sn: string;
  readonly hardwareId: string;
  readonly deviceId: string;
}

/**
 * The statement that marks the vendor's to-be-activated hardware with these SNs as activated by
 * `ownerAccountId`, each recording its device, for an atomic write that must change exactly one
 * row per claim: hardware another activation claimed first changes nothing, which is how exactly
 * one of several concurrent activations wins. A hardware row holds one device_id, so one device
 * per hardware follows. Each row must still have the id it was read with (an SN given to other
 * hardware in between changes nothing); its license charging mode never changes after AddHardware.
 */
export function hardwareClaim(db: Kysely<Database>, vendorAccountId: string, ownerAccountId: string, now: number, claims: readonly HardwareClaim[]): GuardedStatement {
  const triples: string[] = [];
  for (const claim of claims) triples.push(claim.sn, claim.hardwareId, claim.deviceId);
  const query = claimBySerial.compile(db, vendorAccountId, ownerAccountId, now, ...triples);
  return { query, expectedChanges: claims.length };
}

const claimBySerial = preparedQuery((db: Kysely<Database>, vendorAccountId: string, ownerAccountId: string, now: number, ...claims: string[]) => {
  const sns = claims.filter((_, i) => i % 3 === 0);
  // CASE sn WHEN ? THEN ? … END, written as SQL because Kysely's case builder copies every branch
  // at each step, which for 100 entries costs more than the UPDATE.
  const bySerial = (offset: number) => sql<string>`case ${sql.ref('sn')} ${sql.join(
    sns.map((sn, i) => sql`when ${sn} then ${claims[3 * i + offset]!}`),
    sql` `,
  )} end`;
  // Searched by (account_id, sn): with a long IN list of hardware ids, SQLite's planner prefers
  // scanning all of the vendor's hardware on another index.
  return db
    .updateTable('mna_hardware')
    .set({ status: 2, activated_at: now, owner_account_id: ownerAccountId, device_id: bySerial(2) })
    .where('account_id', '=', vendorAccountId)
    .where('sn', 'in', sns)
    .where('status', '=', 1)
    .where('hardware_id', '=', bySerial(1));
});

/** Returns hardware the owner activated to the to-be-activated state (its device was deleted). */
export async function releaseHardware(db: Kysely<Database>, ownerAccountId: string, hardwareId: string): Promise<void> {
  await db
    .updateTable('mna_hardware')
    .set({ status: 1, activated_at: null, owner_account_id: null, device_id: null })
    .where('owner_account_id', '=', ownerAccountId)
    .where('hardware_id', '=', hardwareId)
    .execute();
}

/**
 * Before an account's rows are dropped (emulator reset of one account): hardware it activated
 * returns to be activated, and other accounts' devices made from its own hardware keep existing
 * as devices of their own (as if added with AddDevice).
 */
export function detachAccountHardware(db: Kysely<Database>, accountId: string): CompiledQuery[] {
  return [
    db.updateTable('mna_hardware').set({ status: 1, activated_at: null, owner_account_id: null, device_id: null }).where('owner_account_id', '=', accountId).compile(),
    db
      .updateTable('mna_devices')
      .set({ hardware_id: null })
      .where('account_id', '<>', accountId)
      .where('hardware_id', 'in', db.selectFrom('mna_hardware').select('hardware_id').where('account_id', '=', accountId))
      .compile(),
  ];
}

/** One page of the vendor's hardware by SN (the unique index), optionally by SN prefix and of one status. */
export async function vendorHardwarePage(
  db: Kysely<Database>,
  vendorAccountId: string,
  filter: { readonly snPrefix?: string | undefined; readonly status?: HardwareStatus | undefined },
  page: KeysetPage,
): Promise<Keyed<VendorHardwareView>> {
  const query = vendorHardware(db, vendorAccountId, filter.status)
    .select(VENDOR_HARDWARE_COLUMNS)
    .$if(filter.snPrefix !== undefined, (q) => q.where(startsWith('h.sn', filter.snPrefix!)));
  return readKeysetPage(query, { columns: ['h.sn'], direction: 'asc', position: (row) => [row.sn] }, page);
}

/**
 * How many of the vendor's hardware were activated each UTC day in [from, to): the day is the
 * number of whole days since `from` (which the caller aligns to a UTC midnight). Days without an
 * activation are absent.
 */
export async function activationsPerDay(db: Kysely<Database>, vendorAccountId: string, from: number, to: number): Promise<{ day: number; count: number }[]> {
  // The cast keeps the day whole on SQLite, whichever way it binds the numbers.
  const day = sql<number>`cast((${sql.ref('activated_at')} - ${from}) / ${DAY_MS} as integer)`;
  const rows = await db
    .selectFrom('mna_hardware')
    .select([day.as('day'), (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('account_id', '=', vendorAccountId)
    .where('activated_at', '>=', from)
    .where('activated_at', '<', to)
    // By position: PostgreSQL would not see the select's expression, with its own parameters, in a repeated one.
    .groupBy(sql`1`)
    .execute();
  return rows.map((row) => ({ day: Math.floor(Number(row.day)), count: Number(row.n) }));
}

const DAY_MS = 86_400_000;
