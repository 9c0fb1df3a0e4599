import type { CliModule } from '../../../cli/cli-module.ts';
import { CliError, print, requireAccount } from '../../../cli/output.ts';
import { importOptions, runImportCommand, type ImportCommandOptions } from '../../../bulk-import/cli.ts';
import { createEnterpriseInstance, findInstanceId, listEnterpriseInstances, type IotInstance } from './store/instances.ts';
import { findProduct } from './store/products.ts';
import { deviceImport } from './device-import.ts';

const row = (instance: IotInstance) => ({
  id: instance.id,
  account: instance.accountId,
  products: instance.productCount,
  created: new Date(instance.createdAt).toISOString(),
});

/** `iot instances create|list` and `iot devices import` (Alibaba's device import CSV). */
export const iotCliModule: CliModule = (program, withApp) => {
  const iot = program.command('iot').description('IoT Platform (Alibaba Cloud 2018-01-20)');
  const instances = iot.command('instances').description('manage Enterprise instances');
  instances
    .command('create')
    .description('create an Enterprise instance; its products are addressed with its IotInstanceId')
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'machine-readable output')
    .action((options: { account: string; json?: boolean }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        const instance = await createEnterpriseInstance(app.store.db, options.account, app.now());
        print(!!options.json, instance, [row(instance)]);
      }),
    );
  instances
    .command('list')
    .description("list Enterprise instances (every account's unless --account)")
    .option('--account <id>', 'only this account')
    .option('--json', 'machine-readable output')
    .action((options: { account?: string; json?: boolean }) =>
      withApp(async (app) => {
        const all = await listEnterpriseInstances(app.store.db, options.account);
        print(!!options.json, { instances: all }, all.map(row));
      }),
    );

  importOptions(
    iot
      .command('devices')
      .description("a product's devices")
      .command('import <file>')
      .description("import devices with their secrets from Alibaba's device import CSV (header DeviceName,DeviceSecret[,Sn]) under BatchCheckImportDevice's rules"),
  )
    .requiredOption('--product-key <key>', 'the product the devices join')
    .option('--iot-instance-id <id>', "the product's Enterprise instance (default: the account's default instance)")
    .action((file: string, options: ImportCommandOptions & { productKey: string; iotInstanceId?: string }) =>
      withApp(async (app) => {
        await requireAccount(app, options.account);
        const instanceId = await findInstanceId(app.store.db, options.account, options.iotInstanceId);
        const product = instanceId === undefined ? undefined : await findProduct(app.store.db, options.account, instanceId, options.productKey);
        if (!product) throw new CliError(`account ${options.account} has no product ${options.productKey} in that instance`, 'ProductNotFound');
        await runImportCommand(app, deviceImport(app.secrets, options.account, product.product_key, app.now), file, { ...options, target: product.product_key });
      }),
    );
};
