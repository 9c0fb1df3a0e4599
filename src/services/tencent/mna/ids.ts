import { lowerAlphanumeric } from '../../../core/ids.ts';

/** HardwareId as in every spec example: `cpe-` + 10 lowercase alphanumerics. */
export const newHardwareId = (): string => `cpe-${lowerAlphanumeric(10)}`;

/** DeviceId: `mna-` + 10 lowercase alphanumerics. */
export const newDeviceId = (): string => `mna-${lowerAlphanumeric(10)}`;

/** GroupId shaped like the spec's struct examples (`cliGrp-xf8rboasbh`). */
export const newGroupId = (): string => `cliGrp-${lowerAlphanumeric(10)}`;
