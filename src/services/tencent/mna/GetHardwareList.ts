import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { callerVendor } from './vendor-access.ts';
import { pageWindow, totalPages } from '../paging.ts';
import { listVendorHardware } from './store/hardware.ts';
import { hardwareInfo } from './render.ts';

/**
 * GetHardwareList: the vendor's activated hardware with the device each became, oldest first;
 * Keyword matches SN, DeviceId and DeviceName.
 */
export const GetHardwareList = defineAction({
  name: 'GetHardwareList',
  request: mnaSpec.actions.GetHardwareList.request,
  async handle(ctx, { PageNumber, PageSize, Keyword }) {
    const vendor = await callerVendor(ctx);
    const window = pageWindow(PageNumber, PageSize);
    const { total, rows } = await listVendorHardware(
      ctx.store.db,
      vendor.accountId,
      { status: 2, keyword: Keyword, keywordColumns: ['h.sn', 'd.device_id', 'd.device_name'] },
      window,
    );
    return { HardwareInfos: rows.map(hardwareInfo), Length: total, TotalPage: totalPages(total, window) };
  },
});
