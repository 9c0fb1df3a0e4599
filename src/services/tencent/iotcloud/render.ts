import type { SecretBox } from '../../../core/secret-box.ts';
import { openProductSecret, type ProductRow } from './store/products.ts';
import { MAX_DEVICES_PER_PRODUCT } from './store/devices.ts';

export const seconds = (ms: number): number => Math.floor(ms / 1000);

/** ProductProperties as CreateProduct and Describe* answer (every field the international spec documents). */
export function productProperties(secrets: SecretBox, row: ProductRow): Record<string, unknown> {
  return {
    ProductDescription: row.description,
    EncryptionType: row.encryption_type,
    Region: row.region,
    ProductType: row.product_type,
    Format: row.format,
    Platform: row.platform,
    Appeui: '',
    ModelId: '-1',
    ModelName: '',
    ProductKey: '',
    RegisterType: row.register_type,
    ProductSecret: openProductSecret(secrets, row),
    RegisterLimit: Number(row.register_limit),
    OriginProductId: '',
    PrivateCAName: row.private_ca_name ?? '',
    OriginUserId: 0,
    DeviceLimit: MAX_DEVICES_PER_PRODUCT,
    ForbiddenStatus: row.forbidden,
    AppEUI: '',
  };
}

/** ProductInfo (DescribeProduct's fields and DescribeProducts' entries); CreationDate in seconds like the device times. */
export function productInfo(secrets: SecretBox, row: ProductRow): Record<string, unknown> {
  return {
    ProductId: row.product_id,
    ProductName: row.product_name,
    ProductMetadata: { CreationDate: seconds(Number(row.created_at)) },
    ProductProperties: productProperties(secrets, row),
  };
}
