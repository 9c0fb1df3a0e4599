import { TencentError } from '../../../protocols/tencent/errors.ts';
import { checkOneOf, invalidValue, type Check } from '../params-rules.ts';

// IoT Hub's own value rules (api.json naming rules, PROTOCOL.md 3.2); the Tencent-wide ones are in ../params-rules.ts.

/** ProductName: `[a-zA-Z0-9:_-]{1,32}`. */
const PRODUCT_NAME = /^[a-zA-Z0-9:_-]{1,32}$/;
/** DeviceName: 1 to 48 letters, digits and `:_-`. */
const DEVICE_NAME = /^[a-zA-Z0-9:_-]{1,48}$/;
/** ProductId: 10 uppercase alphanumerics; anything else names no product. */
const PRODUCT_ID = /^[A-Z0-9]{10}$/;
/** Most products, devices or entries one batch call (SetProductsForbiddenStatus, UpdateDevicesEnableState) may name. */
export const MAX_BATCH = 100;
/** RegisterLimit ranges over what a product can hold. */
export const MAX_REGISTER_LIMIT = 1_000_000;

export const checkProductName = (value: string): Check =>
  PRODUCT_NAME.test(value) ? undefined : invalidValue('ProductName', 'it must be 1 to 32 letters, digits or the characters : _ -');

export const checkDeviceName = (name: string, value: string | undefined): Check =>
  value === undefined || DEVICE_NAME.test(value) ? undefined : invalidValue(name, 'it must be 1 to 48 letters, digits or the characters : _ -');

/** RegisterType 0/1/2 and RegisterLimit 0..1,000,000. */
export const checkDynamicRegister = (registerType: number | undefined, registerLimit: number | undefined, prefix = ''): Check =>
  checkOneOf(`${prefix}RegisterType`, registerType, [0, 1, 2]) ??
  (registerLimit === undefined || (registerLimit >= 0 && registerLimit <= MAX_REGISTER_LIMIT)
    ? undefined
    : invalidValue(`${prefix}RegisterLimit`, `it must be between 0 and ${MAX_REGISTER_LIMIT}`));

/** Offset from 0 and Limit 10–250, as DescribeProducts and DescribeDevices document. */
export function checkPage(offset: number, limit: number): Check {
  if (offset < 0 || !Number.isSafeInteger(offset)) return invalidValue('Offset', 'it must be 0 or more');
  return limit >= 10 && limit <= 250 ? undefined : invalidValue('Limit', 'it must be between 10 and 250');
}

/** The product answer for an id the caller has no product of (a malformed id included). */
export const productNotFound = (productId: string): TencentError =>
  new TencentError('ResourceNotFound.ProductNotExist', { detail: `The product does not exist (ProductId: ${productId}).` });

/** True when the id has the ProductId shape; a query for another shape can match nothing. */
export const isProductIdShape = (productId: string): boolean => PRODUCT_ID.test(productId);
