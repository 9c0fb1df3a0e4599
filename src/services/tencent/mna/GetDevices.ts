import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { assertValid, checkOneOf } from '../params-rules.ts';
import { pageWindow, totalPages } from '../paging.ts';
import { listDevices } from './store/devices.ts';
import { deviceBaseInfo } from './render.ts';

/**
 * GetDevices: the caller's devices, oldest first. DeviceType 1 = its own (AddDevice), 2 =
 * third-party (activated vendor hardware); Keyword matches DeviceId and DeviceName.
 */
export const GetDevices = defineAction({
  name: 'GetDevices',
  request: mnaSpec.actions.GetDevices.request,
  async handle(ctx, { PageSize, PageNumber, Keyword, DeviceType }) {
    const window = pageWindow(PageNumber, PageSize);
    assertValid(checkOneOf('DeviceType', DeviceType, [1, 2]));
    const thirdParty = DeviceType === undefined ? undefined : DeviceType === 2;
    const { total, rows } = await listDevices(ctx.store.db, ctx.accountId, { keyword: Keyword, thirdParty }, window);
    return { DeviceInfos: rows.map(deviceBaseInfo), Length: total, TotalPage: totalPages(total, window) };
  },
});
