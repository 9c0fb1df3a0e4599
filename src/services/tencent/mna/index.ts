import type { TencentProduct } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { AddHardware } from './AddHardware.ts';
import { GetVendorHardware } from './GetVendorHardware.ts';
import { GetHardwareList } from './GetHardwareList.ts';
import { UpdateHardware } from './UpdateHardware.ts';
import { ActivateHardware } from './ActivateHardware.ts';
import { GetHardwareInfo } from './GetHardwareInfo.ts';
import { AddDevice } from './AddDevice.ts';
import { GetDevice } from './GetDevice.ts';
import { GetDevices } from './GetDevices.ts';
import { UpdateDevice } from './UpdateDevice.ts';
import { DeleteDevice } from './DeleteDevice.ts';
import { GetDevicePayMode } from './GetDevicePayMode.ts';
import { AddGroup } from './AddGroup.ts';
import { GetGroupList } from './GetGroupList.ts';
import { GetGroupDetail } from './GetGroupDetail.ts';
import { GroupAddDevice, GroupDeleteDevice } from './GroupMembership.ts';
import { UpdateGroup } from './UpdateGroup.ts';
import { DeleteGroup } from './DeleteGroup.ts';
import { CreateEncryptedKey, GetPublicKey } from './Keys.ts';
import { GetActiveDeviceCount } from './GetActiveDeviceCount.ts';
import { DownloadActiveDeviceCount } from './DownloadActiveDeviceCount.ts';
import { activeDeviceReportRoute } from './active-device-report.ts';
import { OrderFlowPackage } from './OrderFlowPackage.ts';
import { GetFlowPackages } from './GetFlowPackages.ts';
import { ModifyPackageRenewFlag } from './ModifyPackageRenewFlag.ts';
import { OrderPerLicense } from './OrderPerLicense.ts';

export { mnaAdminModule } from './admin-routes.ts';
export { mnaCliModule } from './cli.ts';
export { mnaSeed } from './seed.ts';
export { startPackageRenewalSweeper } from './package-renewal.ts';

/** DownloadActiveDeviceCount's CSV files. */
export const mnaDownloadRoutes = [activeDeviceReportRoute];

/** MNA (Multi-Network Acceleration) 2021-01-19: vendor hardware, activation, devices, groups, keys, licenses, active-device statistics and traffic packages. */
export const mnaProduct: TencentProduct = {
  spec: mnaSpec,
  actions: [
    AddHardware,
    GetVendorHardware,
    GetHardwareList,
    UpdateHardware,
    ActivateHardware,
    GetHardwareInfo,
    AddDevice,
    GetDevice,
    GetDevices,
    UpdateDevice,
    DeleteDevice,
    GetDevicePayMode,
    AddGroup,
    GetGroupList,
    GetGroupDetail,
    GroupAddDevice,
    GroupDeleteDevice,
    UpdateGroup,
    DeleteGroup,
    CreateEncryptedKey,
    GetPublicKey,
    GetActiveDeviceCount,
    DownloadActiveDeviceCount,
    OrderFlowPackage,
    GetFlowPackages,
    ModifyPackageRenewFlag,
    OrderPerLicense,
  ],
};
