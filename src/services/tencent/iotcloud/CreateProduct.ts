import type { Static } from '@sinclair/typebox';
import { defineAction } from '../../cloud-action.ts';
import { iotcloudSpec } from '../../../protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { TencentError } from '../../../protocols/tencent/errors.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import { assertValid, checkOneOf, firstProblem, invalidValue, type Check } from '../params-rules.ts';
import { checkDynamicRegister, checkProductName } from './validation.ts';
import { createProduct, type PinnedProduct, type ProductFields } from './store/products.ts';
import type { ActionContext } from '../../action-context.ts';
import { findPrivateCa } from './store/private-cas.ts';
import { productProperties } from './render.ts';
import type { EncryptionType, RegisterType } from './tables.ts';

type Properties = Static<typeof iotcloudSpec.structs.ProductProperties>;
type Params = Static<typeof iotcloudSpec.actions.CreateProduct.request>;

/** Product types Fleetgate serves: 0 general, 2 NB-IoT, 5 general gateway. LoRa (3, 4) needs an operator network: ProductTypeNotSupport. */
const SUPPORTED_PRODUCT_TYPES = [0, 2, 5];
const LORA_PRODUCT_TYPES = [3, 4];
const MAX_DESCRIPTION = 200;

/** Properties the platform sets (or that only LoRa, suite or transferred products carry): refused on input rather than silently dropped. */
const PLATFORM_SET = ['ProductSecret', 'ProductKey', 'ModelId', 'ModelName', 'Appeui', 'AppEUI', 'OriginProductId', 'OriginUserId', 'DeviceLimit', 'ForbiddenStatus'] as const;

function checkProperties(p: Properties): Check {
  const platformSet = PLATFORM_SET.find((field) => p[field] !== undefined);
  return firstProblem(
    platformSet ? invalidValue(`ProductProperties.${platformSet}`, 'the platform sets it') : undefined,
    p.EncryptionType === undefined || p.EncryptionType === '1' || p.EncryptionType === '2'
      ? undefined
      : invalidValue('ProductProperties.EncryptionType', 'it must be "1" (certificate) or "2" (key)'),
    checkOneOf('ProductProperties.ProductType', p.ProductType, [...SUPPORTED_PRODUCT_TYPES, ...LORA_PRODUCT_TYPES]),
    p.Format === undefined || p.Format === 'json' || p.Format === 'custom' ? undefined : invalidValue('ProductProperties.Format', 'it must be json or custom'),
    p.Region === undefined || p.Region === 'gz' ? undefined : invalidValue('ProductProperties.Region', 'the only valid value is gz'),
    (p.ProductDescription ?? '').length <= MAX_DESCRIPTION ? undefined : invalidValue('ProductProperties.ProductDescription', `it must be at most ${MAX_DESCRIPTION} characters long`),
    (p.Platform ?? '').length <= 64 ? undefined : invalidValue('ProductProperties.Platform', 'it must be at most 64 characters long'),
    checkDynamicRegister(p.RegisterType, p.RegisterLimit, 'ProductProperties.'),
    p.PrivateCAName !== undefined && p.EncryptionType === '2' ? invalidValue('ProductProperties.PrivateCAName', 'only certificate products (EncryptionType "1") use a CA') : undefined,
  );
}

/**
 * CreateProduct: a product of the caller with a platform-generated ProductId and ProductSecret.
 * Names are unique in the account; at most 2,000 products per account.
 */
export const CreateProduct = defineAction({
  name: 'CreateProduct',
  request: iotcloudSpec.actions.CreateProduct.request,
  handle: (ctx, params) => createProductWith(ctx, params),
});

/**
 * CreateProduct's work, with the ProductId and ProductSecret a fixture may pin (checked by the
 * caller); a pinned id in use is the store's ProductRefusal 'id-taken'.
 */
export async function createProductWith(ctx: ActionContext, { ProductName, ProductProperties = {}, Skey }: Params, pinned?: PinnedProduct): Promise<Record<string, unknown>> {
  assertValid(checkProductName(ProductName), checkProperties(ProductProperties), Skey === undefined ? undefined : invalidValue('Skey', 'only CLAA LoRa products take it'));
  const productType = ProductProperties.ProductType ?? 0;
  if (LORA_PRODUCT_TYPES.includes(productType)) {
    throw new TencentError('InvalidParameterValue.ProductTypeNotSupport', { detail: `Unsupported product type: Fleetgate does not emulate LoRa products (ProductType ${productType}).` });
  }
  const caName = ProductProperties.PrivateCAName || null;
  if (caName !== null && !(await findPrivateCa(ctx.store.db, ctx.accountId, caName))) {
    throw invalidValue('ProductProperties.PrivateCAName', `the account has no private CA named ${caName}`);
  }
  const fields: ProductFields = {
    product_name: ProductName,
    description: ProductProperties.ProductDescription ?? '',
    encryption_type: (ProductProperties.EncryptionType ?? '1') as EncryptionType,
    product_type: productType,
    format: ProductProperties.Format ?? 'json',
    region: ProductProperties.Region ?? 'gz',
    platform: ProductProperties.Platform ?? '0',
    register_type: (ProductProperties.RegisterType ?? 0) as RegisterType,
    register_limit: ProductProperties.RegisterLimit ?? 0,
    private_ca_name: caName,
  };
  try {
    const { row } = await createProduct(ctx.store.db, ctx.secrets, ctx.accountId, fields, ctx.now(), pinned);
    return { ProductName: row.product_name, ProductId: row.product_id, ProductProperties: productProperties(ctx.secrets, row) };
  } catch (error) {
    if (!(error instanceof StoreRefusal)) throw error;
    if (error.reason === 'quota') throw new TencentError('LimitExceeded.ProductExceedLimit');
    if (error.reason === 'name-taken') throw new TencentError('InvalidParameterValue.ProductAlreadyExist', { detail: `This product name already exists (ProductName: ${ProductName}).` });
    if (error.reason === 'ca-gone') throw invalidValue('ProductProperties.PrivateCAName', `the account has no private CA named ${caName}`);
    throw error;
  }
}
