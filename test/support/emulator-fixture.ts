import { resolve } from 'node:path';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestAccount, TestServer } from './server.ts';
import { mnaClient } from './tencent-harness.ts';
import { alibabaClient } from './alibaba-harness.ts';
import { iotcloudClient } from '../services/tencent/iotcloud/support.ts';
import { dataTables } from '../../src/storage/data-tables.ts';

export const EXAMPLE_FIXTURE = resolve(import.meta.dirname, '../../examples/seed.yaml');

/** The example fixture's customer: the keys the README walkthrough pins. */
export const CUSTOMER: TestAccount = {
  id: '100000000001',
  tencent: { secretId: 'AKIDcustomerWalkthrough0001', secretKey: 'customerWalkthroughSecretKey0001' },
  alibaba: { accessKeyId: 'LTAIcustomerWalkthrough1', accessKeySecret: 'customerWalkthroughAccessSecret1' },
};
export const VENDOR: TestAccount = {
  id: '100000000002',
  tencent: { secretId: 'AKIDacmeVendorFixture000001', secretKey: 'acmeVendorFixtureSecretKey000001' },
  alibaba: { accessKeyId: 'LTAIacmeVendorFixture001', accessKeySecret: 'acmeVendorFixtureAccessSecret01' },
};

/** The example fixture's sub-user of the customer (canPay), with its pinned Tencent key. */
export const CUSTOMER_OPS: Pick<TestAccount, 'tencent'> = { tencent: { secretId: 'AKIDcustomerOpsSubUser00001', secretKey: 'customerOpsSubUserSecretKey0001' } };
export const EXAMPLE_VOUCHER = 'v-walkthrough1';

/** A caller of the emulator controls (`/_fleetgate/...`) with the server's admin token. */
export function emulatorControl(server: TestServer) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/_fleetgate${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

/** Every state table's rows, sorted: the logical state two databases can be compared by. */
export async function dumpState(server: TestServer): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const table of await dataTables(server.app.store)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(server.app.store.db);
    dump[table.name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return dump;
}

/** The README's SDK examples, as the example fixture's customer runs them. */
export async function expectReadmeExamplesWork(server: TestServer): Promise<void> {
  const info = await mnaClient(server, CUSTOMER).GetHardwareInfo({ Vendor: 'acme', SN: 'SN0001' });
  expect(info).toMatchObject({ Vendor: 'acme', SN: 'SN0001' });
  const devices = await mnaClient(server, CUSTOMER).GetDevices({ PageSize: 10, PageNumber: 1 });
  expect(devices.DeviceInfos?.map((device) => device.DeviceName).sort()).toEqual(['bench-router', 'gateway-1']);
  const iot = alibabaClient('pop-core POST', server, CUSTOMER);
  const products = await iot.call('QueryProductList', { CurrentPage: 1, PageSize: 10 });
  expect(products.Data.List.ProductInfo).toEqual([expect.objectContaining({ ProductKey: 'a1walkLamp0', ProductName: 'walkthrough_lamp', DeviceCount: 2 })]);
  const lamp = await iot.call('QueryDeviceDetail', { ProductKey: 'a1walkLamp0', DeviceName: 'lamp-0002' });
  expect(lamp.Data).toMatchObject({ DeviceSecret: 'lampSecret0002' });
  const meter = await iotcloudClient(server, CUSTOMER).DescribeProduct({ ProductId: 'WALKMETER1' });
  expect(meter).toMatchObject({ ProductId: 'WALKMETER1', ProductName: 'walkthrough_meter', ProductProperties: { EncryptionType: '2', RegisterType: 1, RegisterLimit: 100, ProductSecret: 'walkthroughMeterSecret01' } });
}

