import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { sql, type CompiledQuery } from 'kysely';
import type { Store } from './database.ts';
import { dataTables, type DataTable } from './data-tables.ts';
import { StoreRefusal } from './store-refusal.ts';
import { writeInTransaction, type GuardedStatement } from './atomic-write.ts';

/**
 * Whole-state operations of the emulator: drop everything (or one account's rows), save the
 * state to a file and restore it. SQLite snapshots are SQLite database files written by its online
 * backup; PostgreSQL snapshots are JSON in the format below. Either restores in one transaction.
 */

/**
 * The PostgreSQL snapshot format (version 1): one JSON document
 * `{format, version, dialect, migrations, settings, tables: [{name, columns, rows}]}` where
 * `migrations` names the schema's applied migrations, `settings` holds the rows of core_settings
 * (the master key check: a snapshot restores only into the database it was taken of), and
 * `tables` lists every state table parents first, each row an array in `columns` order (numbers,
 * strings and nulls as stored; epoch milliseconds and fen are numbers).
 */
export interface JsonSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: 1;
  readonly dialect: 'postgres';
  readonly migrations: readonly string[];
  readonly settings: readonly Record<string, unknown>[];
  readonly tables: readonly { readonly name: string; readonly columns: readonly string[]; readonly rows: readonly unknown[][] }[];
}

export const SNAPSHOT_FORMAT = 'fleetgate-snapshot';

/** A snapshot that cannot be restored here: another engine, another schema version, another database. */
export class SnapshotRefused extends StoreRefusal<'InvalidSnapshot'> {
  constructor(message: string) {
    super('InvalidSnapshot', message);
  }
}

/**
 * Deletes every row of every state table in one transaction (a transaction, not a store's atomic
 * write: on a SQLite file that runs on the writer thread, off the event loop, however many rows go).
 */
export async function dropAllState(store: Store): Promise<void> {
  const tables = await dataTables(store);
  await writeInTransaction(store.db, deletions(store, tables).map((query) => ({ query })));
}

/**
 * Deletes an account's rows (the account and its own keys stay) in one transaction: `first` (what
 * products must do to other accounts' rows pointing at this account's, e.g. release its
 * hardware), its sub-users' keys (they go with the sub-users), then every table with an
 * `account_id` column, children first.
 */
export async function dropAccountState(store: Store, accountId: string, first: readonly CompiledQuery[]): Promise<void> {
  const tables = (await dataTables(store)).filter((table) => table.columns.includes('account_id') && !KEPT_WITH_ACCOUNT.has(table.name));
  const subUserKeys = store.db.deleteFrom('credentials').where('account_id', '=', accountId).where('user_id', 'is not', null).compile();
  const deletes = [...tables].reverse().map((table) => sql`delete from ${sql.table(table.name)} where account_id = ${accountId}`.compile(store.db));
  // A transaction, off the event loop on a SQLite file, as dropAllState's.
  await writeInTransaction(store.db, [...first, subUserKeys, ...deletes].map((query) => ({ query })));
}

const KEPT_WITH_ACCOUNT = new Set(['accounts', 'credentials']);

function deletions(store: Store, tables: readonly DataTable[]): CompiledQuery[] {
  return [...tables].reverse().map((table) => sql`delete from ${sql.table(table.name)}`.compile(store.db));
}

/** Writes the whole state to `file` (through a temporary file, so a failed save leaves no half snapshot). */
export async function saveSnapshot(store: Store, file: string): Promise<void> {
  const partial = `${file}.partial`;
  try {
    if (store.backup) await store.backup(partial);
    else writeFileSync(partial, JSON.stringify(await jsonSnapshot(store)), { mode: 0o600 });
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Replaces the whole state with the snapshot's, in one transaction. */
export async function restoreSnapshot(store: Store, file: string): Promise<void> {
  if (store.dialect === 'sqlite') await restoreSqlite(store, file);
  else await restoreJson(store, file);
}

const migrationNames = (store: Store, schema: string) =>
  sql<{ name: string }>`select name from ${sql.table(`${schema}.kysely_migration`)} order by name`.execute(store.db).then((r) => r.rows.map((row) => row.name));

const settingsOf = (store: Store, schema?: string) =>
  sql<Record<string, unknown>>`select name, value, created_at from ${sql.table(schema ? `${schema}.core_settings` : 'core_settings')} order by name`
    .execute(store.db)
    .then((r) => r.rows);

async function jsonSnapshot(store: Store): Promise<JsonSnapshot> {
  // One repeatable-read transaction: every table as of one moment.
  return store.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const tables = await dataTables({ ...store, db: trx });
      const rows = async (table: DataTable) => {
        const { rows } = await sql<Record<string, unknown>>`select ${sql.join(table.columns.map((c) => sql.ref(c)))} from ${sql.table(table.name)}`.execute(trx);
        return rows.map((row) => table.columns.map((column) => row[column]));
      };
      const { rows: migrations } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(trx);
      const { rows: settings } = await sql<Record<string, unknown>>`select name, value, created_at from core_settings order by name`.execute(trx);
      return {
        format: SNAPSHOT_FORMAT,
        version: 1,
        dialect: 'postgres',
        migrations: migrations.map((row) => row.name),
        settings,
        tables: await Promise.all(tables.map(async (table) => ({ name: table.name, columns: table.columns, rows: await rows(table) }))),
      } satisfies JsonSnapshot;
    });
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bound parameters for the widest table. */
const PARAMETERS_PER_INSERT = 30_000;

async function restoreJson(store: Store, file: string): Promise<void> {
  let snapshot: JsonSnapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8')) as JsonSnapshot;
  } catch (error) {
    throw new SnapshotRefused(`the file is not a PostgreSQL snapshot (JSON) of Fleetgate: ${(error as Error).message}`);
  }
  if (snapshot?.format !== SNAPSHOT_FORMAT || snapshot.version !== 1 || snapshot.dialect !== 'postgres') {
    throw new SnapshotRefused(`the file is not a version 1 PostgreSQL snapshot of Fleetgate (format ${String(snapshot?.format)}, dialect ${String(snapshot?.dialect)})`);
  }
  const tables = await dataTables(store);
  await checkSameDatabase(store, snapshot.migrations, snapshot.settings);
  const given = new Map(snapshot.tables.map((table) => [table.name, table]));
  const statements: GuardedStatement[] = deletions(store, tables).map((query) => ({ query }));
  for (const table of tables) {
    const saved = given.get(table.name);
    if (!saved) throw new SnapshotRefused(`the snapshot has no table ${table.name}`);
    if (saved.columns.join() !== table.columns.join()) throw new SnapshotRefused(`the snapshot's ${table.name} has other columns than this database's`);
    const perInsert = Math.max(1, Math.floor(PARAMETERS_PER_INSERT / table.columns.length));
    for (let start = 0; start < saved.rows.length; start += perInsert) {
      const values = saved.rows.slice(start, start + perInsert).map((row) => sql`(${sql.join(row)})`);
      const columns = sql.join(table.columns.map((c) => sql.ref(c)));
      statements.push({ query: sql`insert into ${sql.table(table.name)} (${columns}) values ${sql.join(values)}`.compile(store.db) });
    }
  }
  await store.writeAtomically(statements);
}

const SQLITE_HEADER = 'SQLite format 3\0';

async function restoreSqlite(store: Store, file: string): Promise<void> {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new SnapshotRefused(`cannot read the snapshot: ${(error as Error).message}`);
  }
  if (header.toString('latin1') !== SQLITE_HEADER) throw new SnapshotRefused('the file is not a SQLite snapshot of Fleetgate');
  const tables = await dataTables(store);
  // ATTACH cannot run inside a transaction: the snapshot is attached to the writing connection
  // (the writer thread's, where transactions run) first, then copied in one transaction there.
  // The caller serialises restores, so the name is free.
  await sql`attach database ${file} as snapshot`.execute(store.db);
  try {
    await checkSameDatabase(store, await migrationNames(store, 'snapshot'), await settingsOf(store, 'snapshot')).catch((error: unknown) => {
      throw error instanceof SnapshotRefused ? error : new SnapshotRefused(`the file is not a snapshot of Fleetgate: ${(error as Error).message}`);
    });
    const copies = tables.map((table) => {
      const columns = sql.join(table.columns.map((c) => sql.ref(c)));
      return sql`insert into ${sql.table(`main.${table.name}`)} (${columns}) select ${columns} from ${sql.table(`snapshot.${table.name}`)}`.compile(store.db);
    });
    await writeInTransaction(store.db, [...deletions(store, tables), ...copies].map((query) => ({ query })));
  } finally {
    await sql`detach database snapshot`.execute(store.db);
  }
}

/** A snapshot restores into the database it was taken of (same master key check), at the same schema version. */
async function checkSameDatabase(store: Store, migrations: readonly string[], settings: readonly Record<string, unknown>[]): Promise<void> {
  const current = await migrationNames(store, store.dialect === 'sqlite' ? 'main' : await currentSchemaName(store));
  if (migrations.join() !== current.join()) {
    throw new SnapshotRefused(`the snapshot is of another schema version (${migrations.length} migrations, this database has ${current.length}): take it again`);
  }
  if (JSON.stringify(settings) !== JSON.stringify(await settingsOf(store))) {
    throw new SnapshotRefused('the snapshot was taken of another database (its master key check differs): its secrets could not be opened here');
  }
}

async function currentSchemaName(store: Store): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  return rows[0]!.schema;
}
