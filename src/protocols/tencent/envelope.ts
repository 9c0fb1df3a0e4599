import type { TencentError } from './errors.ts';
import { stringifyJson } from './json.ts';
import type { TencentLanguage } from './messages.ts';

/**
 * The Content-Type of every API 3.0 answer, exactly: the Python SDK (tccli) only looks for
 * `Response.Error` when it is `application/json` or `text/plain` (`_check_error`).
 */
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * `{"Response":{...fields,"RequestId":…}}` (Responses doc). RequestId always comes last,
 * as in real responses; bigint fields are written as exact JSON integers.
 */
export function successBody(requestId: string, fields: Readonly<Record<string, unknown>>): string {
  const response: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name !== 'RequestId') response[name] = value;
  }
  response.RequestId = requestId;
  return stringifyJson({ Response: response });
}

/** `{"Response":{"Error":{"Code","Message"},"RequestId"}}`, sent with HTTP 200 (Responses doc). */
export function errorBody(requestId: string, error: TencentError, language: TencentLanguage): string {
  return JSON.stringify({
    Response: { Error: { Code: error.code, Message: error.messageFor(language) }, RequestId: requestId },
  });
}
