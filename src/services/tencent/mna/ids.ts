import { lowerAlphanumeric, lowerAlphanumericRuns } from '../../../core/ids.ts';

// Hardware and devices are created in batches of up to 100: 7 random characters shared by a run
// of 46,656 (three counting characters), so a batch's rows sit together in the id indexes.
const hardwareSuffix = lowerAlphanumericRuns(10, 3);
const deviceSuffix = lowerAlphanumericRuns(10, 3);

/** HardwareId as in every spec example: `cpe-` + 10 lowercase alphanumerics. */
export const newHardwareId = (): string => `cpe-${hardwareSuffix()}`;

/** DeviceId: `mna-` + 10 lowercase alphanumerics. */
export const newDeviceId = (): string => `mna-${deviceSuffix()}`;

/** GroupId shaped like the spec's struct examples (`cliGrp-xf8rboasbh`). */
export const newGroupId = (): string => `cliGrp-${lowerAlphanumeric(10)}`;
