import { stringify as losslessStringify } from 'lossless-json';
import type { TencentError } from './errors.ts';
import type { TencentLanguage } from './messages.ts';

/**
 * The Content-Type of every API 3.0 answer, exactly: the Python SDK (tccli) only looks for
 * `Response.Error` when it is `application/json` or `text/plain` (PROTOCOL.md §1.6).
 */
export const JSON_CONTENT_TYPE = 'application/json';

function serialise(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify refuses BigInt; lossless-json writes it as an exact JSON number.
    if (!(error instanceof TypeError)) throw error;
    const text = losslessStringify(value);
    if (text === undefined) throw error;
    return text;
  }
}

/**
 * `{"Response":{...fields,"RequestId":…}}` (PROTOCOL.md §1.6). RequestId always comes last,
 * as in real responses; bigint fields are written as exact JSON integers.
 */
export function successBody(requestId: string, fields: Readonly<Record<string, unknown>>): string {
  const response: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name !== 'RequestId') response[name] = value;
  }
  response.RequestId = requestId;
  return serialise({ Response: response });
}

/** `{"Response":{"Error":{"Code","Message"},"RequestId"}}`, sent with HTTP 200 (PROTOCOL.md §1.6). */
export function errorBody(requestId: string, error: TencentError, language: TencentLanguage): string {
  return JSON.stringify({
    Response: { Error: { Code: error.code, Message: error.messageFor(language) }, RequestId: requestId },
  });
}
