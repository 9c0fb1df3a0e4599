import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { Dialect } from '../../../../storage/database.ts';
import type { SecretBox } from '../../../../core/secret-box.ts';
import type { ApplyKind, IotImportJobRow, IotImportRowRow } from '../tables.ts';
import { isUniqueViolation } from '../../../../storage/constraints.ts';
import { page, type PageWindow } from '../../../../storage/query-helpers.ts';
import { readKeysetPage, type Keyed, type KeysetPage } from '../../../../storage/keyset.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';
import { newApplyId, newIotId } from '../ids.ts';
import { MAX_DEVICES_PER_PRODUCT, deviceSealingContext, existingDeviceNames } from './devices.ts';

export type ImportJobRow = Selectable<IotImportJobRow>;
export type ImportRow = Selectable<IotImportRowRow>;

/** One device of an apply (a BatchImportDevice row, a checked name, a generated one), its format already checked. */
export interface ImportedDevice {
  readonly DeviceName: string;
  readonly DeviceSecret: string;
  readonly Sn?: string | undefined;
  readonly Nickname?: string | undefined;
}

// 8 bound values a row: well inside SQLite's and PostgreSQL's parameter limits.
const INSERT_CHUNK = 1_000;

/**
 * Persists a job and all its rows in one transaction, so a job is never seen without its
 * devices. Each row gets its IotId now, which lets its DeviceSecret be sealed for the device it
 * will become; the runner then copies rows into devices without touching secrets. A 'names'
 * apply starts in CHECK (the runner checks it, BatchRegisterDeviceWithApplyId creates it), the
 * others in CREATE.
 */
export async function createImportJob(
  db: Kysely<Database>,
  secrets: SecretBox,
  accountId: string,
  productKey: string,
  devices: readonly ImportedDevice[],
  now: number,
  kind: ApplyKind = 'import',
): Promise<number> {
  const rows = devices.map((device, seq): Omit<ImportRow, 'apply_id'> => {
    const iotId = newIotId();
    return {
      seq,
      iot_id: iotId,
      device_name: device.DeviceName,
      sn: device.Sn ?? null,
      nickname: device.Nickname ?? null,
      secret_sealed: secrets.seal(device.DeviceSecret, deviceSealingContext(iotId)),
      state: 'pending',
    };
  });
  for (;;) {
    const applyId = newApplyId();
    try {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('iot_import_jobs')
          .values({
            apply_id: applyId,
            kind,
            account_id: accountId,
            product_key: productKey,
            status: kind === 'names' ? 'CHECK' : 'CREATE',
            total: rows.length,
            next_seq: 0,
            attempts: 0,
            lease_owner: null,
            lease_until: null,
            failure: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          await tx
            .insertInto('iot_import_rows')
            .values(rows.slice(i, i + INSERT_CHUNK).map((row) => ({ ...row, apply_id: applyId })))
            .execute();
        }
      });
      return applyId;
    } catch (error) {
      // Only the random ApplyId can collide (the rows are new): draw another.
      if (!isUniqueViolation(error)) throw error;
    }
  }
}

/** The account's job of that ApplyId, provided its product lives in the given instance. */
export async function findImportJob(db: Kysely<Database>, accountId: string, instanceId: string, applyId: number): Promise<ImportJobRow | undefined> {
  return db
    .selectFrom('iot_import_jobs as j')
    .innerJoin('iot_products as p', 'p.product_key', 'j.product_key')
    .selectAll('j')
    .where('j.apply_id', '=', applyId)
    .where('j.account_id', '=', accountId)
    .where('p.instance_id', '=', instanceId)
    .executeTakeFirst();
}

/** A job's rows whose outcome is known: all once a name check has finished, else those no longer pending. */
function decidedRows(db: Kysely<Database>, job: Pick<ImportJobRow, 'apply_id' | 'status'>) {
  const checked = job.status === 'CHECK_SUCCESS' || job.status === 'CHECK_FAILED';
  return db
    .selectFrom('iot_import_rows')
    .where('apply_id', '=', job.apply_id)
    .$if(!checked, (q) => q.where('state', '!=', 'pending'));
}

/**
 * Names of a job's rows by outcome, in submission order. While creating, `valid` are the devices
 * created and pending rows are in neither list; once a name check has finished, `valid` are the
 * names that passed it (still pending until BatchRegisterDeviceWithApplyId).
 */
export async function importOutcomes(db: Kysely<Database>, job: Pick<ImportJobRow, 'apply_id' | 'status'>): Promise<{ valid: string[]; invalid: string[] }> {
  const rows = await decidedRows(db, job).select(['device_name', 'state']).orderBy('seq').execute();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const row of rows) (row.state === 'failed' ? invalid : valid).push(row.device_name);
  return { valid, invalid };
}

/**
 * One page of the devices a job created and that still exist, in submission order, with how many
 * there are. The secret is the device's current one (dynamic registration replaces it), not the
 * copy the apply was made with.
 */
export async function listImportedRows(
  db: Kysely<Database>,
  job: Pick<ImportJobRow, 'apply_id' | 'account_id'>,
  window: PageWindow,
): Promise<{ total: number; rows: ImportRow[] }> {
  const scope = db
    .selectFrom('iot_import_rows as r')
    .innerJoin('iot_devices as d', (join) => join.onRef('d.iot_id', '=', 'r.iot_id').on('d.account_id', '=', job.account_id))
    .where('r.apply_id', '=', job.apply_id)
    .where('r.state', '=', 'created');
  const [count, rows] = await Promise.all([
    scope.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    page(scope.select(['r.apply_id', 'r.seq', 'r.iot_id', 'r.device_name', 'r.sn', 'r.nickname', 'd.secret_sealed', 'r.state']).orderBy('r.seq'), window).execute(),
  ]);
  return { total: Number(count.n), rows };
}

const RUNNING = ['CHECK', 'CREATE'] as const;

/**
 * Takes the oldest running job (checking or creating) for `owner` among those whose lease is free
 * or expired and those whose holder `deadHolders` says has ended (runner-identity.ts: a process of
 * this host that is gone), whatever their lease says. The conditional UPDATE makes the claim
 * exclusive across runners and nodes; taking a job over from a holder counts as an attempt, a
 * lease released on a clean stop does not.
 */
export async function claimImportJob(
  db: Kysely<Database>,
  owner: string,
  now: number,
  leaseMs: number,
  deadHolders?: { readonly prefix: string; readonly isDead: (holder: string) => boolean },
): Promise<ImportJobRow | undefined> {
  const free = await db
    .selectFrom('iot_import_jobs')
    .select(['apply_id', 'lease_owner', 'created_at'])
    .where('status', 'in', RUNNING)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('created_at')
    .limit(8)
    .execute();
  const orphaned = deadHolders
    ? (
        await db
          .selectFrom('iot_import_jobs')
          .select(['apply_id', 'lease_owner', 'created_at'])
          .where('status', 'in', RUNNING)
          .where('lease_owner', 'like', `${deadHolders.prefix}%`)
          .where('lease_until', '>=', now)
          .execute()
      ).filter((job) => job.lease_owner !== null && deadHolders.isDead(job.lease_owner))
    : [];
  // Oldest first, whichever way a job became free: an orphaned job was usually under way.
  const candidates = [...free, ...orphaned].sort((a, b) => Number(a.created_at) - Number(b.created_at));
  for (const { apply_id, lease_owner } of candidates) {
    const claimed = await db
      .updateTable('iot_import_jobs')
      .set((eb) => ({
        lease_owner: owner,
        lease_until: now + leaseMs,
        attempts: eb('attempts', '+', eb.case().when('lease_owner', 'is', null).then(0).else(1).end()),
      }))
      .where('apply_id', '=', apply_id)
      .where('status', 'in', RUNNING)
      // Still as seen: free or expired, or held by the same dead holder.
      .where((eb) =>
        lease_owner !== null && deadHolders?.isDead(lease_owner)
          ? eb('lease_owner', '=', lease_owner)
          : eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
      )
      .returningAll()
      .executeTakeFirst();
    if (claimed) return claimed;
  }
  return undefined;
}

export type BatchOutcome = 'continued' | 'finished' | 'lost';

/**
 * Inserts the job's next `batchSize` rows as devices in one transaction: the devices, the
 * rows' outcomes, the product's device counter and the job's progress commit together, so an
 * interruption leaves either all of a batch or none of it. Rows whose name was taken meanwhile
 * become 'failed'. 'lost' means another runner holds the job now (or it was deleted).
 */
export async function runImportBatch(
  db: Kysely<Database>,
  job: Pick<ImportJobRow, 'apply_id' | 'account_id' | 'product_key' | 'total'>,
  owner: string,
  now: number,
  options: { readonly batchSize: number; readonly leaseMs: number },
): Promise<BatchOutcome> {
  return db.transaction().execute(async (tx): Promise<BatchOutcome> => {
    const current = await tx
      .selectFrom('iot_import_jobs')
      .select('next_seq')
      .where('apply_id', '=', job.apply_id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'CREATE')
      .executeTakeFirst();
    if (!current) return 'lost';
    const start = current.next_seq;
    const end = Math.min(start + options.batchSize, job.total);

    const inserted = await tx
      .insertInto('iot_devices')
      .columns(['iot_id', 'account_id', 'product_key', 'device_name', 'secret_sealed', 'sn', 'nickname', 'status', 'created_at', 'modified_at', 'activated_at', 'online_at'])
      .expression(
        tx
          .selectFrom('iot_import_rows')
          .select([
            'iot_id',
            sql<string>`cast(${job.account_id} as text)`.as('account_id'),
            sql<string>`cast(${job.product_key} as text)`.as('product_key'),
            'device_name',
            'secret_sealed',
            'sn',
            'nickname',
            sql<string>`cast(${'UNACTIVE'} as text)`.as('status'),
            sql<number>`cast(${now} as bigint)`.as('created_at'),
            sql<number>`cast(${now} as bigint)`.as('modified_at'),
            sql<null>`null`.as('activated_at'),
            sql<null>`null`.as('online_at'),
          ])
          .where('apply_id', '=', job.apply_id)
          .where('seq', '>=', start)
          .where('seq', '<', end)
          .where('state', '=', 'pending'),
      )
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n);

    await tx
      .updateTable('iot_import_rows')
      .set((eb) => ({
        state: eb
          .case()
          .when(eb.exists(eb.selectFrom('iot_devices as d').select('d.iot_id').whereRef('d.iot_id', '=', 'iot_import_rows.iot_id')))
          .then('created' as const)
          .else('failed' as const)
          .end(),
      }))
      .where('apply_id', '=', job.apply_id)
      .where('seq', '>=', start)
      .where('seq', '<', end)
      .where('state', '=', 'pending')
      .execute();

    if (created > 0) {
      const counted = await tx
        .updateTable('iot_products')
        .set((eb) => ({ device_count: eb('device_count', '+', created) }))
        .where('account_id', '=', job.account_id)
        .where('product_key', '=', job.product_key)
        .where('device_count', '<=', MAX_DEVICES_PER_PRODUCT - created)
        .executeTakeFirst();
      // The batch is rolled back: the product has no room left.
      if (counted.numUpdatedRows === 0n) throw new StoreRefusal('quota', 'the product has reached its device quota');
    }

    const finished = end >= job.total;
    let status: ImportJobRow['status'] = 'CREATE';
    if (finished) {
      const anyFailed = await tx
        .selectFrom('iot_import_rows')
        .select('seq')
        .where('apply_id', '=', job.apply_id)
        .where('state', '=', 'failed')
        .limit(1)
        .executeTakeFirst();
      status = anyFailed ? 'CREATE_FAILED' : 'CREATE_SUCCESS';
    }
    const progressed = await tx
      .updateTable('iot_import_jobs')
      .set({
        next_seq: end,
        status,
        updated_at: now,
        lease_owner: finished ? null : owner,
        lease_until: finished ? null : now + options.leaseMs,
      })
      .where('apply_id', '=', job.apply_id)
      // The lease may have expired and passed to another runner while this batch ran: then the
      // whole batch rolls back and the new holder does it.
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    if (progressed.numUpdatedRows === 0n) throw new LeaseLost();
    return finished ? 'finished' : 'continued';
  }).catch((error: unknown) => {
    if (error instanceof LeaseLost) return 'lost' as const;
    throw error;
  });
}

/** Thrown inside a batch's transaction to roll it back when its runner no longer holds the job. */
class LeaseLost extends Error {}

/** Gives a job back without finishing it; `countAttempt` when the holder failed rather than stopped. */
export async function releaseImportJob(db: Kysely<Database>, applyId: number, owner: string, countAttempt: boolean): Promise<void> {
  await db
    .updateTable('iot_import_jobs')
    .set((eb) => ({ lease_owner: null, lease_until: null, attempts: eb('attempts', '+', countAttempt ? 1 : 0) }))
    .where('apply_id', '=', applyId)
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * Ends a running job as CHECK_FAILED or CREATE_FAILED with `failure` (a catalog code): its rows
 * not yet processed become 'failed', so the job reports every device it did not create.
 */
export async function failImportJob(db: Kysely<Database>, applyId: number, owner: string, failure: string, now: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const ended = await tx
      .updateTable('iot_import_jobs')
      .set((eb) => ({
        status: eb.case().when('status', '=', 'CHECK').then('CHECK_FAILED' as const).else('CREATE_FAILED' as const).end(),
        failure,
        lease_owner: null,
        lease_until: null,
        updated_at: now,
      }))
      .where('apply_id', '=', applyId)
      .where('lease_owner', '=', owner)
      .where('status', 'in', RUNNING)
      .executeTakeFirst();
    if (ended.numUpdatedRows === 0n) return;
    await tx.updateTable('iot_import_rows').set({ state: 'failed' }).where('apply_id', '=', applyId).where('state', '=', 'pending').execute();
  });
}

/** Rows a statement names by value at most: well inside both databases' parameter limits. */
const NAME_CHUNK = 1_000;

/**
 * The asynchronous half of BatchCheckDeviceNames: in one transaction, every row whose name is
 * given twice in the list or already exists in the product becomes 'failed', and the apply
 * ends CHECK_SUCCESS (no such row) or CHECK_FAILED. 'lost' when another runner holds it now.
 */
export async function runNameCheck(
  db: Kysely<Database>,
  dialect: Dialect,
  job: Pick<ImportJobRow, 'apply_id' | 'account_id' | 'product_key'>,
  owner: string,
  now: number,
): Promise<Exclude<BatchOutcome, 'continued'>> {
  return db.transaction().execute(async (tx): Promise<'finished'> => {
    const rows = await tx.selectFrom('iot_import_rows').select('device_name').where('apply_id', '=', job.apply_id).execute();
    const seen = new Set<string>();
    const repeated = new Set<string>();
    for (const { device_name } of rows) (seen.has(device_name) ? repeated : seen).add(device_name);
    const existing = await existingDeviceNames(tx, dialect, job.account_id, job.product_key, [...seen]);
    const refused = [...new Set([...repeated, ...existing])];
    for (let i = 0; i < refused.length; i += NAME_CHUNK) {
      await tx
        .updateTable('iot_import_rows')
        .set({ state: 'failed' })
        .where('apply_id', '=', job.apply_id)
        .where('device_name', 'in', refused.slice(i, i + NAME_CHUNK))
        .execute();
    }
    const ended = await tx
      .updateTable('iot_import_jobs')
      .set({ status: refused.length > 0 ? 'CHECK_FAILED' : 'CHECK_SUCCESS', lease_owner: null, lease_until: null, updated_at: now })
      .where('apply_id', '=', job.apply_id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'CHECK')
      .executeTakeFirst();
    if (ended.numUpdatedRows === 0n) throw new LeaseLost();
    return 'finished';
  }).catch((error: unknown) => {
    if (error instanceof LeaseLost) return 'lost' as const;
    throw error;
  });
}

/**
 * BatchRegisterDeviceWithApplyId: a checked name list (CHECK_SUCCESS) starts creating its devices.
 * The conditional UPDATE lets exactly one of concurrent calls start it; the answer is the status
 * the apply has afterwards, so a repeated call sees CREATE (or its outcome) and starts nothing.
 */
export async function startNamesRegistration(db: Kysely<Database>, accountId: string, applyId: number, now: number): Promise<ImportJobRow['status']> {
  await db
    .updateTable('iot_import_jobs')
    .set({ status: 'CREATE', next_seq: 0, attempts: 0, lease_owner: null, lease_until: null, updated_at: now })
    .where('apply_id', '=', applyId)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'names')
    .where('status', '=', 'CHECK_SUCCESS')
    .execute();
  const row = await db.selectFrom('iot_import_jobs').select('status').where('apply_id', '=', applyId).where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return row.status;
}

/** The account's job of that ApplyId, whatever the instance of its product. */
export async function findAccountImportJob(db: Kysely<Database>, accountId: string, applyId: number): Promise<ImportJobRow | undefined> {
  return db.selectFrom('iot_import_jobs').selectAll().where('apply_id', '=', applyId).where('account_id', '=', accountId).executeTakeFirst();
}

/** One page of the account's jobs (imports, name checks, registrations), newest first, optionally of one product. */
export async function importJobPage(db: Kysely<Database>, accountId: string, productKey: string | undefined, page: KeysetPage): Promise<Keyed<ImportJobRow>> {
  const query = db
    .selectFrom('iot_import_jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(productKey !== undefined, (q) => q.where('product_key', '=', productKey!));
  return readKeysetPage(query, { columns: ['apply_id'], direction: 'desc', position: (row) => [row.apply_id] }, page);
}

/** One page of a job's valid or invalid rows (as importOutcomes sorts them), in submission order; never a secret. */
export async function importOutcomePage(
  db: Kysely<Database>,
  job: Pick<ImportJobRow, 'apply_id' | 'status'>,
  outcome: 'valid' | 'invalid',
  page: KeysetPage,
): Promise<Keyed<Omit<ImportRow, 'secret_sealed'>>> {
  const query = decidedRows(db, job)
    .select(['apply_id', 'seq', 'iot_id', 'device_name', 'sn', 'nickname', 'state'])
    .where('state', outcome === 'invalid' ? '=' : '!=', 'failed');
  return readKeysetPage(query, { columns: ['seq'], direction: 'asc', position: (row) => [row.seq] }, page);
}
