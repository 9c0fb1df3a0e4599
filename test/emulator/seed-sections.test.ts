import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../support/server.ts';
import { mnaClient } from '../support/tencent-harness.ts';
import { iotcloudClient } from '../services/tencent/iotcloud/support.ts';
import { dumpState, emulatorControl } from '../support/emulator-fixture.ts';
import { findAccountByName } from '../../src/core/accounts.ts';
import { findSubUserByName } from '../../src/billing/users.ts';
import { listVouchers } from '../../src/billing/vouchers.ts';
import { findDevice, openDevicePsk } from '../../src/services/tencent/iotcloud/store/devices.ts';

const PAYER_KEY = { cloud: 'tencent', id: 'AKIDseedSectionsPayer000001', secret: 'seedSectionsPayerSecretKey00001' };
const CLERK_KEY = { id: 'AKIDseedSectionsClerk000001', secret: 'seedSectionsClerkSecretKey00001' };
const PSK = 'bWV0ZXItMDAwMS1wc2sxMg==';
const LATER = '2099-01-01T00:00:00Z';

/** Every new section, pinned things and generated ones side by side. */
const FIXTURE = {
  accounts: [{ name: 'unverified', identityVerified: false, mnaAuthorized: false }, { name: 'payer', keys: [PAYER_KEY] }],
  subUsers: [
    { account: 'payer', name: 'clerk', keys: [CLERK_KEY] },
    { account: 'payer', name: 'buyer', canPay: true },
  ],
  billing: {
    vouchers: [
      { account: 'payer', id: 'v-pinned1', kind: 'deduction', faceValue: 1000, minOrderAmount: 5000, expiresAt: LATER },
      { account: 'payer', kind: 'cash', faceValue: 300, expiresAt: LATER, note: 'unpinned' },
    ],
  },
  iotcloud: {
    products: [
      { account: 'payer', name: 'keyed', productId: 'SEEDKEYED1', productSecret: 'seedSectionsProductSec01', encryptionType: '2', registerType: 2, registerLimit: 10, devices: [{ name: 'k-1', psk: PSK }, { name: 'k-2' }] },
      { account: 'payer', name: 'certified', devices: [{ name: 'c-1' }] },
    ],
  },
};

describe.each(DIALECTS)('fixture sections for sub-users, account flags, vouchers and IoT Hub on %s', (dialect) => {
  let server: TestServer;
  let control: ReturnType<typeof emulatorControl>;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    control = emulatorControl(server);
  });
  afterAll(() => server.close());

  it('creates each entry through the rules once; applying the fixture again changes nothing', async () => {
    expect(await control('POST', '/seed', FIXTURE)).toEqual({ status: 200, body: { created: { accounts: 3, subUsers: 2, billing: 2, iotcloud: 5 } } });
    const seeded = await dumpState(server);
    expect((await control('POST', '/seed', FIXTURE)).body).toEqual({ created: { accounts: 0, subUsers: 0, billing: 0, iotcloud: 0 } });
    expect(await dumpState(server)).toEqual(seeded);

    const { db } = server.app.store;
    expect(await findAccountByName(db, 'unverified')).toMatchObject({ identityVerified: false, mnaAuthorized: false });
    const payer = (await findAccountByName(db, 'payer'))!;
    expect(payer).toMatchObject({ identityVerified: true, mnaAuthorized: true });
    expect(await findSubUserByName(db, payer.id, 'clerk')).toMatchObject({ canPay: false, keyIds: [CLERK_KEY.id] });
    expect(await findSubUserByName(db, payer.id, 'buyer')).toMatchObject({ canPay: true, keyIds: [expect.stringMatching(/^AKID/)] });
    // The sub-user's pinned key signs for the parent account.
    await mnaClient(server, { tencent: { secretId: CLERK_KEY.id, secretKey: CLERK_KEY.secret } }).GetPublicKey();
    const vouchers = (await listVouchers(db, payer.id)).sort((a, b) => a.faceValue - b.faceValue);
    expect(vouchers.map(({ id, kind, remaining, minOrderAmount }) => ({ id, kind, remaining, minOrderAmount }))).toEqual([
      { id: expect.stringMatching(/^v-[a-z0-9]{12}$/), kind: 'cash', remaining: 300, minOrderAmount: 0 },
      { id: 'v-pinned1', kind: 'deduction', remaining: 1000, minOrderAmount: 5000 },
    ]);
    const keyed = await iotcloudClient(server, { tencent: { secretId: PAYER_KEY.id, secretKey: PAYER_KEY.secret } }).DescribeProduct({ ProductId: 'SEEDKEYED1' });
    expect(keyed.ProductProperties).toMatchObject({ EncryptionType: '2', RegisterType: 2, RegisterLimit: 10, ProductSecret: 'seedSectionsProductSec01' });
    expect(openDevicePsk(server.app.secrets, (await findDevice(db, payer.id, 'SEEDKEYED1', 'k-1'))!)).toBe(PSK);
    expect(openDevicePsk(server.app.secrets, (await findDevice(db, payer.id, 'SEEDKEYED1', 'k-2'))!)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it.each([
    ['a flag that differs', { accounts: [{ name: 'unverified', identityVerified: true }] }, 'accounts[0]: account unverified exists with identityVerified false'],
    ['canPay that differs', { subUsers: [{ account: 'payer', name: 'clerk', canPay: true }] }, 'subUsers[0]: sub-user clerk exists with canPay false'],
    ['a key of another sub-user', { subUsers: [{ account: 'payer', name: 'buyer', canPay: true, keys: [CLERK_KEY] }] }, `subUsers[0].keys[0]: key id ${CLERK_KEY.id} belongs to another sub-user`],
    ['a new sub-user with a key in use (nothing of it written)', { subUsers: [{ account: 'payer', name: 'newcomer', keys: [CLERK_KEY] }] }, `subUsers[0]: key id ${CLERK_KEY.id} is already in use`],
    ['a pinned voucher with other terms', { billing: { vouchers: [{ account: 'payer', id: 'v-pinned1', kind: 'cash', faceValue: 1000, expiresAt: LATER }] } }, 'billing.vouchers[0]: voucher v-pinned1 exists with other terms or another account'],
    ['a voucher already expired', { billing: { vouchers: [{ account: 'payer', kind: 'cash', faceValue: 1, expiresAt: '2001-01-01T00:00:00Z' }] } }, 'billing.vouchers[0]: expiresAt must be in the future'],
    ['a product with another ProductId', { iotcloud: { products: [{ account: 'payer', name: 'keyed', productId: 'SEEDOTHER1' }] } }, 'iotcloud.products[0]: product keyed exists with ProductId SEEDKEYED1'],
    ['a product with another ProductSecret', { iotcloud: { products: [{ account: 'payer', name: 'keyed', productSecret: 'anotherProductSecret0001' }] } }, 'iotcloud.products[0]: product keyed exists with another ProductSecret'],
    ['a ProductId of another product', { iotcloud: { products: [{ account: 'payer', name: 'fresh', productId: 'SEEDKEYED1' }] } }, 'iotcloud.products[0]: ProductId SEEDKEYED1 belongs to another product'],
    ['a device with another PSK', { iotcloud: { products: [{ account: 'payer', name: 'keyed', devices: [{ name: 'k-2', psk: PSK }] }] } }, 'iotcloud.products[0].devices[0]: device k-2 exists with another PSK'],
    [
      'a PSK on a certificate product',
      { iotcloud: { products: [{ account: 'payer', name: 'certified', devices: [{ name: 'c-2', psk: PSK }] }] } },
      /^iotcloud\.products\[0\]\.devices\[0\]: CreateDevice refused it: UnauthorizedOperation\.ProductNotSupportPSK/,
    ],
  ])('refuses %s, naming the entry, and writes nothing', async (_, fixture, message) => {
    const before = await dumpState(server);
    const refused = await control('POST', '/seed', fixture);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('InvalidFixture');
    expect(refused.body.error.message).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
    expect(await dumpState(server)).toEqual(before);
  });
});
