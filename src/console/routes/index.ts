import type { ConsoleRoute } from '../console-route.ts';
import { accountRoutes, sessionRoutes } from './accounts.ts';
import { billingRoutes } from './billing.ts';
import { emulatorRoutes } from './emulator.ts';
import { iotHubRoutes, iotPlatformRoutes } from './iot.ts';
import { mnaRoutes } from './mna.ts';

/** Every route of the console API but the emulator controls it mounts: a new area adds its list here. */
export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [...sessionRoutes, ...accountRoutes, ...mnaRoutes, ...billingRoutes, ...iotHubRoutes, ...iotPlatformRoutes, ...emulatorRoutes];
