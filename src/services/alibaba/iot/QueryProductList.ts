import { defineAction } from '../../cloud-action.ts';
import { pageAt } from '../../../storage/query-helpers.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireInstance } from './scope.ts';
import { listProducts } from './store/products.ts';
import { COMMODITY_CODES } from './product-options.ts';
import { compact } from './compact.ts';

const MAX_PAGE_SIZE = 200;

/**
 * The products of the addressed instance, newest first. Paging fields live inside Data and the
 * list is `Data.List.ProductInfo[]`; a page past the last one is empty, not an error.
 */
export const QueryProductList = defineAction({
  name: 'QueryProductList',
  request: iotSpec.actions.QueryProductList.request,
  async handle(ctx, params) {
    const { CurrentPage, PageSize } = params;
    if (CurrentPage < 1 || PageSize < 1 || PageSize > MAX_PAGE_SIZE) throw new AlibabaError('iot.common.InvalidPageParams');
    const commodityCode = params.AliyunCommodityCode === '' ? undefined : params.AliyunCommodityCode;
    if (commodityCode !== undefined && !(COMMODITY_CODES as readonly string[]).includes(commodityCode)) {
      throw new AlibabaError('iot.prod.InvalidAliyunCommodityCode');
    }
    const instanceId = await requireInstance(ctx, params.IotInstanceId);
    const { total, rows } = await listProducts(ctx.store.db, ctx.accountId, instanceId, commodityCode, pageAt(CurrentPage, PageSize));
    return {
      Success: true,
      Data: {
        CurrentPage,
        PageSize,
        PageCount: Math.ceil(total / PageSize),
        Total: total,
        List: {
          ProductInfo: rows.map((row) =>
            compact({
              AuthType: row.auth_type,
              DataFormat: row.data_format,
              Description: row.description,
              DeviceCount: row.device_count,
              GmtCreate: row.created_at,
              NodeType: row.node_type,
              ProductKey: row.product_key,
              ProductName: row.name,
            }),
          ),
        },
      },
    };
  },
});
