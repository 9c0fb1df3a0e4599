import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from '../../../support/server.ts';
import { alibabaCall, alibabaClient, type AlibabaClient, type Body, expectAlibabaError, SDK_KINDS, SdkFailure } from '../../../support/alibaba-harness.ts';
import { signAcs3 } from '../../../support/alibaba-signer.ts';
import { sendRaw } from '../../../support/http.ts';
import { recordClientId } from '../../../../src/services/alibaba/iot/store/client-ids.ts';

/** Polls QueryBatchRegisterDeviceStatus through the SDK until the apply has left CHECK / CREATE. */
async function settled(client: AlibabaClient, productKey: string, applyId: number): Promise<Body> {
  for (let i = 0; i < 300; i++) {
    const body = await client.call('QueryBatchRegisterDeviceStatus', { ProductKey: productKey, ApplyId: applyId });
    if (body.Data.Status !== 'CHECK' && body.Data.Status !== 'CREATE') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`apply ${applyId} did not finish`);
}

describe.each(DIALECTS)('IoT bulk registration through the official SDKs against a running server (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  describe.each(SDK_KINDS)('%s', (kind) => {
    let client: AlibabaClient;
    let accountId: string;
    let productKey: string;
    beforeAll(async () => {
      // An account per SDK: the documented per-account QPS (10 for the batch actions) applies.
      const account = await server.createAccount();
      accountId = account.id;
      client = alibabaClient(kind, server, account);
      productKey = (await client.call('CreateProduct', { ProductName: 'sdk_bulk', NodeType: 0 })).ProductKey as string;
    });

    it('checks names (both list forms), registers them with the ApplyId, and pages the devices with their secrets', async () => {
      const plain = await client.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: ['plain-0001', 'plain-0002'] });
      expect(plain.Code).toBeUndefined();
      expect(plain.Data).toEqual({ ApplyId: expect.any(Number), InvalidDeviceNameList: { InvalidDeviceName: [] }, InvalidDeviceNicknameList: { InvalidDeviceNickname: [] } });
      expect((await settled(client, productKey, plain.Data.ApplyId)).Data).toEqual({ Status: 'CHECK_SUCCESS', ValidList: { Name: ['plain-0001', 'plain-0002'] }, InvalidList: { Name: [] } });

      const registered = await client.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: plain.Data.ApplyId });
      expect(registered.Data).toEqual({ ApplyId: plain.Data.ApplyId });
      expect((await settled(client, productKey, plain.Data.ApplyId)).Data.Status).toBe('CREATE_SUCCESS');
      const page = await client.call('QueryPageByApplyId', { ApplyId: plain.Data.ApplyId, CurrentPage: 1, PageSize: 50 });
      expect(page).toMatchObject({ Success: true, Page: 1, PageSize: 50, PageCount: 1, Total: 2 });
      expect(page.ApplyDeviceList.ApplyDeviceInfo.map((d: Body) => d.DeviceName)).toEqual(['plain-0001', 'plain-0002']);
      for (const device of page.ApplyDeviceList.ApplyDeviceInfo as Body[]) {
        expect((await client.call('QueryDeviceInfo', { IotId: device.IotId })).Data.DeviceSecret).toBe(device.DeviceSecret);
      }

      // plain-0001 exists now: a list naming it again fails its check.
      const nicknamed = await client.call('BatchCheckDeviceNames', {
        ProductKey: productKey,
        DeviceNameList: [{ DeviceName: 'nick-0001', DeviceNickname: '客厅_lamp' }, { DeviceName: 'plain-0001' }],
      });
      expect((await settled(client, productKey, nicknamed.Data.ApplyId)).Data).toEqual({ Status: 'CHECK_FAILED', ValidList: { Name: ['nick-0001'] }, InvalidList: { Name: ['plain-0001'] } });
      await expectAlibabaError(client.call('BatchRegisterDeviceWithApplyId', { ProductKey: productKey, ApplyId: nicknamed.Data.ApplyId }), 'iot.device.IncorrentDeviceApplyInfo');
    });

    it('BatchRegisterDevice creates Count devices the platform names; QueryPageByApplyId pages them with the documented defaults', async () => {
      const accepted = await client.call('BatchRegisterDevice', { ProductKey: productKey, Count: 12 });
      const applyId = accepted.Data.ApplyId as number;
      const done = await settled(client, productKey, applyId);
      expect(done.Data.Status).toBe('CREATE_SUCCESS');
      expect(done.Data.ValidList.Name).toHaveLength(12);
      const first = await client.call('QueryPageByApplyId', { ApplyId: applyId });
      expect(first).toMatchObject({ Page: 1, PageSize: 10, PageCount: 2, Total: 12 });
      const second = await client.call('QueryPageByApplyId', { ApplyId: applyId, CurrentPage: 2 });
      const listed = [...first.ApplyDeviceList.ApplyDeviceInfo, ...second.ApplyDeviceList.ApplyDeviceInfo].map((d: Body) => d.DeviceName);
      expect(listed).toEqual(done.Data.ValidList.Name);
      await expectAlibabaError(client.call('QueryPageByApplyId', { ApplyId: applyId, PageSize: 51 }), 'iot.common.InvalidPageParams');
      await expectAlibabaError(client.call('BatchRegisterDevice', { ProductKey: productKey, Count: 10_001 }), 'iot.device.TooManyDeviceNamesPerRequest');
    });

    it('a refused name list reaches the SDK as Success false with the offenders in Data', async () => {
      const failure = await expectAlibabaError(client.call('BatchCheckDeviceNames', { ProductKey: productKey, DeviceName: ['ok-name-1', 'x'] }), 'iot.device.InvalidFormattedDeviceName');
      expect(failure).toBeInstanceOf(SdkFailure);
      const { status, body } = failure as SdkFailure;
      expect(status ?? 200).toBe(200);
      expect(body).toMatchObject({ Success: false, Data: { InvalidDeviceNameList: { InvalidDeviceName: ['x'] }, InvalidDeviceNicknameList: { InvalidDeviceNickname: [] } } });
    });

    it('QueryClientIds and DeleteClientIds see and revoke the ClientIds issued to a device', async () => {
      const iotId = (await client.call('RegisterDevice', { ProductKey: productKey, DeviceName: 'regnwl-sdk' })).Data.IotId as string;
      const issuedAt = server.app.now();
      await recordClientId(server.app.store.db, server.app.secrets, { accountId, iotId }, { clientId: 'sdk-client', deviceToken: 'sdk-token' }, issuedAt);
      expect((await client.call('QueryClientIds', { IotId: iotId })).Data).toEqual({ IotId: iotId, DynamicRegClientIds: [{ ClientId: 'sdk-client', CreateTime: issuedAt }] });
      expect((await client.call('DeleteClientIds', { IotId: iotId })).Success).toBe(true);
      expect((await client.call('QueryClientIds', { IotId: iotId })).Data.DynamicRegClientIds).toEqual([]);
      await expectAlibabaError(client.call('QueryClientIds', { IotId: 'A'.repeat(26) }), 'iot.device.NotExistedDevice');
    });
  });

  it('an ApplyId that is absent or not a Long is refused by the gateway (so iot.device.NullApplyId is never returned)', async () => {
    const account = await server.createAccount();
    const send = async (params: Record<string, unknown>) =>
      (await sendRaw(server.url, signAcs3(alibabaCall(server, account, { action: 'BatchRegisterDeviceWithApplyId', params })))).json().Code as string;
    expect(await send({ ProductKey: 'a1BwAGV0000' })).toBe('MissingApplyId');
    expect(await send({ ProductKey: 'a1BwAGV0000', ApplyId: '' })).toBe('InvalidApplyId');
    expect(await send({ ProductKey: 'a1BwAGV0000', ApplyId: 'abc' })).toBe('InvalidApplyId');
  });

  it.each([
    ['BatchCheckDeviceNames', 10, { ProductKey: 'a1BwAGV0000', DeviceName: ['some-name'] }],
    ['BatchRegisterDevice', 10, { ProductKey: 'a1BwAGV0000', Count: 1 }],
    ['QueryBatchRegisterDeviceStatus', 30, { ProductKey: 'a1BwAGV0000', ApplyId: 1_000_000 }],
  ] as const)('%s is throttled at its documented %i requests per second per account', async (action, qps, params) => {
    const account = await server.createAccount();
    const responses = await Promise.all(Array.from({ length: qps + 2 }, () => sendRaw(server.url, signAcs3(alibabaCall(server, account, { action, params })))));
    const codes = responses.map((r) => r.json().Code as string);
    expect(codes.filter((c) => c === 'Throttling.User')).toHaveLength(2);
    expect(codes.filter((c) => c === 'iot.prod.NotExistedProduct')).toHaveLength(qps);
  });
});
