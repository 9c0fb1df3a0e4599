import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import RPCClient from '@alicloud/pop-core';
import IotModule, * as $Iot from '@alicloud/iot20180120';
import * as $OpenApi from '@alicloud/openapi-client';
import { AlibabaError } from '../../src/protocols/alibaba/errors.ts';
import type { TestAccount, TestServer } from './server.ts';
import type { ClientCall } from './alibaba-signer.ts';

/**
 * The words Alibaba tests speak: an official SDK client (in each of its configurations) for an
 * account of a running server, and a call that must fail with a code.
 */

/** A response body, as the tests read it. */
export type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The SDK is CommonJS with an __esModule default: Node's ESM loader hands over the module object,
// vitest's interop the class itself.
type IotClientClass = typeof IotModule.default;
const IotClient: IotClientClass = typeof IotModule === 'function' ? (IotModule as unknown as IotClientClass) : IotModule.default;

/** A failed call as the caller of an official SDK sees it: the error code and the body. */
export class SdkFailure extends Error {
  constructor(
    readonly code: string,
    readonly body: Body,
    readonly status: number | undefined,
  ) {
    super(`${code} (HTTP ${status ?? '?'})`);
  }
}

/** One official SDK configuration, called with wire parameter names; business failures throw SdkFailure. */
export interface AlibabaClient {
  call(action: string, params: Record<string, unknown>): Promise<Body>;
}

export type SdkKind = 'pop-core GET' | 'pop-core POST' | 'iot20180120 ACS3' | 'iot20180120 v2';
export const SDK_KINDS: readonly SdkKind[] = ['pop-core GET', 'pop-core POST', 'iot20180120 ACS3', 'iot20180120 v2'];

const lowerFirst = (name: string): string => name[0]!.toLowerCase() + name.slice(1);
const lowerKeys = (map: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(map).map(([k, v]) => [lowerFirst(k), v]));

type Models = Record<string, new (map: Record<string, unknown>) => { toMap(): Body }>;

/** The iot20180120 request model of an action, from wire-named parameters (lists of structs included). */
function requestModel(action: string, params: Record<string, unknown>): unknown {
  const models = $Iot as unknown as Models;
  const map = lowerKeys(params);
  // Lists of structs (DeviceList, DeviceNameList) take their item model, `<Action>Request<Param>`.
  for (const [name, value] of Object.entries(params)) {
    if (!Array.isArray(value) || typeof value[0] !== 'object') continue;
    const Item = models[`${action}Request${name}`]!;
    map[lowerFirst(name)] = (value as Record<string, unknown>[]).map((row) => new Item(lowerKeys(row)));
  }
  return new models[`${action}Request`]!(map);
}

function popCore(server: TestServer, account: TestAccount, method: 'GET' | 'POST'): AlibabaClient {
  const client = new RPCClient({
    endpoint: server.url,
    apiVersion: '2018-01-20',
    accessKeyId: account.alibaba.accessKeyId,
    accessKeySecret: account.alibaba.accessKeySecret,
  });
  return {
    async call(action, params) {
      try {
        return (await client.request(action, params, { method, timeout: 30_000 })) as Body;
      } catch (error) {
        // pop-core keeps the HTTP status in the error's log entry.
        const e = error as { code?: string; data?: Body; entry?: { response?: { statusCode?: number } } };
        if (e.code === undefined || e.data === undefined) throw error;
        throw new SdkFailure(e.code, e.data, e.entry?.response?.statusCode);
      }
    },
  };
}

/** The iot20180120 SDK client class, as its users call it. */
export type IotSdkClient = InstanceType<IotClientClass>;

/** The iot20180120 SDK client itself, over http to a server with the account's keys; `config` adds or overrides settings. */
export function iotSdkClient(server: Pick<TestServer, 'endpoint'>, account: Pick<TestAccount, 'alibaba'>, config: Record<string, unknown> = {}): IotSdkClient {
  return new IotClient(
    new $OpenApi.Config({
      endpoint: server.endpoint,
      protocol: 'http',
      accessKeyId: account.alibaba.accessKeyId,
      accessKeySecret: account.alibaba.accessKeySecret,
      readTimeout: 30_000,
      ...config,
    }),
  );
}

function iot20180120(server: TestServer, account: TestAccount, signatureAlgorithm: string | undefined): AlibabaClient {
  const client = iotSdkClient(server, account, signatureAlgorithm ? { signatureAlgorithm } : {});
  const methods = client as unknown as Record<string, (request: unknown) => Promise<{ statusCode: number; body: { toMap(): Body } }>>;
  return {
    async call(action, params) {
      let response;
      try {
        response = await methods[lowerFirst(action)]!.call(client, requestModel(action, params));
      } catch (error) {
        const e = error as { code?: string; data?: Body & { statusCode?: number } };
        if (e.code === undefined || e.data === undefined) throw error;
        throw new SdkFailure(e.code, e.data, e.data.statusCode);
      }
      const body = response.body.toMap();
      // This SDK resolves business errors (HTTP 200, Success false): its callers check `success`.
      if (body.Success === false) throw new SdkFailure(body.Code as string, body, response.statusCode);
      return body;
    },
  };
}

/** The official IoT Platform SDK in the given configuration, pointed at a server, signing with the account's keys. */
export function alibabaClient(kind: SdkKind, server: TestServer, account: TestAccount): AlibabaClient {
  switch (kind) {
    case 'pop-core GET':
      return popCore(server, account, 'GET');
    case 'pop-core POST':
      return popCore(server, account, 'POST');
    case 'iot20180120 ACS3':
      return iot20180120(server, account, undefined);
    case 'iot20180120 v2':
      return iot20180120(server, account, 'v2');
  }
}

/** How an Alibaba call fails: an AlibabaError from a handler, an SdkFailure through an official SDK. */
export type AlibabaFailure = AlibabaError | SdkFailure;

/** Awaits a call that must fail with `code`; returns the failure for further checks. */
export async function expectAlibabaError(call: Promise<unknown>, code: string): Promise<AlibabaFailure> {
  const outcome = await call.then(
    (body) => new Error(`expected ${code}, the call succeeded: ${JSON.stringify(body).slice(0, 300)}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof AlibabaError || outcome instanceof SdkFailure)) throw outcome;
  expect(outcome.code, outcome.message).toBe(code);
  return outcome;
}

/** A QueryProductList call signed for `account` against `server`, fresh nonce and time; `overrides` change any part. */
export function alibabaCall(server: Pick<TestServer, 'endpoint'>, account: Pick<TestAccount, 'alibaba'>, overrides: Partial<ClientCall> = {}): ClientCall {
  return {
    accessKeyId: account.alibaba.accessKeyId,
    accessKeySecret: account.alibaba.accessKeySecret,
    action: 'QueryProductList',
    version: '2018-01-20',
    params: { CurrentPage: 1, PageSize: 10 },
    host: server.endpoint,
    nowMs: Date.now(),
    nonce: randomUUID(),
    ...overrides,
  };
}
