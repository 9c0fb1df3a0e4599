import type { AlibabaProduct, TencentProduct } from './cloud-action.ts';
import type { AdminModule } from '../admin/admin-module.ts';
import type { CliModule } from '../cli/cli-module.ts';
import type { DeviceEndpoint } from '../device/device-endpoint.ts';
import type { DownloadRoute } from './download-route.ts';
import type { MqttRealm } from '../mqtt/realm.ts';
import type { AppContext } from '../core/app-context.ts';
import type { Config } from '../config.ts';
import type { SeedSection } from '../emulator/seed/seed-section.ts';
import { mnaProduct, mnaAdminModule, mnaCliModule, mnaSeed, mnaDownloadRoutes, startPackageRenewalSweeper } from './tencent/mna/index.ts';
import { iotcloudProduct, iotcloudDeviceEndpoints, iotcloudSeed, iotcloudMqttRealm } from './tencent/iotcloud/index.ts';
import { iotProduct, iotAdminModule, iotCliModule, iotDeviceEndpoints, iotMqttRealm, iotSeed, startImportJobRunner } from './alibaba/iot/index.ts';
import { accountsAdminModule } from '../admin/accounts-routes.ts';
import { billingAdminModule, billingCliModule, billingSeed, subUsersSeed } from '../billing/index.ts';
import { emulatorCliModule } from '../emulator/cli.ts';
import { accountsSeed } from '../emulator/seed/accounts-seed.ts';
import { fixtureSchemaAdminModule } from '../emulator/seed/fixture.ts';
import { bulkImportAdminModule } from '../bulk-import/admin-routes.ts';

/** Every cloud product Fleetgate serves. Adding a product is one line in each list it touches. */
export const TENCENT_PRODUCTS: readonly TencentProduct[] = [mnaProduct, iotcloudProduct];

export const ALIBABA_PRODUCTS: readonly AlibabaProduct[] = [iotProduct];

/** Device-side endpoints (no API signature), served by path beside the two API gateways. */
export const DEVICE_ENDPOINTS: readonly DeviceEndpoint[] = [...iotcloudDeviceEndpoints, ...iotDeviceEndpoints];

/** Each cloud's device authentication on the MQTT listener, asked in this order which one a CONNECT's username belongs to. */
export const MQTT_REALMS: readonly MqttRealm[] = [iotcloudMqttRealm, iotMqttRealm];

/**
 * The sections of an emulator fixture, applied in this order: accounts first, since the others
 * name them. A module with state a fixture should be able to create adds its section here.
 */
export const SEED_SECTIONS: readonly SeedSection[] = [accountsSeed, subUsersSeed, billingSeed, mnaSeed, iotcloudSeed, iotSeed];

/** Files cloud actions hand out as links (GET by path, a sealed token instead of an API signature). */
export const DOWNLOAD_ROUTES: readonly DownloadRoute[] = [...mnaDownloadRoutes];

export const ADMIN_MODULES: readonly AdminModule[] = [accountsAdminModule, billingAdminModule, mnaAdminModule, iotAdminModule, bulkImportAdminModule, fixtureSchemaAdminModule(SEED_SECTIONS)];

export const CLI_MODULES: readonly CliModule[] = [billingCliModule, mnaCliModule, iotCliModule, emulatorCliModule];

/** Long-running work a server process owns (started after listen, stopped before exit). */
export const BACKGROUND_WORKERS: readonly ((app: AppContext & { readonly config: Config }) => { stop(): Promise<void> })[] = [startImportJobRunner, startPackageRenewalSweeper];
