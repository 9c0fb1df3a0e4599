import type { Static } from '@sinclair/typebox';
import { defineAction } from '../../cloud-action.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { iotSpec } from '../../../protocols/alibaba/specs/iot-2018-01-20.ts';
import { AlibabaError } from '../../../protocols/alibaba/errors.ts';
import { requireInstance } from './scope.ts';
import { isProductDescription, isProductName } from './rules.ts';
import { createProduct, type ProductFields } from './store/products.ts';
import { ensureDefaultInstance } from './store/instances.ts';
import { defaultInstanceId } from './ids.ts';
import { compact } from './compact.ts';
import {
  BASIC_COMMODITY_CODE,
  COMMODITY_CODES,
  DATA_FORMATS,
  DEFAULT_NET_TYPE,
  DEFAULT_VALIDATE_TYPE,
  NET_TYPE_CODES,
  NODE_TYPES,
  PROTOCOL_TYPES,
  SECRET_AUTH,
  VALIDATE_TYPES,
} from './product-options.ts';

const request = iotSpec.actions.CreateProduct.request;
type CreateProductParams = Static<typeof request>;

const CATEGORY_KEY = /^[A-Za-z0-9_]{1,64}$/;

function invalidParameter(): AlibabaError {
  return new AlibabaError('iot.common.InvalidFormattedParameter');
}

/** Validates CreateProduct's parameters into a stored product's fields; the first rule broken wins. */
export function productFields(params: CreateProductParams, region: string | undefined): ProductFields {
  if (params.ProductName === '') throw new AlibabaError('iot.prod.NullProductName');
  if (!isProductName(params.ProductName)) throw new AlibabaError('iot.prod.InvalidFormattedProductName');
  if (!NODE_TYPES.includes(params.NodeType)) throw new AlibabaError('iot.prod.InvalidNodeType');
  if (params.Description !== undefined && !isProductDescription(params.Description)) throw new AlibabaError('iot.prod.LongProductDesc');
  const commodityCode = params.AliyunCommodityCode ?? BASIC_COMMODITY_CODE;
  if (!(COMMODITY_CODES as readonly string[]).includes(commodityCode)) throw new AlibabaError('iot.prod.InvalidAliyunCommodityCode');
  // A TSL product needs its data format (CreateProduct page, AliyunCommodityCode).
  if (commodityCode === 'iothub_senior' && params.DataFormat === undefined) throw invalidParameter();
  if (params.DataFormat !== undefined && !DATA_FORMATS.includes(params.DataFormat)) throw invalidParameter();
  // ID2 is a separately activated Alibaba service that Fleetgate does not have.
  if (params.AuthType === 'id2' || params.Id2 === true) throw new AlibabaError('iot.prod.NotOpenID2Service');
  if (params.AuthType !== undefined && params.AuthType !== SECRET_AUTH) throw invalidParameter();
  const netType = params.NetType ?? DEFAULT_NET_TYPE;
  if (NET_TYPE_CODES[netType] === undefined) throw invalidParameter();
  if (params.ProtocolType !== undefined && !PROTOCOL_TYPES.includes(params.ProtocolType)) throw invalidParameter();
  const validateType = params.ValidateType ?? DEFAULT_VALIDATE_TYPE;
  if (!VALIDATE_TYPES.includes(validateType)) throw invalidParameter();
  if (params.CategoryKey !== undefined && !CATEGORY_KEY.test(params.CategoryKey)) throw new AlibabaError('iot.prod.InvalidFormattedCatId');
  return {
    name: params.ProductName,
    description: params.Description || null,
    node_type: params.NodeType,
    auth_type: SECRET_AUTH,
    commodity_code: commodityCode,
    data_format: params.DataFormat ?? null,
    protocol_type: params.ProtocolType ?? null,
    net_type: netType,
    validate_type: validateType,
    category_key: params.CategoryKey ?? null,
    region: region ?? null,
  };
}

/**
 * Creates a product in the addressed instance with a fresh ProductKey (11 alphanumerics) and
 * ProductSecret (stored sealed). Names are unique per instance; an instance holds at most
 * 1,000 products. PublishAuto, JoinPermissionId and ResourceGroupId are accepted and ignored.
 */
export const CreateProduct = defineAction({
  name: 'CreateProduct',
  request,
  async handle(ctx, params) {
    const fields = productFields(params, ctx.region);
    const instanceId = await requireInstance(ctx, params.IotInstanceId);
    if (instanceId === defaultInstanceId(ctx.accountId)) await ensureDefaultInstance(ctx.store.db, ctx.accountId, ctx.now());
    const { row, secret } = await createProduct(ctx.store.db, ctx.secrets, ctx.accountId, instanceId, fields, ctx.now()).catch((error: unknown) => {
      if (!(error instanceof StoreRefusal)) throw error;
      throw new AlibabaError(error.reason === 'quota' ? 'iot.prod.ProductCountExceedMax' : 'iot.prod.AlreadyExistedProductName');
    });
    return {
      Success: true,
      ProductKey: row.product_key,
      Data: compact({
        AliyunCommodityCode: row.commodity_code,
        AuthType: row.auth_type,
        DataFormat: row.data_format,
        Description: row.description,
        Id2: false,
        NodeType: row.node_type,
        ProductKey: row.product_key,
        ProductName: row.name,
        ProductSecret: secret,
        ProtocolType: row.protocol_type,
      }),
    };
  },
});
