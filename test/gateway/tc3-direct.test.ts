import { describe, expect, it } from 'vitest';
import { apiRequestCount, serverWithAccount } from '../support/api-fixture.ts';
import { sendRaw, type RawResponse } from '../support/http.ts';
import { tc3 } from '../support/tencent-harness.ts';

// `application/json` exactly is answered straight from Node's request event; with a charset the
// same call goes through Fastify's route. Both must give the same answer.
const DIRECT = 'application/json';
const THROUGH_FASTIFY = 'application/json; charset=utf-8';

/** The parts of an answer that do not change from call to call (RequestId, Date and length do). */
function shape(response: RawResponse) {
  const { RequestId, ...fields } = response.json().Response;
  expect(RequestId).toMatch(/^[0-9a-f-]{36}$/);
  return { status: response.status, contentType: response.headers['content-type'], connection: response.headers.connection, fields };
}

describe('Tencent gateway: TC3 JSON POSTs answered without Fastify', () => {
  const fixture = serverWithAccount();

  const both = async (options: Parameters<typeof tc3>[2]) => {
    const answers = [];
    for (const contentType of [DIRECT, THROUGH_FASTIFY]) {
      const response = await sendRaw(fixture.server.url, tc3(fixture.server, fixture.account, { ...options, contentType }));
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
      answers.push(shape(response));
    }
    return answers;
  };

  it('give the answer the Fastify route gives, for a success and for each kind of refusal', async () => {
    const calls = [
      { action: 'GetPublicKey', params: {} },
      { action: 'GetHardwareInfo', params: { Vendor: 'nobody', SN: 'none' } },
      { action: 'GetHardwareInfo', params: { Vendor: 7 } },
      { action: 'NoSuchAction', params: {} },
      { action: 'GetHardwareInfo', params: {}, secretKey: 'wrong' },
    ];
    for (const call of calls) {
      // GetPublicKey answers with the account's key, made on first use: the same for both.
      const [direct, throughFastify] = await both(call);
      expect(direct).toEqual(throughFastify);
      expect(direct!.contentType).toBe('application/json');
    }
    const [success] = await both(calls[0]!);
    expect(success!.fields.Error).toBeUndefined();
  });

  it('refuse a body that is not a JSON object with the documented error, as the route does', async () => {
    for (const contentType of [DIRECT, THROUGH_FASTIFY]) {
      const signed = tc3(fixture.server, fixture.account, { action: 'GetHardwareInfo', params: {}, contentType });
      const broken = tc3(fixture.server, fixture.account, { action: 'GetHardwareInfo', params: {}, contentType, body: '[1,2' });
      expect(shape(await sendRaw(fixture.server.url, broken)).fields.Error.Code).toBe('InvalidParameter');
      expect(shape(await sendRaw(fixture.server.url, signed)).fields.Error.Code).toBe('MissingParameter');
    }
  });

  it('are logged and counted like any other call', async () => {
    const metric = () => apiRequestCount(fixture.server, 'GetHardwareInfo', 'OperationDenied.HardwareNotExist');
    const before = await metric();
    await sendRaw(fixture.server.url, tc3(fixture.server, fixture.account, { action: 'GetHardwareInfo', params: { Vendor: 'nobody', SN: 'none' }, contentType: DIRECT }));
    expect(await metric()).toBe(before + 1);
  });
});
