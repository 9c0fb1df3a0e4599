import { XMLBuilder } from 'fast-xml-parser';
import type { AlibabaError } from './errors.ts';
import type { ResponseFormat } from './request-types.ts';

/** JSON content type the captures show both SDKs accept (pop-core 1.8.0, openapi-client 0.4.15). */
export const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';
/** openapi-client parses an XML error body only under exactly this type (openapi-client 0.4.15). */
export const XML_CONTENT_TYPE = 'text/xml;charset=utf-8';

const XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>";
const CDATA = '__cdata';

// Arrays become repeated elements named after their key, which is the shape the SDK models
// mirror as `DeviceList.device[]` (iot20180120 3.0.11); booleans and numbers become text.
const xml = new XMLBuilder({ ignoreAttributes: true, cdataPropName: CDATA });

/** An HTTP answer: send `status`, every header in `headers`, then `body`. */
export interface AlibabaReply {
  readonly status: number;
  /** `content-type` and `x-acs-request-id` always (Darabonba SDKs read the latter); `x-acs-retry-after` when throttled. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Where a gateway error is said to come from; see renderError. */
export interface ErrorSource {
  /** The endpoint host the client called (its Host header), as HostId. */
  readonly hostId?: string;
  /** Product code for the `Recommend` troubleshooting link. */
  readonly product?: string;
  /** Seconds a throttled client should wait; newer Darabonba clients honour it. */
  readonly retryAfterSeconds?: number;
}

function reply(status: number, requestId: string, root: string, body: Record<string, unknown>, format: ResponseFormat, retryAfterSeconds?: number): AlibabaReply {
  const json = format === 'JSON';
  const contentType = json ? JSON_CONTENT_TYPE : XML_CONTENT_TYPE;
  // Literals, not spreads: on Node 20 a property added after a spread takes V8's slow path.
  const headers: Record<string, string> =
    retryAfterSeconds === undefined
      ? { 'x-acs-request-id': requestId, 'content-type': contentType }
      : { 'x-acs-request-id': requestId, 'x-acs-retry-after': String(retryAfterSeconds), 'content-type': contentType };
  return { status, headers, body: json ? JSON.stringify(body) : XML_DECLARATION + xml.build({ [root]: body }) };
}

/** The upper-case UUID form Alibaba uses for RequestId (the action pages' examples). */
function idOf(requestId: string): string {
  return requestId.toUpperCase();
}

/**
 * A success answer, HTTP 200: `{RequestId, ...fields}` with RequestId first as in every SDK
 * capture; XML under `<ActionResponse>` ([SEED] sample). `fields` must not carry a `Code` other
 * than ""/"200": pop-core throws on any other Code (lib/rpc.js).
 */
export function renderSuccess(requestId: string, action: string, fields: Readonly<Record<string, unknown>>, format: ResponseFormat): AlibabaReply {
  const id = idOf(requestId);
  // Copied field by field (a RequestId among them left out): rest and spread copies are V8 slow paths.
  const body: Record<string, unknown> = { RequestId: id };
  for (const name of Object.keys(fields)) if (name !== 'RequestId') body[name] = fields[name];
  return reply(200, id, `${action}Response`, body, format);
}

/**
 * An error answer. 'business' (iot.*) errors: HTTP 200 `{RequestId, Success:false, Code,
 * ErrorMessage}` so iot20180120 resolves with `success=false`, XML under
 * `<ActionResponse>`. 'gateway' errors: the catalog's HTTP status and `{RequestId, HostId, Code,
 * Message, Recommend}`, XML under `<Error>` with Recommend as CDATA.
 */
export function renderError(requestId: string, action: string, error: AlibabaError, format: ResponseFormat, source: ErrorSource = {}): AlibabaReply {
  const id = idOf(requestId);
  if (error.kind === 'business') {
    return reply(200, id, `${action}Response`, { RequestId: id, Success: false, Code: error.code, ErrorMessage: error.message }, format);
  }
  const recommend = `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${encodeURIComponent(source.product ?? 'Iot')}&requestId=${id}`;
  const body = {
    RequestId: id,
    HostId: source.hostId ?? 'iot.aliyuncs.com',
    Code: error.code,
    Message: error.message,
    Recommend: format === 'XML' ? { [CDATA]: recommend } : recommend,
  };
  return reply(error.httpStatus, id, 'Error', body, format, source.retryAfterSeconds);
}
