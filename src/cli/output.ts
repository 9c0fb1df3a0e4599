import type { AppContext } from '../core/app-context.ts';
import { findAccount, type Account } from '../core/accounts.ts';

/** Prints either JSON (for scripts) or aligned rows (for people). */
export function print(json: boolean, value: unknown, rows?: readonly Record<string, unknown>[]): void {
  if (json || !rows) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(columns)}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => String(row[c] ?? '')))}\n`);
}

/** A CLI failure the user can fix: printed without a stack, exit code 1. Codes follow the admin API's. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Prints a failure on stderr: `{"error":{"code","message"}}` for --json (as the admin API answers), else one line. */
export function printError(json: boolean, code: string, message: string): void {
  process.stderr.write(json ? `${JSON.stringify({ error: { code, message } })}\n` : `fleetgate: ${message}\n`);
}

/** The account a command names, or a CliError saying there is none. */
export async function requireAccount(app: AppContext, accountId: string): Promise<Account> {
  const account = await findAccount(app.store.db, accountId);
  if (!account) throw new CliError(`no account ${accountId}`, 'AccountNotFound');
  return account;
}
