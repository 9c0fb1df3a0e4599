import { SelectQueryNode, type Compilable, type CompiledQuery, type DialectAdapter, type Insertable, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** What a placeholder may stand for: a value bound as a query parameter. */
export type Arg = string | number | null;

interface Template {
  readonly compiled: CompiledQuery;
  /** For each compiled parameter: the index of the argument it takes, or -1 for a constant. */
  readonly slots: readonly number[];
  readonly isSelect: boolean;
}

/** Runs a SELECT synchronously on a connection of the store's own, outside any transaction. */
export type DirectRead = (sql: string, parameters: readonly unknown[]) => unknown[];

const directReads = new WeakMap<DialectAdapter, DirectRead>();

/**
 * Lets prepared SELECTs outside transactions skip Kysely's connection handling (several awaits per
 * query, a measurable share of a point read) and run on `read` directly. Only for a store whose
 * reads already run on a connection no transaction uses (SQLite files; see sqlite-writer.ts).
 */
export function allowDirectReads(db: Kysely<Database>, read: DirectRead): void {
  directReads.set(db.getExecutor().adapter, read);
}

const SENTINEL = '\u0000fleetgate-arg:';

/**
 * A query of a fixed shape whose SQL is built and compiled once per store and then
 * reused with new arguments. Building and compiling a Kysely query costs several times more than
 * running a point read on SQLite, so queries on the request hot path use this.
 *
 * `build` receives placeholders instead of the real arguments: it must pass each one straight
 * into the query as a value (not branch on it, not transform it). A placeholder that does not
 * reach the compiled parameters is a programming error and throws on first use. A query whose
 * shape follows its argument count (a multi-row insert taking rows × columns arguments) is
 * compiled once per count.
 */
export function preparedQuery<A extends readonly Arg[], R>(build: (db: Kysely<Database>, ...args: A) => Compilable<R>) {
  // Keyed by the dialect adapter, which a store's transactions share with it (each transaction is
  // a Kysely instance of its own). Fleetgate's Kysely instances carry no plugins, which would
  // otherwise change the compiled SQL.
  const templates = new WeakMap<DialectAdapter, Map<number, Template>>();

  function template(db: Kysely<Database>, adapter: DialectAdapter, arity: number): Template {
    let byArity = templates.get(adapter);
    if (!byArity) templates.set(adapter, (byArity = new Map()));
    let found = byArity.get(arity);
    if (!found) {
      const placeholders = Array.from({ length: arity }, (_, i) => `${SENTINEL}${i}`) as unknown as A;
      const compiled = build(db, ...placeholders).compile();
      const slots = compiled.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(SENTINEL) ? Number(value.slice(SENTINEL.length)) : -1,
      );
      const used = new Set(slots);
      for (let i = 0; i < arity; i++) if (!used.has(i)) throw new Error(`preparedQuery: argument ${i} does not reach the query`);
      found = { compiled, slots, isSelect: SelectQueryNode.is(compiled.query) };
      byArity.set(arity, found);
    }
    return found;
  }

  const bind = ({ compiled, slots }: Template, args: A) => slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : args[slot]));

  /** Runs the query with these arguments; resolves to its rows. */
  async function run(db: Kysely<Database>, ...args: A): Promise<R[]> {
    const adapter = db.getExecutor().adapter;
    const found = template(db, adapter, args.length);
    const parameters = bind(found, args);
    // No copy of the compiled query on this path: a point read costs only a few µs.
    const direct = found.isSelect && !db.isTransaction ? directReads.get(adapter) : undefined;
    if (direct) return direct(found.compiled.sql, parameters) as R[];
    return (await db.executeQuery<R>({ ...found.compiled, parameters })).rows;
  }

  /** The compiled query with these arguments bound, for an atomic write. */
  function compile(db: Kysely<Database>, ...args: A): CompiledQuery<R> {
    const found = template(db, db.getExecutor().adapter, args.length);
    return { ...found.compiled, parameters: bind(found, args) } as CompiledQuery<R>;
  }
  return Object.assign(run, { compile });
}

/**
 * A multi-row INSERT of fixed columns, compiled once per row count: building a 100-row insert
 * with Kysely costs as much as SQLite takes to run it.
 */
export function preparedInsert<T extends keyof Database & string, C extends keyof Insertable<Database[T]> & string>(table: T, columns: readonly C[]) {
  const insert = preparedQuery((db: Kysely<Database>, ...values: Arg[]) => {
    const rows: Record<string, Arg>[] = [];
    for (let at = 0; at < values.length; at += columns.length) {
      rows.push(Object.fromEntries(columns.map((column, i) => [column, values[at + i]!])));
    }
    // The rows are built from the column list, which TypeScript cannot follow through Object.fromEntries.
    return db.insertInto(table).values(rows as never);
  });
  const values = (rows: readonly Pick<Insertable<Database[T]>, C>[]) => rows.flatMap((row) => columns.map((column) => row[column] as Arg));
  return {
    async run(db: Kysely<Database>, rows: readonly Pick<Insertable<Database[T]>, C>[]): Promise<void> {
      if (rows.length > 0) await insert(db, ...values(rows));
    },
    /** The compiled INSERT of these (one or more) rows. */
    compile: (db: Kysely<Database>, rows: readonly Pick<Insertable<Database[T]>, C>[]): CompiledQuery => insert.compile(db, ...values(rows)),
  };
}
