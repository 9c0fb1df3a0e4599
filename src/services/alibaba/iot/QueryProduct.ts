import { defineAction } from '../../cloud-action.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { requireProduct } from './scope.ts';
import { openProductSecret } from './store/products.ts';
import { NET_TYPE_CODES } from './product-options.ts';
import { compact } from './compact.ts';

/**
 * A product's details including its ProductSecret. NetType is the integer code here (3 Wi-Fi,
 * 6 cellular, 7 Ethernet, 8 other) and GmtCreate epoch milliseconds. Fleetgate has no product
 * publishing, so ProductStatus is always DEVELOPMENT_STATUS.
 */
export const QueryProduct = defineAction({
  name: 'QueryProduct',
  request: iotSpec.actions.QueryProduct.request,
  async handle(ctx, params) {
    const product = await requireProduct(ctx, params);
    return {
      Success: true,
      Data: compact({
        AliyunCommodityCode: product.commodity_code,
        AuthType: product.auth_type,
        CategoryKey: product.category_key,
        DataFormat: product.data_format,
        Description: product.description,
        DeviceCount: product.device_count,
        GmtCreate: product.created_at,
        Id2: false,
        NetType: NET_TYPE_CODES[product.net_type],
        NodeType: product.node_type,
        Owner: true,
        ProductKey: product.product_key,
        ProductName: product.name,
        ProductSecret: openProductSecret(ctx.secrets, product),
        ProductStatus: 'DEVELOPMENT_STATUS',
        ProtocolType: product.protocol_type,
        ValidateType: product.validate_type,
      }),
    };
  },
});
