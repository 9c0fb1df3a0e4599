/**
 * What a failed write broke, read the same way on both engines: PostgreSQL reports SQLSTATE codes
 * and names the broken constraint; SQLite reports its own codes and only lists the columns.
 */

/** True when an error is a unique-constraint violation on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Which of a schema's uniqueness rules a failed write broke, if it broke one. `columnsByRule`
 * maps each constraint name (PostgreSQL's report) to SQLite's `table.column, table.column` list.
 */
export function brokenUniqueConstraint<Rule extends string>(error: unknown, columnsByRule: Readonly<Record<Rule, string>>): Rule | undefined {
  if (!isUniqueViolation(error)) return undefined;
  const { constraint, message } = error as { constraint?: string; message?: string };
  for (const [rule, columns] of Object.entries(columnsByRule) as [Rule, string][]) {
    if (constraint === rule || message?.endsWith(`constraint failed: ${columns}`)) return rule;
  }
  return undefined;
}

/** True when a write referenced a row that does not exist (or no longer does). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * True when PostgreSQL rolled the whole transaction back to break a deadlock (40P01) or a
 * serialization conflict (40001): nothing of it was written, and trying again may succeed.
 */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === '40P01' || code === '40001';
}
