import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireProduct } from './scope.ts';
import { listDevices, openDeviceSecret, type DeviceKeyset, type DevicePageStart, type DeviceRow } from './store/devices.ts';
import { cookieDate, utcIso } from './time-format.ts';
import { compact } from './compact.ts';

const MAX_PAGE_SIZE = 50;
// QueryDevice page: past 10,000 rows a NextToken is required, and it reaches below 1,000,000.
const OFFSET_PAGING_LIMIT = 10_000;
const TOKEN_PAGING_LIMIT = 1_000_000;

/** A NextToken is the keyset of the last device of the previous page: `<created_at>.<iot_id>`. */
const encodeToken = (row: DeviceRow): string => Buffer.from(`${row.created_at}.${row.iot_id}`).toString('base64url');

function decodeToken(token: string): DeviceKeyset | undefined {
  const match = /^(\d{1,16})\.([A-Za-z0-9]{26})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? { createdAt: Number(match[1]), iotId: match[2] as string } : undefined;
}

function pageStart(currentPage: number, pageSize: number, nextToken: string | undefined): DevicePageStart {
  const reach = currentPage * pageSize;
  if (nextToken === undefined || nextToken === '') {
    if (reach > OFFSET_PAGING_LIMIT) throw new AlibabaError('iot.common.InvalidPageParams');
    return { offset: (currentPage - 1) * pageSize };
  }
  const after = decodeToken(nextToken);
  if (after === undefined || reach >= TOKEN_PAGING_LIMIT) throw new AlibabaError('iot.common.InvalidPageParams');
  return { after };
}

/**
 * A product's devices, newest first. Paging fields are top-level and the list is
 * `Data.DeviceInfo[]`; GmtCreate/GmtModified read like `Wed, 20-Feb-2019 02:16:09 GMT`. A
 * NextToken comes back while more devices follow; pass it to continue past 10,000 devices.
 */
export const QueryDevice = defineAction({
  name: 'QueryDevice',
  request: iotSpec.actions.QueryDevice.request,
  async handle(ctx, params) {
    const currentPage = params.CurrentPage ?? 1;
    const pageSize = params.PageSize ?? 10;
    if (currentPage < 1 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new AlibabaError('iot.common.InvalidPageParams');
    const start = pageStart(currentPage, pageSize, params.NextToken);
    const product = await requireProduct(ctx, params);
    const rows = await listDevices(ctx.store.db, ctx.accountId, product.product_key, start, pageSize + 1);
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      Success: true,
      Page: currentPage,
      PageSize: pageSize,
      PageCount: Math.ceil(product.device_count / pageSize),
      Total: product.device_count,
      ...(rows.length > pageSize && last ? { NextToken: encodeToken(last) } : {}),
      Data: {
        DeviceInfo: page.map((row) =>
          compact({
            DeviceName: row.device_name,
            DeviceSecret: openDeviceSecret(ctx.secrets, row),
            DeviceStatus: row.status,
            GmtCreate: cookieDate(row.created_at),
            GmtModified: cookieDate(row.modified_at),
            IotId: row.iot_id,
            Nickname: row.nickname,
            ProductKey: row.product_key,
            UtcCreate: utcIso(row.created_at),
            UtcModified: utcIso(row.modified_at),
          }),
        ),
      },
    };
  },
});
