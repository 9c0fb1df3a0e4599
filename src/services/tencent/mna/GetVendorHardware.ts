import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { callerVendor } from './vendor-access.ts';
import { assertValid, checkOneOf } from '../params-rules.ts';
import { pageWindow, totalPages } from '../paging.ts';
import { listVendorHardware } from './store/hardware.ts';
import { vendorHardware } from './render.ts';

/**
 * GetVendorHardware: the vendor's hardware, oldest first. Status 1 to-be-activated, 2 activated,
 * absent (or 0, which the official example sends) all; Keyword matches SN, HardwareId and DeviceId.
 */
export const GetVendorHardware = defineAction({
  name: 'GetVendorHardware',
  request: mnaSpec.actions.GetVendorHardware.request,
  async handle(ctx, { PageNumber, PageSize, Keyword, Status }) {
    const vendor = await callerVendor(ctx);
    const window = pageWindow(PageNumber, PageSize);
    assertValid(checkOneOf('Status', Status, [0, 1, 2]));
    const status = Status === 1 || Status === 2 ? Status : undefined;
    const { total, rows } = await listVendorHardware(
      ctx.store.db,
      vendor.accountId,
      { status, keyword: Keyword, keywordColumns: ['h.sn', 'h.hardware_id', 'd.device_id'] },
      window,
    );
    return { VendorHardware: rows.map(vendorHardware), Length: total, TotalPage: totalPages(total, window) };
  },
});
