import { InvalidArgumentError } from 'commander';
import type { CliModule } from '../cli/cli-module.ts';
import { CliError, print, requireAccount } from '../cli/output.ts';
import { BalanceLimitExceeded, CURRENCY, InsufficientBalance, InvalidMovement, balance, credit, ledger, type LedgerEntry } from './ledger.ts';

/** Whole numbers only: `--amount 1.5` or `--amount 10abc` never reach the ledger as something else. */
function wholeNumber(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

const row = (entry: LedgerEntry) => ({
  seq: entry.seq,
  id: entry.id,
  kind: entry.kind,
  amount: entry.amount,
  balanceAfter: entry.balanceAfter,
  note: entry.note ?? '',
  created: new Date(entry.createdAt).toISOString(),
});

/** `billing balance|credit|ledger --account <id>`: amounts in fen (0.01 CNY). */
export const billingCliModule: CliModule = (program, withApp) => {
  const billing = program.command('billing').description(`account balances and their ledger (amounts in fen, 0.01 ${CURRENCY})`);
  billing
    .command('balance')
    .description("show an account's balance")
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        const fen = await balance(app.store.db, options.account);
        print(!!options.json, { balance: fen, currency: CURRENCY }, [{ account: options.account, balance: fen, currency: CURRENCY }]);
      }),
    );
  billing
    .command('credit')
    .description('credit an account; a negative amount debits it, never below zero')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--amount <fen>', 'fen, non-zero; negative to debit (write --amount=-100)', wholeNumber)
    .option('--note <text>', 'why, kept in the ledger')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; amount: number; note?: string; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        try {
          const entry = await credit(app.store, options.account, options.amount, options.note, app.now());
          print(!!options.json, { balance: entry.balanceAfter, currency: CURRENCY, entry }, [row(entry)]);
        } catch (error) {
          if (error instanceof InvalidMovement || error instanceof InsufficientBalance || error instanceof BalanceLimitExceeded) throw new CliError(error.message, error.code);
          throw error;
        }
      }),
    );
  billing
    .command('ledger')
    .description("an account's ledger, newest entry first")
    .requiredOption('--account <id>', 'account id')
    .option('--offset <n>', 'entries to skip', wholeNumber, 0)
    .option('--limit <n>', 'entries to show (at most 1000)', wholeNumber, 100)
    .option('--json', 'machine-readable output')
    .action((options: { account: string; offset: number; limit: number; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        if (options.offset < 0 || options.limit < 1 || options.limit > 1000) throw new CliError('--offset must be at least 0 and --limit between 1 and 1000', 'InvalidParameter');
        const page = await ledger(app.store.db, options.account, options);
        print(!!options.json, page, page.entries.map(row));
      }),
    );
};
