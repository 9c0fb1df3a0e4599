import type { CliModule } from '../../../cli/cli-module.ts';
import { CliError, print } from '../../../cli/output.ts';
import { VendorRegistrationError, findVendorByName, findVendorOfAccount, listVendors, registerVendor, type Vendor } from './store/vendors.ts';
import { importOptions, runImportCommand, type ImportCommandOptions } from '../../../bulk-import/cli.ts';
import { hardwareImport } from './hardware-import.ts';

const row = (vendor: Vendor) => ({ name: vendor.name, account: vendor.accountId, registered: new Date(vendor.createdAt).toISOString() });

/** `vendors register|list|show`: MNA hardware vendors; `mna hardware import`: a vendor's SN list. */
export const mnaCliModule: CliModule = (program, withApp) => {
  const vendors = program.command('vendors').description('manage MNA hardware vendors');
  vendors
    .command('register')
    .description('register an account as a hardware vendor under a unique name')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--name <vendor>', 'vendor name, as customers pass it in ActivateHardware')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; name: string; json?: boolean }) =>
      withApp(async (app) => {
        try {
          const vendor = await registerVendor(app.store.db, options.account, options.name, app.now());
          print(!!options.json, vendor, [row(vendor)]);
        } catch (error) {
          if (error instanceof VendorRegistrationError) throw new CliError(error.message, error.reason);
          throw error;
        }
      }),
    );
  vendors
    .command('list')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) =>
      withApp(async (app) => {
        const all = await listVendors(app.store.db);
        print(!!options.json, { vendors: all }, all.map(row));
      }),
    );
  vendors
    .command('show <name>')
    .option('--json', 'machine-readable output')
    .action((name: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        const vendor = await findVendorByName(app.store.db, name);
        if (!vendor) throw new CliError(`no vendor named ${name}`, 'VendorNotFound');
        print(!!options.json, vendor, [row(vendor)]);
      }),
    );

  importOptions(
    program
      .command('mna')
      .description('MNA (Tencent Cloud Multi-Network Acceleration)')
      .command('hardware')
      .description("a vendor's hardware")
      .command('import <file>')
      .description("register a vendor's SN list from a CSV file (header SN[,LicenseChargingMode][,Description]) under AddHardware's rules"),
  )
    .option('--license-charging-mode <mode>', 'LicenseChargingMode (1, 2 or 3) of rows without that column')
    .action((file: string, options: ImportCommandOptions & { licenseChargingMode?: string }) =>
      withApp(async (app) => {
        const vendor = await findVendorOfAccount(app.store.db, options.account);
        if (!vendor) throw new CliError(`account ${options.account} is not a registered vendor (fleetgate vendors register)`, 'NotAVendor');
        const mode = options.licenseChargingMode === undefined ? undefined : Number(options.licenseChargingMode);
        await runImportCommand(app, hardwareImport(vendor.accountId, mode, app.now), file, { ...options, target: '' });
      }),
    );
};
