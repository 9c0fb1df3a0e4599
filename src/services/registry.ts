import type { AlibabaProduct, TencentProduct } from './cloud-action.ts';
import type { AdminModule } from '../admin/admin-module.ts';
import type { CliModule } from '../cli/cli-module.ts';
import type { AppContext } from '../core/app-context.ts';
import { mnaProduct, mnaAdminModule, mnaCliModule } from './tencent/mna/index.ts';
import { iotcloudProduct } from './tencent/iotcloud/index.ts';
import { iotProduct, iotAdminModule, iotCliModule, startImportJobRunner } from './alibaba/iot/index.ts';

/** Every cloud product Fleetgate serves. Adding a product is one line in each list it touches. */
export const TENCENT_PRODUCTS: readonly TencentProduct[] = [mnaProduct, iotcloudProduct];

export const ALIBABA_PRODUCTS: readonly AlibabaProduct[] = [iotProduct];

export const ADMIN_MODULES: readonly AdminModule[] = [mnaAdminModule, iotAdminModule];

export const CLI_MODULES: readonly CliModule[] = [mnaCliModule, iotCliModule];

/** Long-running work a server process owns (started after listen, stopped before exit). */
export const BACKGROUND_WORKERS: readonly ((app: AppContext) => { stop(): Promise<void> })[] = [startImportJobRunner];
