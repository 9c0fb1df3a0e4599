import { describe, expect, it } from 'vitest';
import { apiRequestCount, serverWithAccount } from '../support/api-fixture.ts';
import { sendRaw, type RawResponse } from '../support/http.ts';
import { signPopCoreGet, type ClientCall } from '../support/alibaba-signer.ts';
import { alibabaCall } from '../support/alibaba-harness.ts';

// A v1 GET without a body is answered straight from Node's request event; the same GET sent
// chunked (an empty body) goes through Fastify's route. Both must give the same answer.
const DIRECT = {};
const THROUGH_FASTIFY = { 'transfer-encoding': 'chunked' };

/** The parts of an answer that do not change from call to call (RequestId, nonce, Date and length do). */
function shape(response: RawResponse, nonce: string) {
  const requestId = response.headers['x-acs-request-id'] as string;
  expect(requestId).toMatch(/^[0-9A-F-]{36}$/);
  // The RequestId shows in the body, also inside Recommend's link; a string to sign shows the nonce.
  const { RequestId, ...fields } = JSON.parse(response.text.replaceAll(requestId, 'REQUEST-ID').replaceAll(nonce, 'NONCE'));
  expect(RequestId).toBe('REQUEST-ID');
  expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
  return { status: response.status, contentType: response.headers['content-type'], retryAfter: response.headers['x-acs-retry-after'], fields };
}

describe('Alibaba gateway: v1 GETs answered without Fastify', () => {
  const fixture = serverWithAccount();

  const send = (call: ClientCall, extraHeaders: Record<string, string>) => {
    const signed = signPopCoreGet(call);
    return sendRaw(fixture.server.url, { ...signed, headers: { ...signed.headers, ...extraHeaders } });
  };
  const both = async (overrides: Partial<ClientCall>) => {
    const answers = [];
    const nowMs = Date.now();
    for (const route of [DIRECT, THROUGH_FASTIFY]) {
      const call = alibabaCall(fixture.server, fixture.account, { nowMs, ...overrides });
      answers.push(shape(await send(call, route), call.nonce));
    }
    return answers;
  };

  it('give the answer the Fastify route gives, for a success, a business refusal and gateway refusals', async () => {
    const calls: Partial<ClientCall>[] = [
      {},
      { action: 'QueryProduct', params: { ProductKey: 'a1NoSuchPrdK' } },
      { action: 'NoSuchAction' },
      { accessKeySecret: 'wrong' },
      { nowMs: Date.now() - 60 * 60 * 1000 },
    ];
    for (const call of calls) {
      const [direct, throughFastify] = await both(call);
      expect(direct).toEqual(throughFastify);
    }
    const [success, refused, unknown] = [(await both(calls[0]!))[0]!, (await both(calls[1]!))[0]!, (await both(calls[2]!))[0]!];
    expect(success).toMatchObject({ status: 200, contentType: 'application/json;charset=utf-8', fields: { Success: true } });
    expect(refused).toMatchObject({ status: 200, fields: { Success: false, Code: 'iot.prod.InvalidFormattedProductkey' } });
    expect(unknown.status).toBe(404);
  });

  it('refuse a replayed SignatureNonce, whichever way the first request came', async () => {
    for (const [first, second] of [
      [DIRECT, THROUGH_FASTIFY],
      [THROUGH_FASTIFY, DIRECT],
    ]) {
      const call = alibabaCall(fixture.server, fixture.account);
      expect((await send(call, first!)).status).toBe(200);
      expect(shape(await send(call, second!), call.nonce).fields.Code).toBe('SignatureNonceUsed');
    }
  });

  it('are logged and counted like any other call', async () => {
    const metric = () => apiRequestCount(fixture.server, 'QueryProductList', 'Success');
    const before = await metric();
    await send(alibabaCall(fixture.server, fixture.account), DIRECT);
    expect(await metric()).toBe(before + 1);
  });
});
