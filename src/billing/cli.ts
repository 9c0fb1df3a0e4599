import { InvalidArgumentError } from 'commander';
import type { CliModule } from '../cli/cli-module.ts';
import { CliError, print, requireAccount } from '../cli/output.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import { BalanceLimitExceeded, CURRENCY, InsufficientBalance, InvalidMovement, balance, credit, ledger, type LedgerEntry } from './ledger.ts';
import { listPrices, setPrices } from './prices.ts';
import { issueVoucher, listVouchers, type Voucher } from './vouchers.ts';
import { createSubUser, listSubUsers, setCanPay, type SubUser } from './users.ts';

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

/** Runs a store call, turning its refusal into the CLI's error with the reason as code. */
async function refusalsAsCliErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof StoreRefusal) throw new CliError(error.message, error.reason);
    throw error;
  }
}

const voucherRow = (v: Voucher) => ({
  id: v.id,
  kind: v.kind,
  faceValue: v.faceValue,
  remaining: v.remaining,
  minOrderAmount: v.minOrderAmount,
  expires: new Date(v.expiresAt).toISOString(),
});
const userRow = (u: SubUser) => ({ id: u.id, name: u.name, canPay: u.canPay, keyIds: u.keyIds.join(' ') });

/**
 * `billing balance|credit|ledger --account <id>` (amounts in fen, 0.01 CNY), `billing prices
 * list|set`, `billing vouchers issue|list`, `billing users create|list|can-pay`.
 */
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

  const prices = billing.command('prices').description('the price list (fen per item)');
  prices
    .command('list')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      withApp(async (app) => {
        const list = await listPrices(app.store.db);
        print(!!options.json, { prices: list }, list.map((p) => ({ item: p.item, amount: p.amount })));
      }),
    );
  prices
    .command('set <item=fen...>')
    .description('set prices of items of the list, all or none (e.g. mna.license.permanent.0=25000)')
    .option('--json', 'machine-readable output')
    .action((pairs: string[], options: { json?: boolean }) =>
      withApp(async (app) => {
        const entries = pairs.map((pair) => {
          const match = /^([^=]+)=(\d+)$/.exec(pair);
          if (!match) throw new CliError(`expected item=fen, got ${pair}`, 'InvalidParameter');
          return [match[1]!, Number(match[2])] as const;
        });
        const list = await refusalsAsCliErrors(() => setPrices(app.store, Object.fromEntries(entries), app.now()));
        print(!!options.json, { prices: list }, list.map((p) => ({ item: p.item, amount: p.amount })));
      }),
    );

  const vouchers = billing.command('vouchers').description("an account's vouchers");
  vouchers
    .command('issue')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--kind <cash|deduction>', 'cash: any order; deduction: orders of at least --min-order')
    .requiredOption('--face-value <fen>', 'fen', wholeNumber)
    .option('--min-order <fen>', 'deduction vouchers: the smallest order they pay towards', wholeNumber)
    .requiredOption('--expires <iso>', 'expiry instant, ISO 8601 (e.g. 2027-01-01T00:00:00Z)')
    .option('--note <text>', 'kept with the voucher')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; kind: string; faceValue: number; minOrder?: number; expires: string; note?: string; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        if (options.kind !== 'cash' && options.kind !== 'deduction') throw new CliError('--kind must be cash or deduction', 'InvalidParameter');
        const expiresAt = Date.parse(options.expires);
        if (Number.isNaN(expiresAt)) throw new CliError('--expires must be an ISO 8601 instant', 'InvalidParameter');
        const voucher = await refusalsAsCliErrors(() =>
          issueVoucher(app.store.db, { accountId: options.account, kind: options.kind as 'cash' | 'deduction', faceValue: options.faceValue, minOrderAmount: options.minOrder, expiresAt, note: options.note, now: app.now() }),
        );
        print(!!options.json, voucher, [voucherRow(voucher)]);
      }),
    );
  vouchers
    .command('list')
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        const list = await listVouchers(app.store.db, options.account);
        print(!!options.json, { vouchers: list }, list.map(voucherRow));
      }),
    );

  const users = billing.command('users').description("an account's sub-users (own Tencent keys, payment permission)");
  users
    .command('create')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--name <name>', 'unique in the account')
    .option('--can-pay', 'may pay for orders (default: may not)')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; name: string; canPay?: boolean; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        const { user, key } = await refusalsAsCliErrors(() => createSubUser(app.store.db, app.secrets, { accountId: options.account, name: options.name, canPay: options.canPay === true, now: app.now() }));
        print(!!options.json, { user, key: { keyId: key.keyId, secret: key.secret } }, [{ ...userRow(user), secret: key.secret }]);
      }),
    );
  users
    .command('list')
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        const list = await listSubUsers(app.store.db, options.account);
        print(!!options.json, { users: list }, list.map(userRow));
      }),
    );
  users
    .command('can-pay <userId> <on|off>')
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'machine-readable output')
    .action((userId: string, value: string, options: { account: string; json?: boolean }) =>
      withApp(async (app) => {
        if (value !== 'on' && value !== 'off') throw new CliError('expected on or off', 'InvalidParameter');
        await refusalsAsCliErrors(() => setCanPay(app.store.db, options.account, userId, value === 'on'));
        const user = (await listSubUsers(app.store.db, options.account)).find((u) => u.id === userId)!;
        print(!!options.json, user, [userRow(user)]);
      }),
    );
};
