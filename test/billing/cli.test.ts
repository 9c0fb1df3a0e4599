import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { DIALECTS, freshPostgresSchema } from '../support/databases.ts';

// Each command starts a process of its own: slow on a loaded machine.
describe.each(DIALECTS)('fleetgate billing CLI on %s', { timeout: 120_000 }, (dialect) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-billing-cli-'));
  const env: Record<string, string> = { FLEETGATE_DATA_DIR: dataDir };
  let dropSchema = async () => {};
  let account: string;
  beforeAll(async () => {
    if (dialect === 'postgres') {
      const schema = await freshPostgresSchema();
      env.FLEETGATE_DATABASE_URL = schema.url;
      dropSchema = schema.drop;
    }
    account = JSON.parse((await runCli(['accounts', 'create', 'payer', '--json'], env)).stdout).account.id;
  });
  afterAll(async () => {
    await dropSchema();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('credits, debits, shows the balance and the ledger with --json', async () => {
    const credited = await runCli(['billing', 'credit', '--account', account, '--amount', '1000', '--note', 'first', '--json'], env);
    expect(credited.code).toBe(0);
    expect(JSON.parse(credited.stdout)).toMatchObject({ balance: 1000, currency: 'CNY', entry: { seq: 1, kind: 'credit', amount: 1000, note: 'first' } });
    const debited = JSON.parse((await runCli(['billing', 'credit', '--account', account, '--amount=-400', '--json'], env)).stdout);
    expect(debited).toMatchObject({ balance: 600, entry: { seq: 2, kind: 'debit', amount: -400 } });
    expect(JSON.parse((await runCli(['billing', 'balance', '--account', account, '--json'], env)).stdout)).toEqual({ balance: 600, currency: 'CNY' });
    const ledger = JSON.parse((await runCli(['billing', 'ledger', '--account', account, '--json'], env)).stdout);
    expect(ledger.total).toBe(2);
    expect(ledger.entries.map((e: { amount: number }) => e.amount)).toEqual([-400, 1000]);
    const table = await runCli(['billing', 'ledger', '--account', account], env);
    expect(table.stdout.split('\n')[0]).toMatch(/^seq\s+id\s+kind\s+amount\s+balanceAfter/);
  });

  it('explains mistakes in one line: overdraft, zero, fractions, unknown account', async () => {
    const overdraft = await runCli(['billing', 'credit', '--account', account, '--amount=-1000000'], env);
    expect(overdraft.code).toBe(1);
    expect(overdraft.stderr).toContain('too little for a debit of 1000000 fen');
    const zero = await runCli(['billing', 'credit', '--account', account, '--amount', '0'], env);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('amount must be a non-zero whole number of fen');
    const fraction = await runCli(['billing', 'credit', '--account', account, '--amount', '1.5'], env);
    expect(fraction.code).not.toBe(0);
    expect(fraction.stderr).toContain('expected a whole number');
    const unknown = await runCli(['billing', 'balance', '--account', '999999999999'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no account 999999999999');
    expect(JSON.parse((await runCli(['billing', 'balance', '--account', account, '--json'], env)).stdout).balance).toBe(600);
  });

  it('sets prices, issues vouchers, creates sub-users and sets account flags with --json', async () => {
    const [prices, voucher, user, flags] = await Promise.all([
      runCli(['billing', 'prices', 'set', 'mna.license.permanent.1=60000', '--json'], env),
      runCli(['billing', 'vouchers', 'issue', '--account', account, '--kind', 'cash', '--face-value', '300', '--expires', '2099-01-01T00:00:00Z', '--json'], env),
      runCli(['billing', 'users', 'create', '--account', account, '--name', 'ops', '--can-pay', '--json'], env),
      runCli(['accounts', 'flags', account, '--identity-verified', 'off', '--json'], env),
    ]);
    expect(JSON.parse(prices.stdout).prices).toContainEqual(expect.objectContaining({ item: 'mna.license.permanent.1', amount: 60000 }));
    expect(JSON.parse(voucher.stdout)).toMatchObject({ id: expect.stringMatching(/^v-/), kind: 'cash', faceValue: 300, remaining: 300, expiresAt: Date.parse('2099-01-01T00:00:00Z') });
    expect(JSON.parse(user.stdout)).toMatchObject({ user: { name: 'ops', canPay: true }, key: { keyId: expect.stringMatching(/^AKID/), secret: expect.any(String) } });
    expect(JSON.parse(flags.stdout)).toMatchObject({ id: account, identityVerified: false, mnaAuthorized: true });
    const unknownItem = await runCli(['billing', 'prices', 'set', 'mna.nothing=1'], env);
    expect(unknownItem.code).toBe(1);
    expect(unknownItem.stderr).toContain('the price list has no item mna.nothing');
  });
});
