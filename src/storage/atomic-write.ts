import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** One statement of an atomic write and, when set, exactly how many rows it must change. */
export interface GuardedStatement {
  readonly query: CompiledQuery;
  readonly expectedChanges?: number;
}

/** The code of the error an atomic write fails with when a statement misses its expected change count (the SQLite writer thread uses it too). */
const UNMET_EXPECTATION = 'FLEETGATE_UNMET_EXPECTATION';

/** True when an atomic write wrote nothing because a statement changed another number of rows than expected. */
export const isUnmetExpectation = (error: unknown): boolean => (error as { code?: string } | undefined)?.code === UNMET_EXPECTATION;

/** The index of the statement whose expected change count an atomic write missed, or undefined for any other failure. */
export const unmetStatement = (error: unknown): number | undefined =>
  isUnmetExpectation(error) ? (error as { statement?: number }).statement : undefined;

/**
 * Runs the statements in order in one transaction, like DynamoDB's TransactWriteItems: all of them
 * or, when one fails or misses its expected change count, none.
 */
export async function writeInTransaction(db: Kysely<Database>, statements: readonly GuardedStatement[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [index, { query, expectedChanges }] of statements.entries()) {
      const result = await trx.executeQuery(query);
      // Kysely's SQLite driver counts no changes for a statement that returns rows (RETURNING): it returns one per changed row.
      const changes = result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows);
      if (expectedChanges !== undefined && changes !== expectedChanges) {
        throw Object.assign(new Error(`statement ${index} of an atomic write changed ${changes} rows where ${expectedChanges} were expected`), { code: UNMET_EXPECTATION, statement: index });
      }
    }
  });
}
