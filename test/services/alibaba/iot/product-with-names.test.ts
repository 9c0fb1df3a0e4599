import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { openTestbed, type Tenant, type Testbed } from './support.ts';
import { existingDeviceNames, findProductWithDeviceNames } from '../../../../src/services/alibaba/iot/store/devices.ts';
import { findProduct } from '../../../../src/services/alibaba/iot/store/products.ts';
import { defaultInstanceId } from '../../../../src/services/alibaba/iot/ids.ts';

describe.each(STORE_KINDS)('the product read with its existing device names (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  let other: Tenant;
  let productKey: string;
  let sibling: string;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
    other = await bed.tenant();
    productKey = await tenant.product();
    sibling = await tenant.product();
    for (const name of ['taken-1', 'taken-2', 'taken-3']) await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: name });
    await tenant.call('RegisterDevice', { ProductKey: sibling, DeviceName: 'sibling-only' });
  });
  afterAll(() => bed.close());

  const read = (accountId: string, names: readonly string[], key = productKey, instanceId = defaultInstanceId(accountId)) =>
    findProductWithDeviceNames(bed.store.db, bed.store.dialect, accountId, instanceId, key, names);

  /** What the two separate reads (the product, then the names) answer. */
  async function separately(names: readonly string[]) {
    const product = await findProduct(bed.store.db, tenant.accountId, defaultInstanceId(tenant.accountId), productKey);
    // The import check reads only the product's key and device count (the quota).
    return { product: product && { product_key: product.product_key, device_count: product.device_count }, existing: await existingDeviceNames(bed.store.db, bed.store.dialect, tenant.accountId, productKey, names) };
  }

  // 16 names and fewer take the one-read path; 17 the product read then the set-based name query.
  it.each([
    ['no names', []],
    ['none taken', ['free-1', 'free-2']],
    ['one taken', ['free-1', 'taken-2']],
    ['every one taken', ['taken-1', 'taken-2', 'taken-3']],
    ['a name only another product of the account has', ['sibling-only', 'taken-1']],
    ['sixteen names', [...Array.from({ length: 14 }, (_, i) => `free-${i}`), 'taken-1', 'taken-3']],
    ['seventeen names', [...Array.from({ length: 15 }, (_, i) => `free-${i}`), 'taken-1', 'taken-3']],
  ])('answers the product key and device count and exactly the taken names the separate reads find: %s', async (_, names) => {
    const expected = await separately(names);
    const found = await read(tenant.accountId, names);
    expect(found?.product).toStrictEqual(expected.product);
    expect([...found!.existing].sort()).toStrictEqual([...expected.existing].sort());
  });

  it.each([[['taken-1']], [Array.from({ length: 20 }, (_, i) => `taken-${i}`)]])(
    'is undefined for a product of another account, another instance or no product at all (%#)',
    async (names) => {
      expect(await read(other.accountId, names)).toBeUndefined();
      expect(await read(other.accountId, names, productKey, defaultInstanceId(tenant.accountId))).toBeUndefined();
      expect(await read(tenant.accountId, names, productKey, 'iot-nothere')).toBeUndefined();
      expect(await read(tenant.accountId, names, 'a1NoSuchPrdK')).toBeUndefined();
    },
  );
});
