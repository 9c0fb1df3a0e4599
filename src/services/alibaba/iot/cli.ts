import type { CliModule } from '../../../cli/cli-module.ts';
import { print, requireAccount } from '../../../cli/output.ts';
import { createEnterpriseInstance, listEnterpriseInstances, type IotInstance } from './store/instances.ts';

const row = (instance: IotInstance) => ({
  id: instance.id,
  account: instance.accountId,
  products: instance.productCount,
  created: new Date(instance.createdAt).toISOString(),
});

/** `iot instances create --account <id>` and `iot instances list [--account <id>]`. */
export const iotCliModule: CliModule = (program, withApp) => {
  const instances = program.command('iot').description('IoT Platform (Alibaba Cloud 2018-01-20)').command('instances').description('manage Enterprise instances');
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
};
