import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Arg = string | number;

interface Template {
  readonly compiled: CompiledQuery;
  /** For each compiled parameter: the index of the argument it takes, or -1 for a constant. */
  readonly slots: readonly number[];
}

const SENTINEL = '\u0000fleetgate-arg:';

/**
 * A query of a fixed shape whose SQL is built and compiled once per Kysely instance and then
 * reused with new arguments. Building and compiling a Kysely query costs several times more than
 * running a point read on SQLite, so queries on the request hot path use this.
 *
 * `build` receives placeholders instead of the real arguments: it must pass each one straight
 * into the query as a value (not branch on it, not transform it). A placeholder that does not
 * reach the compiled parameters is a programming error and throws on first use.
 */
export function preparedQuery<A extends readonly Arg[], R>(build: (db: Kysely<Database>, ...args: A) => Compilable<R>) {
  const templates = new WeakMap<Kysely<Database>, Template>();

  function template(db: Kysely<Database>, arity: number): Template {
    let found = templates.get(db);
    if (!found) {
      const placeholders = Array.from({ length: arity }, (_, i) => `${SENTINEL}${i}`) as unknown as A;
      const compiled = build(db, ...placeholders).compile();
      const slots = compiled.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(SENTINEL) ? Number(value.slice(SENTINEL.length)) : -1,
      );
      for (let i = 0; i < arity; i++) if (!slots.includes(i)) throw new Error(`preparedQuery: argument ${i} does not reach the query`);
      found = { compiled, slots };
      templates.set(db, found);
    }
    return found;
  }

  /** Runs the query with these arguments; resolves to its rows. */
  return async (db: Kysely<Database>, ...args: A): Promise<R[]> => {
    const { compiled, slots } = template(db, args.length);
    const parameters = slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : args[slot]));
    const result = await db.executeQuery<R>({ ...compiled, parameters });
    return result.rows;
  };
}
