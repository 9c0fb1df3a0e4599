import { sql, type Kysely } from 'kysely';
import { isSqlite } from '../query-helpers.ts';

/**
 * Planner statistics for SQLite's tenant-prefixed indexes, until ANALYZE measures real ones.
 * Without statistics SQLite assumes `account_id = ?` on an index matches about ten rows, so for a
 * query such as `account_id = ? and device_id in (20 ids)` it walks every device of the account
 * through an index that starts with account_id rather than look the ids up by primary key: a
 * GroupAddDevice of 20 devices read all of an 18,000-device account. The rows written here say
 * what these indexes look like in use (many rows per tenant, few per tenant and next column), as
 * SQLite documents for steering its planner (https://www.sqlite.org/optoverview.html#manctrl).
 * Indexes that already have statistics keep them. PostgreSQL gathers its own (autovacuum).
 */
const TENANT_PREFIXED = [
  ['mna_devices', 'account_id'],
  ['mna_hardware', 'account_id'],
  ['iot_devices', 'product_key'],
] as const;

const ROWS = 1_000_000;
const ROWS_PER_TENANT = 10_000;
/** Rows per tenant and next column of a non-unique index (a creation time, mostly). */
const ROWS_PER_TENANT_AND_NEXT = 2;

/**
 * The seeded sqlite_stat1 `stat` of an index: rows, then rows per distinct prefix of its columns.
 * The whole key matches one row: unique indexes by definition, the listing ones because they end
 * in a unique column.
 */
function seededStat(columns: number, unique: boolean): string {
  const middle = Array<number>(Math.max(columns - 2, 0)).fill(unique ? 1 : ROWS_PER_TENANT_AND_NEXT);
  return [ROWS, ROWS_PER_TENANT, ...middle, ...(columns > 1 ? [1] : [])].join(' ');
}

async function tenantIndexes(db: Kysely<unknown>): Promise<{ table: string; index: string; stat: string }[]> {
  const found: { table: string; index: string; stat: string }[] = [];
  for (const [table, tenant] of TENANT_PREFIXED) {
    const { rows } = await sql<{ name: string; unique: number; first: string; columns: number }>`
      select il.name, il."unique",
        (select ii.name from pragma_index_info(il.name) ii where ii.seqno = 0) as first,
        (select count(*) from pragma_index_info(il.name)) as columns
      from pragma_index_list(${table}) il
    `.execute(db);
    for (const row of rows) if (row.first === tenant) found.push({ table, index: row.name, stat: seededStat(row.columns, row.unique === 1) });
  }
  return found;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) return;
  // Creates sqlite_stat1 if it is missing: a schema change, so other connections reload their statistics.
  await sql`analyze sqlite_schema`.execute(db);
  for (const { table, index, stat } of await tenantIndexes(db)) {
    await sql`
      insert into sqlite_stat1 (tbl, idx, stat)
      select ${table}, ${index}, ${stat}
      where not exists (select 1 from sqlite_stat1 where tbl = ${table} and idx = ${index})
    `.execute(db);
  }
  // Makes this connection read the statistics again.
  await sql`analyze sqlite_schema`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) return;
  for (const { table, index, stat } of await tenantIndexes(db)) {
    await sql`delete from sqlite_stat1 where tbl = ${table} and idx = ${index} and stat = ${stat}`.execute(db);
  }
  await sql`analyze sqlite_schema`.execute(db);
}
