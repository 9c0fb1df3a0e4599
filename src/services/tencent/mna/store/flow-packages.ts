import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { GuardedStatement } from '../../../../storage/atomic-write.ts';
import type { MnaFlowPackageRow } from '../tables.ts';
import type { AccountRow } from '../../../../core/tables.ts';
import { page, type PageWindow } from '../../../../storage/query-helpers.ts';
import { readKeysetPage, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';
import type { PackageStatus } from '../flow-packages.ts';

/** For each of `deviceIds` bound to packages in effect at `now`, the earliest bought of them. */
export async function packagesInEffect(db: Kysely<Database>, accountId: string, deviceIds: readonly string[], now: number): Promise<Map<string, Pick<MnaFlowPackageRow, 'resource_id' | 'package_type'>>> {
  const rows = await db
    .selectFrom('mna_flow_package_claims as c')
    .innerJoin('mna_flow_packages as p', 'p.resource_id', 'c.resource_id')
    .select(['c.device_id', 'p.resource_id', 'p.package_type'])
    .where('c.account_id', '=', accountId)
    .where('c.device_id', 'in', [...deviceIds])
    .where('p.active_at', '<=', now)
    .where('p.expire_at', '>=', now)
    .orderBy('p.created_at', 'desc')
    .orderBy('p.resource_id', 'desc')
    .execute();
  // Later rows overwrite: the earliest bought wins.
  return new Map(rows.map((row) => [row.device_id, { resource_id: row.resource_id, package_type: row.package_type }]));
}

/** The devices among `deviceIds` that hold `region` through a package that has not expired at `now`. */
export async function devicesHoldingRegion(db: Kysely<Database>, accountId: string, deviceIds: readonly string[], region: number, now: number): Promise<Set<string>> {
  const rows = await db
    .selectFrom('mna_flow_package_claims')
    .select('device_id')
    .where('account_id', '=', accountId)
    .where('region', '=', region)
    .where('device_id', 'in', [...deviceIds])
    .where('expire_at', '>=', now)
    .execute();
  return new Set(rows.map((r) => r.device_id));
}

/**
 * The statements that create a package bound to its devices, for the order's atomic write.
 * The devices' rows are locked first (a no-op update that must touch every one of them, so a
 * device deleted since the order read it refuses the write: `DEVICES_GONE`), which also makes a
 * concurrent RollBack of one of them (it locks the row too) see this package or commit first.
 * Holds left by expired packages of these devices in this region go next, then the new holds,
 * whose primary key refuses a device another package still holds (a unique violation: nothing
 * of the order is written, nothing charged). Holds are taken in id order, so concurrent orders
 * naming the same devices wait for each other rather than deadlock.
 */
/** The index of the statement of `packageStatements` that refuses an order whose devices are gone. */
export const DEVICES_GONE = 0;

export function packageStatements(db: Kysely<Database>, row: MnaFlowPackageRow, deviceIds: readonly string[]): GuardedStatement[] {
  const { account_id, resource_id, region, expire_at } = row;
  const sorted = [...deviceIds].sort();
  return [
    {
      query: db
        .updateTable('mna_devices')
        .set((eb) => ({ device_id: eb.ref('device_id') }))
        .where('account_id', '=', account_id)
        .where('device_id', 'in', sorted)
        .compile(),
      expectedChanges: sorted.length,
    },
    { query: db.insertInto('mna_flow_packages').values(row).compile() },
    {
      query: db
        .deleteFrom('mna_flow_package_claims')
        .where('account_id', '=', account_id)
        .where('region', '=', region)
        .where('device_id', 'in', sorted)
        .where('expire_at', '<', row.created_at)
        .compile(),
    },
    {
      query: db
        .insertInto('mna_flow_package_claims')
        .values(sorted.map((device_id) => ({ account_id, device_id, region, resource_id, expire_at })))
        .compile(),
      expectedChanges: deviceIds.length,
    },
    {
      query: db
        .insertInto('mna_flow_package_devices')
        .values(deviceIds.map((device_id, position) => ({ resource_id, account_id, device_id, position })))
        .compile(),
    },
  ];
}

export interface PackageFilter {
  readonly resourceId?: string;
  readonly deviceId?: string;
  readonly status?: PackageStatus;
}

/** A package with its devices in order. */
export interface PackageView extends MnaFlowPackageRow {
  readonly devices: string[];
}

/** One page of the account's packages, oldest first, and how many match in total. */
export async function listPackages(db: Kysely<Database>, accountId: string, filter: PackageFilter, now: number, window: PageWindow): Promise<{ total: number; rows: PackageView[] }> {
  const { resourceId, deviceId, status } = filter;
  const base = db
    .selectFrom('mna_flow_packages as p')
    .where('p.account_id', '=', accountId)
    .$if(resourceId !== undefined, (q) => q.where('p.resource_id', '=', resourceId!))
    .$if(deviceId !== undefined, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('mna_flow_package_devices as d')
            .select('d.device_id')
            .whereRef('d.resource_id', '=', 'p.resource_id')
            .where('d.account_id', '=', accountId)
            .where('d.device_id', '=', deviceId!),
        ),
      ),
    )
    .$if(status === 0, (q) => q.where('p.active_at', '>', now))
    .$if(status === 1, (q) => q.where('p.active_at', '<=', now).where('p.expire_at', '>=', now))
    .$if(status === 2, (q) => q.where('p.expire_at', '<', now));
  const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await page(base.selectAll('p').orderBy('p.created_at').orderBy('p.resource_id'), window).execute();
  const devices = await packageDevices(db, accountId, rows.map((r) => r.resource_id));
  return { total: Number(counted.n), rows: rows.map((row) => ({ ...row, devices: devices.get(row.resource_id) ?? [] })) };
}

async function packageDevices(db: Kysely<Database>, accountId: string, resourceIds: readonly string[]): Promise<Map<string, string[]>> {
  const byPackage = new Map<string, string[]>();
  if (resourceIds.length === 0) return byPackage;
  const rows = await db
    .selectFrom('mna_flow_package_devices')
    .select(['resource_id', 'device_id'])
    .where('account_id', '=', accountId)
    .where('resource_id', 'in', [...resourceIds])
    .orderBy('resource_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = byPackage.get(row.resource_id) ?? [];
    list.push(row.device_id);
    byPackage.set(row.resource_id, list);
  }
  return byPackage;
}

export async function findPackage(db: Kysely<Database>, accountId: string, resourceId: string): Promise<MnaFlowPackageRow | undefined> {
  return db.selectFrom('mna_flow_packages').selectAll().where('account_id', '=', accountId).where('resource_id', '=', resourceId).executeTakeFirst();
}

/**
 * Sets the renewal flag of a package that is not expired at `now` and whose truncation is off
 * when turning renewal on; false when no row qualified (the caller explains which rule failed).
 */
export async function setRenewFlag(db: Kysely<Database>, accountId: string, resourceId: string, renew: boolean, now: number): Promise<boolean> {
  const result = await db
    .updateTable('mna_flow_packages')
    .set({ renew_flag: renew ? 1 : 0 })
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .where('expire_at', '>=', now)
    .$if(renew, (q) => q.where('trunc_flag', '=', 0))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A package whose period has ended with auto-renewal on, as the renewal sweep takes it. */
export interface DuePackage extends Pick<MnaFlowPackageRow, 'resource_id' | 'account_id' | 'package_type' | 'region' | 'expire_at'> {
  /** The devices it is bound to, in DeviceList order. */
  readonly devices: string[];
  /** Its account's status: a disabled account's packages are not renewed. */
  readonly account_status: AccountRow['status'];
}

/** A due package's place in the renewal order: a sweep reads on past the last one it saw. */
export type RenewalPosition = Pick<DuePackage, 'expire_at' | 'resource_id'>;

/** Up to `limit` packages whose period ended before `now` with auto-renewal on, the earliest ended first, after `after` in that order when given. */
export async function packagesDueForRenewal(db: Kysely<Database>, now: number, limit: number, after?: RenewalPosition): Promise<DuePackage[]> {
  const rows = await db
    .selectFrom('mna_flow_packages')
    .innerJoin('accounts', 'accounts.id', 'mna_flow_packages.account_id')
    .select(['resource_id', 'account_id', 'package_type', 'region', 'expire_at', 'accounts.status as account_status'])
    .where('renew_flag', '=', 1)
    .where('expire_at', '<', now)
    .$if(after !== undefined, (q) =>
      q.where((eb) => eb.or([eb('expire_at', '>', after!.expire_at), eb.and([eb('expire_at', '=', after!.expire_at), eb('resource_id', '>', after!.resource_id)])])),
    )
    .orderBy('expire_at')
    .orderBy('resource_id')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const devices = await db
    .selectFrom('mna_flow_package_devices')
    .select(['resource_id', 'device_id'])
    .where('resource_id', 'in', rows.map((row) => row.resource_id))
    .orderBy('resource_id')
    .orderBy('position')
    .execute();
  return rows.map((row) => ({ ...row, devices: devices.filter((d) => d.resource_id === row.resource_id).map((d) => d.device_id) }));
}

/** Index, within renewalStatements, of the guard that fails when the period was renewed already (another sweep, another node) or renewal was turned off meanwhile. */
export const ALREADY_RENEWED = 0;
/** Index of the guard that fails when one of its devices no longer holds the region through it (the device was deleted, or another package took the hold after this one's period ended). */
export const HOLDS_LOST = 1;

/**
 * The statements that move a due package into its next period, for the renewal's atomic write
 * with its payment. Both are keyed by the period that ended: only one renewal of a period can
 * ever commit, however many sweeps race for it (on PostgreSQL the later one waits for the row,
 * then finds its period gone and rolls back with its charge).
 */
export function renewalStatements(db: Kysely<Database>, due: DuePackage, next: Pick<MnaFlowPackageRow, 'active_at' | 'expire_at' | 'price'>): GuardedStatement[] {
  const { resource_id, account_id, expire_at } = due;
  return [
    {
      query: db
        .updateTable('mna_flow_packages')
        .set((eb) => ({ active_at: next.active_at, expire_at: next.expire_at, price: next.price, renewals: eb('renewals', '+', 1) }))
        .where('account_id', '=', account_id)
        .where('resource_id', '=', resource_id)
        .where('expire_at', '=', expire_at)
        .where('renew_flag', '=', 1)
        .compile(),
      expectedChanges: 1,
    },
    {
      query: db
        .updateTable('mna_flow_package_claims')
        .set({ expire_at: next.expire_at })
        .where('account_id', '=', account_id)
        .where('resource_id', '=', resource_id)
        .where('expire_at', '=', expire_at)
        .compile(),
      expectedChanges: due.devices.length,
    },
  ];
}

/** Turns renewal off on a package whose renewal failed for good, unless its period was renewed meanwhile: it expires at the end of that period. */
export async function stopRenewal(db: Kysely<Database>, due: DuePackage): Promise<void> {
  await db
    .updateTable('mna_flow_packages')
    .set({ renew_flag: 0 })
    .where('account_id', '=', due.account_id)
    .where('resource_id', '=', due.resource_id)
    .where('expire_at', '=', due.expire_at)
    .where('renew_flag', '=', 1)
    .execute();
}

/** One page of the account's traffic packages, newest first, with their devices in order. */
export async function packagePage(db: Kysely<Database>, accountId: string, page: KeysetPage): Promise<Keyed<PackageView>> {
  const query = db.selectFrom('mna_flow_packages').selectAll().where('account_id', '=', accountId);
  const found = await readKeysetPage(query, { columns: ['created_at', 'resource_id'], direction: 'desc', position: (row) => [row.created_at, row.resource_id] }, page);
  const devices = await packageDevices(db, accountId, found.rows.map((row) => row.resource_id));
  return { rows: found.rows.map((row) => ({ ...row, devices: devices.get(row.resource_id) ?? [] })), next: found.next };
}
