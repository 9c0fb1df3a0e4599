import type { CliModule } from '../../../cli/cli-module.ts';
import { CliError, print, requireAccount } from '../../../cli/output.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { activateDevice, showProduct, switchDynamicRegistration, type OperatorRefusal, type ProductAdminView } from './operator.ts';
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

const productRow = (product: ProductAdminView) => ({
  product: product.productKey,
  account: product.accountId,
  instance: product.iotInstanceId ?? '(default)',
  name: product.name,
  devices: product.deviceCount,
  'dynamic registration': product.dynamicRegistration ? 'on' : 'off',
});

/** An operator refusal as a CliError with the admin API's code. */
async function orCliError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StoreRefusal) throw new CliError(error.message, (error as OperatorRefusal).reason);
    throw error;
  }
}

/**
 * `iot instances create|list`, `iot products show|dynamic-registration`, `iot devices activate`
 * and `iot devices import` (Alibaba's device import CSV), as the admin API's /iot routes.
 */
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

  const products = iot.command('products').description('products of every account');
  products
    .command('show <productKey>')
    .description('show a product and its dynamic-registration switch')
    .option('--json', 'machine-readable output')
    .action((productKey: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        const product = await orCliError(showProduct(app, productKey));
        print(!!options.json, product, [productRow(product)]);
      }),
    );
  products
    .command('dynamic-registration <productKey> <state>')
    .description("turn a product's dynamic registration on or off (a console-only switch on Alibaba Cloud)")
    .option('--json', 'machine-readable output')
    .action((productKey: string, state: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        if (state !== 'on' && state !== 'off') throw new CliError(`state must be on or off, not ${state}`, 'InvalidParameter');
        const product = await orCliError(switchDynamicRegistration(app, productKey, state === 'on'));
        print(!!options.json, product, [productRow(product)]);
      }),
    );
  const devices = iot.command('devices').description("devices of every account");
  devices
    .command('activate <productKey> <deviceName>')
    .description('mark a device activated, as its first authentication with its DeviceSecret would')
    .option('--json', 'machine-readable output')
    .action((productKey: string, deviceName: string, options: { json?: boolean }) =>
      withApp(async (app) => {
        const activation = await orCliError(activateDevice(app, productKey, deviceName));
        print(!!options.json, activation, [{ ...activation, activatedAt: new Date(activation.activatedAt).toISOString() }]);
      }),
    );
  importOptions(
    devices
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
