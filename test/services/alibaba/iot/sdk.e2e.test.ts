import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestAccount, type TestServer } from '../../../support/server.ts';
import { importRows } from './support.ts';
import { alibabaClient, type AlibabaClient, type Body, expectAlibabaError, SDK_KINDS, SdkFailure } from '../../../support/alibaba-harness.ts';

async function settled(client: AlibabaClient, productKey: string, applyId: number): Promise<Body> {
  for (let i = 0; i < 300; i++) {
    const body = await client.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId });
    if (body.Data.Status !== 'CREATE') return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${applyId} did not finish`);
}

const names = (list: Body[], key = 'DeviceName') => list.map((item) => item[key] as string);

describe.each(DIALECTS)('IoT Platform through the official SDKs against a running server (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  describe.each(SDK_KINDS)('%s', (kind) => {
    let account: TestAccount;
    let client: AlibabaClient;
    beforeAll(async () => {
      // An account per SDK: the documented per-account QPS (10 for BatchImportDevice) applies.
      account = await server.createAccount();
      client = alibabaClient(kind, server, account);
    });

    it('runs the product, device and import lifecycle', async () => {
      const created = await client.call('CreateProduct', { ProductName: 'sdk_product', NodeType: 1, Description: 'via SDK' });
      expect(created.Code).toBeUndefined();
      expect(created).toMatchObject({ Success: true, RequestId: expect.any(String), ProductKey: expect.stringMatching(/^[A-Za-z0-9]{11}$/) });
      expect(created.Data).toMatchObject({ ProductName: 'sdk_product', NodeType: 1, Id2: false, ProductSecret: expect.any(String) });
      const productKey = created.ProductKey as string;

      const product = await client.call('QueryProduct', { ProductKey: productKey });
      expect(product.Data).toMatchObject({ ProductKey: productKey, NetType: 3, GmtCreate: expect.any(Number), DeviceCount: 0, Owner: true });
      await client.call('UpdateProduct', { ProductKey: productKey, ProductName: 'sdk_renamed' });
      const list = await client.call('QueryProductList', { CurrentPage: 1, PageSize: 10 });
      expect(list.Data).toMatchObject({ CurrentPage: 1, PageSize: 10, Total: 1, PageCount: 1 });
      expect(list.Data.List.ProductInfo).toEqual([expect.objectContaining({ ProductKey: productKey, ProductName: 'sdk_renamed' })]);

      const registered = await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'sdk-device' });
      expect(registered.Data).toMatchObject({ DeviceName: 'sdk-device', DeviceSecret: expect.stringMatching(/^[0-9a-f]{32}$/), ProductKey: productKey });
      const iotId = registered.Data.IotId as string;
      const detail = await client.call('QueryDeviceDetail', { IotId: iotId });
      expect(detail.Data).toMatchObject({ Status: 'UNACTIVE', NodeType: 1, Owner: true, ProductName: 'sdk_renamed', GmtCreate: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
      const info = await client.call('QueryDeviceInfo', { ProductKey: productKey, DeviceName: 'sdk-device' });
      expect(info.Data).toEqual(registered.Data);

      const check = await client.call('BatchCheckImportDevice', {
        ProductKey: productKey,
        DeviceList: [
          { DeviceName: 'sdk-device', DeviceSecret: 'a' },
          { DeviceName: 'b a d', DeviceSecret: 'b', Sn: 'S N' },
        ],
      });
      expect(check.Data).toMatchObject({ InvalidDeviceNameList: ['b a d'], InvalidSnList: ['S N'], RepeatedDeviceNameList: ['sdk-device'], InvalidDeviceSecretList: [] });

      const rows = importRows(120, 'sdk');
      const accepted = await client.call('BatchImportDevice', { ProductKey: productKey, DeviceList: rows });
      expect(accepted.Data.ApplyId).toEqual(expect.any(Number));
      expect(accepted.Data.RepeatedDeviceNameList).toEqual({ repeatedDeviceName: [] });
      const done = await settled(client, productKey, accepted.Data.ApplyId);
      expect(done.Data).toEqual({ Status: 'CREATE_SUCCESS', ValidList: { Name: names(rows) }, InvalidList: { Name: [] } });
      const imported = await client.call('QueryImportedDeviceByApplyId', { ApplyId: accepted.Data.ApplyId, PageNo: 3, PageSize: 50 });
      expect(imported).toMatchObject({ PageNo: 3, PageSize: 50, TotalPage: 3, ProductKey: productKey });
      expect(imported.DeviceList.device).toEqual(rows.slice(100).map((r) => ({ ...r, ProductKey: productKey })));

      const page = await client.call('QueryDevice', { ProductKey: productKey, PageSize: 50, CurrentPage: 1 });
      expect(page).toMatchObject({ Page: 1, PageSize: 50, Total: 121, PageCount: 3, NextToken: expect.any(String) });
      expect(page.Data.DeviceInfo).toHaveLength(50);
      const next = await client.call('QueryDevice', { ProductKey: productKey, PageSize: 50, CurrentPage: 2, NextToken: page.NextToken });
      expect(names(next.Data.DeviceInfo)).not.toContain(page.Data.DeviceInfo[49].DeviceName);

      await client.call('DeleteDevice', { IotId: iotId });
      await expectAlibabaError(client.call('QueryDeviceInfo', { IotId: iotId }), 'iot.device.NotExistedDevice');
      await client.call('DeleteProduct', { ProductKey: productKey });
      await expectAlibabaError(client.call('QueryProduct', { ProductKey: productKey }), 'iot.prod.NotExistedProduct');
    });

    it('answers business errors with HTTP 200, Success false, Code and ErrorMessage', async () => {
      const failure = await expectAlibabaError(client.call('QueryProduct', { ProductKey: 'a1BwAGV1234' }), 'iot.prod.NotExistedProduct');
      expect(failure).toBeInstanceOf(SdkFailure);
      const { status, body } = failure as SdkFailure;
      expect(status ?? 200).toBe(200);
      expect(body).toMatchObject({ Success: false, Code: 'iot.prod.NotExistedProduct', ErrorMessage: 'The specified product does not exist.', RequestId: expect.any(String) });
      await expectAlibabaError(client.call('BatchCheckImportDevice', { ProductKey: 'a1BwAGV1234', DeviceList: [] }), 'iot.device.NoneDeviceNameElement');
    });

    it('checks 10,000 rows, refuses 10,001 with iot.device.TooManyDeviceNamesPerRequest', async () => {
      const productKey = (await client.call('CreateProduct', { ProductName: 'sdk_bulk_check', NodeType: 0 })).ProductKey as string;
      const clean = await client.call('BatchCheckImportDevice', { ProductKey: productKey, DeviceList: importRows(10_000) });
      expect(clean.Success).toBe(true);
      expect(clean.Data).toBeUndefined();
      await expectAlibabaError(client.call('BatchCheckImportDevice', { ProductKey: productKey, DeviceList: importRows(10_001) }), 'iot.device.TooManyDeviceNamesPerRequest');
      await expectAlibabaError(client.call('BatchImportDevice', { ProductKey: productKey, DeviceList: importRows(10_001) }), 'iot.device.TooManyDeviceNamesPerRequest');
    });

    it("keeps one account's products out of another's reach", async () => {
      const productKey = (await client.call('CreateProduct', { ProductName: 'sdk_private', NodeType: 0 })).ProductKey as string;
      const device = (await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'private-one' })).Data;
      const stranger = alibabaClient(kind, server, await server.createAccount());
      await expectAlibabaError(stranger.call('QueryProduct', { ProductKey: productKey }), 'iot.prod.NotExistedProduct');
      await expectAlibabaError(stranger.call('QueryDevice', { ProductKey: productKey }), 'iot.prod.NotExistedProduct');
      await expectAlibabaError(stranger.call('QueryDeviceInfo', { IotId: device.IotId }), 'iot.device.NotExistedDevice');
      await expectAlibabaError(stranger.call('DeleteDevice', { ProductKey: productKey, DeviceName: 'private-one' }), 'iot.prod.NotExistedProduct');
      expect((await client.call('QueryDeviceInfo', { IotId: device.IotId })).Data.DeviceSecret).toBe(device.DeviceSecret);
    });
  });
});
