import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliModule } from './cli-module.ts';
import { CliError, print, requireAccount } from './output.ts';
import { AccountNameTaken, listAccounts, setAccountFlags, setAccountStatus } from '../core/accounts.ts';
import { createAccountWithKeys } from '../core/bootstrap.ts';
import { KeyIdTaken, createKey, disableKey, listKeys } from '../core/credentials.ts';
import type { Cloud } from '../core/tables.ts';

const when = (ms: number) => new Date(ms).toISOString();

/** `accounts create|list|show|disable|flags` and `keys create|list|disable`. */
export const coreCliModule: CliModule = (program: Command, withApp) => {
  const accounts = program.command('accounts').description('manage accounts (tenants)');
  accounts
    .command('create <name>')
    .description('create an account with one Tencent and one Alibaba key pair (secrets printed once)')
    .option('--json', 'machine-readable output')
    .action((name: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        try {
          const result = await createAccountWithKeys(app.store.db, app.secrets, { name, now: app.now() });
          print(!!options.json, result, result.keys.map((k) => ({ account: result.account.id, cloud: k.cloud, keyId: k.keyId, secret: k.secret })));
        } catch (error) {
          if (error instanceof AccountNameTaken) throw new CliError(error.message, 'AccountNameTaken');
          throw error;
        }
      }),
    );
  accounts
    .command('list')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      withApp(async (app) => {
        const all = await listAccounts(app.store.db);
        print(!!options.json, { accounts: all }, all.map((a) => ({ id: a.id, name: a.name, status: a.status, created: when(a.createdAt) })));
      }),
    );
  accounts
    .command('show <accountId>')
    .option('--json', 'machine-readable output')
    .action((accountId: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        const account = await requireAccount(app, accountId);
        const keys = await listKeys(app.store.db, accountId);
        print(!!options.json, { ...account, keys }, keys.map((k) => ({ account: account.id, name: account.name, cloud: k.cloud, keyId: k.keyId, status: k.status })));
      }),
    );
  accounts
    .command('disable <accountId>')
    .description('disable an account: its keys stop authenticating (on other running nodes within 5 s)')
    .option('--json', 'machine-readable output')
    .action((accountId: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        if (!(await setAccountStatus(app.store.db, accountId, 'disabled'))) throw new CliError(`no account ${accountId}`, 'AccountNotFound');
        const account = await requireAccount(app, accountId);
        print(!!options.json, account, [{ id: account.id, name: account.name, status: account.status }]);
      }),
    );

  accounts
    .command('flags <accountId>')
    .description("set an account's identity-verification and MNA-authorisation flags (both on for new accounts)")
    .option('--identity-verified <on|off>', 'off: paying actions answer OperationDenied.UnauthorizedUser', onOff)
    .option('--mna-authorized <on|off>', "off: MNA's paying actions answer UnauthorizedOperation.NoPermission", onOff)
    .option('--json', 'machine-readable output')
    .action((accountId: string, options: { identityVerified?: boolean; mnaAuthorized?: boolean; json?: boolean }) =>
      withApp(async (app) => {
        if (options.identityVerified === undefined && options.mnaAuthorized === undefined) throw new CliError('give --identity-verified and/or --mna-authorized', 'InvalidParameter');
        if (!(await setAccountFlags(app.store.db, accountId, options))) throw new CliError(`no account ${accountId}`, 'AccountNotFound');
        const account = await requireAccount(app, accountId);
        print(!!options.json, account, [{ id: account.id, identityVerified: account.identityVerified, mnaAuthorized: account.mnaAuthorized }]);
      }),
    );

  const keys = program.command('keys').description("manage an account's API key pairs");
  keys
    .command('create')
    .requiredOption('--account <id>', 'account id')
    .addOption(new Option('--cloud <cloud>', 'which cloud the key pair is for').choices(['tencent', 'alibaba']).makeOptionMandatory())
    .option('--json', 'machine-readable output')
    .action((options: { account: string; cloud: Cloud; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        try {
          const key = await createKey(app.store.db, app.secrets, { accountId: options.account, cloud: options.cloud, now: app.now() });
          print(!!options.json, key, [{ cloud: key.cloud, keyId: key.keyId, secret: key.secret }]);
        } catch (error) {
          if (error instanceof KeyIdTaken) throw new CliError(error.message, 'KeyIdTaken');
          throw error;
        }
      }),
    );
  keys
    .command('list')
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        const all = await listKeys(app.store.db, options.account);
        print(!!options.json, { keys: all }, all.map((k) => ({ cloud: k.cloud, keyId: k.keyId, status: k.status, created: when(k.createdAt) })));
      }),
    );
  keys
    .command('disable <keyId>')
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'machine-readable output')
    .action((keyId: string, options: { account: string; json?: boolean }) =>
      withApp(async (app) => {
        if (!(await disableKey(app.store.db, options.account, keyId))) throw new CliError(`account ${options.account} has no key ${keyId}`, 'KeyNotFound');
        print(!!options.json, { keyId, status: 'disabled' }, [{ keyId, status: 'disabled' }]);
      }),
    );
};

/** `on` / `off` for a flag option; anything else is refused rather than read as one of them. */
function onOff(value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new InvalidArgumentError('expected on or off');
  return value === 'on';
}
