import type { TencentErrorCode } from './specs/error-catalog.ts';

/** Message language of an API 3.0 answer (X-TC-Language / Language). */
export type TencentLanguage = 'en-US' | 'zh-CN';

/** Values substituted into a message template. */
export type TencentErrorParams = Readonly<Record<string, string | number>>;

type Template = Readonly<Record<TencentLanguage, string>>;

// The English shapes below are those of real responses (`observed_message` in common-errors.json),
// with the offending name in backticks; third-party clients parse RequestLimitExceeded's numbers,
// so its wording must not drift. Codes not listed here use the catalog description.
const TEMPLATES: Partial<Record<TencentErrorCode, readonly Template[]>> = {
  MissingParameter: [
    { 'en-US': 'The request is missing a required parameter `{name}`.', 'zh-CN': '缺少必填参数 `{name}`。' },
  ],
  UnknownParameter: [
    { 'en-US': 'The parameter `{name}` is not recognized.', 'zh-CN': '参数 `{name}` 无法识别。' },
  ],
  InvalidParameter: [
    { 'en-US': 'Parameter `{name}` type error.', 'zh-CN': '参数 `{name}` 类型错误。' },
    {
      'en-US':
        'Version `{version}` of action `{action}` is served by several products ({services}): name one in the Host (`<service>.tencentcloudapi.com`) or in the TC3 credential scope.',
      'zh-CN': '多个产品（{services}）都提供版本 `{version}` 的接口 `{action}`：请在 Host（`<service>.tencentcloudapi.com`）或 TC3 凭证范围中指明产品。',
    },
    { 'en-US': 'Incorrect parameter: {reason}.', 'zh-CN': '参数错误：{reason}。' },
  ],
  InvalidParameterValue: [
    {
      'en-US': 'The value of parameter `{name}` is invalid: {reason}.',
      'zh-CN': '参数 `{name}` 取值错误：{reason}。',
    },
    { 'en-US': 'The value of parameter `{name}` is invalid.', 'zh-CN': '参数 `{name}` 取值错误。' },
  ],
  // The real gateway's answer to a credential scope naming another product (observed in
  // tencentcloud-sdk-go issue #89), with the service it got.
  'AuthFailure.InvalidAuthorization': [
    {
      'en-US': 'The request `Authorization` header does not conform to tencentcloud standards: `Service` in Credential not valid (`{service}`).',
      'zh-CN': '请求头部的 Authorization 不符合腾讯云标准：Credential 中的 `Service` 无效（`{service}`）。',
    },
  ],
  InvalidAction: [
    {
      'en-US': 'The request `Action` is invalid or not found: `{action}`.',
      'zh-CN': '请求的 `Action` 无效或不存在：`{action}`。',
    },
    { 'en-US': 'The request `Action` is invalid or not found.', 'zh-CN': '请求的 `Action` 无效或不存在。' },
  ],
  RequestLimitExceeded: [
    {
      'en-US':
        'Your current request times equals to `{count}` in a second, which exceeds the frequency limit `{limit}` for a second. Please reduce the frequency of calls.',
      'zh-CN': '您当前每秒请求 `{count}` 次，超过了每秒频率限制 `{limit}`，请降低调用频率。',
    },
  ],
  UnsupportedOperation: [
    {
      'en-US': 'The action `{action}` is not yet implemented.',
      'zh-CN': '接口 `{action}` 尚未实现。',
    },
  ],
  UnsupportedProtocol: [
    {
      'en-US':
        'Content-Type `{contentType}` is not supported: POST application/json with TC3-HMAC-SHA256, or application/x-www-form-urlencoded with signature v1.',
      'zh-CN': '不支持 Content-Type `{contentType}`：TC3-HMAC-SHA256 请使用 POST application/json，签名 v1 请使用 application/x-www-form-urlencoded。',
    },
  ],
  NoSuchVersion: [
    {
      'en-US': 'The API version `{version}` does not exist.',
      'zh-CN': '接口版本 `{version}` 不存在。',
    },
  ],
};

/**
 * Why a value was rejected, by the schema keyword it broke (`rule`) and its bound (`limit`):
 * the `reason` of InvalidParameterValue (and of a body-level InvalidParameter) in both languages.
 */
const REASONS: Readonly<Record<string, Template>> = {
  minLength: { 'en-US': 'it must be at least {limit} characters long', 'zh-CN': '长度不能小于 {limit}' },
  maxLength: { 'en-US': 'it must be at most {limit} characters long', 'zh-CN': '长度不能大于 {limit}' },
  minimum: { 'en-US': 'it must be at least {limit}', 'zh-CN': '不能小于 {limit}' },
  maximum: { 'en-US': 'it must be at most {limit}', 'zh-CN': '不能大于 {limit}' },
  exclusiveMinimum: { 'en-US': 'it must be greater than {limit}', 'zh-CN': '必须大于 {limit}' },
  exclusiveMaximum: { 'en-US': 'it must be less than {limit}', 'zh-CN': '必须小于 {limit}' },
  minItems: { 'en-US': 'it must contain at least {limit} items', 'zh-CN': '元素个数不能少于 {limit}' },
  maxItems: { 'en-US': 'it must contain at most {limit} items', 'zh-CN': '元素个数不能多于 {limit}' },
  pattern: { 'en-US': 'it must match `{limit}`', 'zh-CN': '必须匹配 `{limit}`' },
  enum: { 'en-US': 'it is not one of the allowed values', 'zh-CN': '不在允许的取值范围内' },
  nul: { 'en-US': 'it must not contain a NUL character', 'zh-CN': '不能包含 NUL 字符' },
  json: { 'en-US': 'the request body is not a valid JSON object', 'zh-CN': '请求体不是合法的 JSON 对象' },
  integerRange: {
    'en-US': 'it is outside the exactly representable integer range ±9007199254740991',
    'zh-CN': '超出可精确表示的整数范围 ±9007199254740991',
  },
};

function fill(template: string, params: TencentErrorParams): string | undefined {
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (_slot: string, name: string) => {
    const value = params[name];
    if (value === undefined) complete = false;
    return String(value);
  });
  return complete ? text : undefined;
}

/**
 * The templated message of `code` in `language`, or undefined when the code has no template
 * whose placeholders `params` fill (the caller then falls back to the catalog text).
 */
export function templatedMessage(
  code: TencentErrorCode,
  params: TencentErrorParams,
  language: TencentLanguage,
): string | undefined {
  const rule = params.rule;
  const reason = rule === undefined ? undefined : REASONS[rule];
  const reasonText = reason === undefined ? undefined : fill(reason[language], params);
  const filled = reasonText === undefined ? params : { ...params, reason: reasonText };
  for (const template of TEMPLATES[code] ?? []) {
    const text = fill(template[language], filled);
    if (text !== undefined) return text;
  }
  return undefined;
}
