import type { MnaDeviceNicRow } from './tables.ts';
import type { VendorHardwareView } from './store/hardware.ts';
import type { DeviceView } from './store/devices.ts';
import type { GroupView } from './store/groups.ts';
import { devicePayer, hardwareLicense } from './licensing.ts';
import type { PackageView } from './store/flow-packages.ts';
import { packageStatus } from './flow-packages.ts';

// Output structs field by field as api.json defines them. Times are strings (MNA api.json):
// Unix seconds in the hardware structs, milliseconds where the spec says "in ms".
const seconds = (ms: number): string => String(Math.floor(ms / 1000));
const millis = (ms: number): string => String(ms);

/** Fleetgate has no data plane yet, so no device has ever reported in: LastTime "0". */
const NEVER = '0';

/** VendorHardware: the vendor's view of one SN. */
export function vendorHardware(row: VendorHardwareView): Record<string, unknown> {
  const license = hardwareLicense(row.license_charging_mode, row.status === 2 ? row.license_pay_mode : null);
  return {
    HardwareId: row.hardware_id,
    SN: row.sn,
    CreateTime: seconds(row.created_at),
    Status: row.status,
    ...(row.activated_at !== null && { ActiveTime: seconds(row.activated_at) }),
    Description: row.description,
    DeviceId: row.device_id ?? '',
    LicenseChargingMode: license.licenseChargingMode,
    LicensePayMode: license.licensePayMode,
    Payer: license.payer,
  };
}

/** HardwareInfo: activated hardware with the device it became (GetHardwareList). */
export function hardwareInfo(row: VendorHardwareView): Record<string, unknown> {
  const license = hardwareLicense(row.license_charging_mode, row.license_pay_mode);
  return {
    DeviceId: row.device_id ?? '',
    DeviceName: row.device_name ?? '',
    ActiveTime: row.activated_at === null ? '' : seconds(row.activated_at),
    Description: row.remark ?? '',
    VendorDescription: row.description,
    LicenseChargingMode: license.licenseChargingMode,
    CreateTime: seconds(row.created_at),
    SN: row.sn,
    LicensePayMode: license.licensePayMode,
    Payer: license.payer,
    GroupId: row.group_id ?? '',
    GroupName: row.group_name ?? '',
    FlowTrunc: row.flow_trunc ?? 0,
  };
}

/** DeviceBaseInfo, with the spec's inverted Payer (0 vendor, 1 customer). */
export function deviceBaseInfo(device: DeviceView): Record<string, unknown> {
  return {
    DeviceId: device.device_id,
    DeviceName: device.device_name,
    CreateTime: millis(device.created_at),
    LastTime: NEVER,
    Remark: device.remark,
    AccessScope: device.access_scope,
    LicensePayMode: device.license_pay_mode,
    Payer: devicePayer(device.license_charging_mode),
    GroupId: device.group_id ?? '',
    GroupName: device.group_name ?? '',
    FlowTrunc: device.flow_trunc,
    Sn: device.sn ?? '',
    Vendor: device.vendor ?? '',
  };
}

/**
 * DeviceNetInfo of a NIC: its stored settings; the live readings (rates, signal, operator,
 * address) are those of a NIC that never connected, since Fleetgate has no data plane.
 */
export function deviceNetInfo(nic: MnaDeviceNicRow): Record<string, unknown> {
  return {
    Type: nic.type,
    DataEnable: nic.data_enable === 1,
    UploadLimit: String(nic.upload_limit),
    DownloadLimit: String(nic.download_limit),
    DataRx: 0,
    DataTx: 0,
    Vendor: 0,
    State: 0,
    PublicIp: '',
    SignalStrength: 0,
    Rat: -1,
    NetInfoName: nic.net_info_name,
    DownRate: 0,
    UpRate: 0,
  };
}

/** GroupInfo; its times are in ms as the struct documents. */
export function groupInfo(group: GroupView): Record<string, unknown> {
  return {
    GroupId: group.group_id,
    GroupName: group.group_name,
    CreateTime: millis(group.created_at),
    UpdateTime: millis(group.updated_at),
    Description: group.description,
    DeviceNum: group.device_num,
  };
}

/** FlowPackageInfo: times in Unix seconds (Integer), AppId the account's UIN-shaped id as an integer. */
export function flowPackageInfo(row: PackageView, now: number): Record<string, unknown> {
  const unix = (ms: number) => Math.floor(ms / 1000);
  return {
    ResourceId: row.resource_id,
    AppId: Number(row.account_id),
    PackageType: row.package_type,
    Status: packageStatus(row.active_at, row.expire_at, now),
    CreateTime: unix(row.created_at),
    ActiveTime: unix(row.active_at),
    ExpireTime: unix(row.expire_at),
    DeviceList: row.devices,
    CapacitySize: row.capacity_mb,
    // No data plane yet: nothing of a package has been used.
    CapacityRemain: row.capacity_mb,
    RenewFlag: row.renew_flag === 1,
    // 2 "changed or renewed" once auto-renewal has renewed it; Fleetgate never changes a package's tier.
    ModifyStatus: row.renewals > 0 ? 2 : 0,
    TruncFlag: row.trunc_flag === 1,
    CapacityRemainPrecise: row.capacity_mb,
  };
}
