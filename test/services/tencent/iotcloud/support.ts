import { randomBytes } from 'node:crypto';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import * as intl from 'tencentcloud-sdk-nodejs-intl-en';
import { startTestServer, type TestAccount, type TestServer } from '../../../support/server.ts';
import type { Dialect } from '../../../../src/storage/database.ts';
import type { SignMethod } from '../../../support/tencent-harness.ts';

/** The official IoT Hub client of tencentcloud-sdk-nodejs 4.x, unchanged. */
export type IotcloudClient = InstanceType<typeof tencentcloud.iotcloud.v20210408.Client>;

/** The official IoT Hub client of tencentcloud-sdk-nodejs 4.x pointed at a server (TC3 unless told). */
export function iotcloudClient(server: Pick<TestServer, 'endpoint'>, account: Pick<TestAccount, 'tencent'>, signMethod: SignMethod = 'TC3-HMAC-SHA256'): IotcloudClient {
  return new tencentcloud.iotcloud.v20210408.Client({
    credential: { secretId: account.tencent.secretId, secretKey: account.tencent.secretKey },
    region: 'ap-guangzhou',
    profile: { signMethod, httpProfile: { protocol: 'http://', endpoint: server.endpoint, reqMethod: 'POST', reqTimeout: 30 } },
  });
}

/**
 * The intl-en 3.x SDK's IoT Hub client (v1 HmacSHA256, callback style) behind promises: `call('Action', params)`
 * builds the SDK's own request model from the params and resolves with its typed response model.
 */
export type IntlCall = (action: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function intlIotcloudCall(server: Pick<TestServer, 'endpoint'>, account: Pick<TestAccount, 'tencent'>): IntlCall {
  const { common, iotcloud } = intl;
  const profile = new common.ClientProfile('HmacSHA256', new common.HttpProfile());
  profile.httpProfile.protocol = 'http://';
  profile.httpProfile.endpoint = server.endpoint;
  const client = new iotcloud.v20210408.Client(new common.Credential(account.tencent.secretId, account.tencent.secretKey), 'ap-guangzhou', profile);
  return (action, params) => {
    const request = new iotcloud.v20210408.Models[`${action}Request`]();
    request.deserialize(params);
    return new Promise((resolve, reject) =>
      client[action](request, (error: Error | null, response: Record<string, unknown>) => (error ? reject(error) : resolve(JSON.parse(JSON.stringify(response))))),
    );
  };
}

/** A name no other test on the same server uses (ProductName/DeviceName alphabet). */
export const unique = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;

export interface Party {
  readonly account: TestAccount;
  readonly client: IotcloudClient;
  readonly intl: IntlCall;
}

/** A running server with two accounts, each with both official clients. */
export interface World {
  readonly server: TestServer;
  readonly owner: Party;
  readonly stranger: Party;
  close(): Promise<void>;
}

export async function openWorld(dialect: Dialect): Promise<World> {
  const server = await startTestServer({ dialect });
  const party = async (): Promise<Party> => {
    const account = await server.createAccount();
    return { account, client: iotcloudClient(server, account), intl: intlIotcloudCall(server, account) };
  };
  return { server, owner: await party(), stranger: await party(), close: () => server.close() };
}

/** Sets a product's or an account's counter directly, so a quota test need not create 2,000 products or 1,000,000 devices. */
export async function fillCounter(server: TestServer, target: { product: string } | { account: string }, column: 'device_count' | 'product_count' | 'private_ca_count', value: number): Promise<void> {
  const { db } = server.app.store;
  if ('product' in target) await db.updateTable('iotcloud_products').set({ [column]: value }).where('product_id', '=', target.product).execute();
  else await db.updateTable('iotcloud_accounts').set({ [column]: value }).where('account_id', '=', target.account).execute();
}
