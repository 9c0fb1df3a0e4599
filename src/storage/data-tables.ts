import { sql } from 'kysely';
import type { Store } from './database.ts';

/** A table holding Fleetgate's state, with its columns and the tables its foreign keys name. */
export interface DataTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly parents: readonly string[];
}

/**
 * Tables that are the database's bookkeeping rather than its state: the migrations' (a snapshot
 * of one schema version restores into the same version only), the master key check (state
 * sealed under one key stays under it), the price list (configuration the migration fills: a
 * reset without it would leave paying actions without prices) and SQLite's own (planner statistics).
 */
const isBookkeeping = (name: string): boolean => name.startsWith('kysely_') || name.startsWith('sqlite_') || name === 'core_settings' || name === 'billing_prices';

/**
 * Every state table, parents before children (the order to insert in; reversed, the order to
 * delete in), read from the database itself so a product's new tables are covered without a list.
 */
export async function dataTables(store: Store): Promise<DataTable[]> {
  const rows = store.dialect === 'sqlite' ? await sqliteColumns(store) : await postgresColumns(store);
  const tables = new Map<string, { columns: string[]; parents: Set<string> }>();
  for (const row of rows) {
    if (isBookkeeping(row.table_name)) continue;
    const table = tables.get(row.table_name) ?? { columns: [], parents: new Set<string>() };
    tables.set(row.table_name, table);
    if (row.column_name !== null && !table.columns.includes(row.column_name)) table.columns.push(row.column_name);
    if (row.parent !== null && row.parent !== row.table_name) table.parents.add(row.parent);
  }
  return parentsFirst([...tables].map(([name, table]) => ({ name, columns: table.columns, parents: [...table.parents].sort() })));
}

interface ColumnRow {
  table_name: string;
  column_name: string | null;
  parent: string | null;
}

function sqliteColumns(store: Store): Promise<ColumnRow[]> {
  return sql<ColumnRow>`
    select m.name as table_name, c.name as column_name, null as parent, c.cid as position
      from sqlite_master m join pragma_table_info(m.name) c
     where m.type = 'table'
    union all
    select m.name, null, f."table", -1
      from sqlite_master m join pragma_foreign_key_list(m.name) f
     where m.type = 'table'
    order by 1, 4`
    .execute(store.db)
    .then((result) => result.rows);
}

function postgresColumns(store: Store): Promise<ColumnRow[]> {
  return sql<ColumnRow>`
    select * from (
      select c.table_name::text, c.column_name::text, null::text as parent, c.ordinal_position as position
        from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
       where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      union all
      select child.relname::text, null, parent.relname::text, 0
        from pg_constraint k
        join pg_class child on child.oid = k.conrelid
        join pg_class parent on parent.oid = k.confrelid
       where k.contype = 'f' and child.relnamespace = current_schema()::regnamespace
    ) columns order by 1, position`
    .execute(store.db)
    .then((result) => result.rows);
}

/** Kahn's order by name among the ready tables, so the order is the same on every run and engine. */
function parentsFirst(tables: DataTable[]): DataTable[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const done = new Set<string>();
  const ordered: DataTable[] = [];
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !done.has(table.name) && table.parents.every((parent) => done.has(parent) || !byName.has(parent)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${tables.filter((t) => !done.has(t.name)).map((t) => t.name).join(', ')}`);
    const next = ready.sort((a, b) => (a.name < b.name ? -1 : 1))[0]!;
    done.add(next.name);
    ordered.push(next);
  }
  return ordered;
}
