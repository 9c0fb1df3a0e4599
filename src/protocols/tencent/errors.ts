import { tencentErrorCatalog } from './specs/error-catalog.ts';
import type { TencentErrorCode } from './specs/error-catalog.ts';
import { templatedMessage } from './messages.ts';
import type { TencentErrorParams, TencentLanguage } from './messages.ts';

export type { TencentErrorCode } from './specs/error-catalog.ts';
export type { TencentErrorParams, TencentLanguage } from './messages.ts';

/** True when `code` is a common or mna/iotcloud business code of the catalog. */
export function isTencentErrorCode(code: string): code is TencentErrorCode {
  return Object.hasOwn(tencentErrorCatalog, code);
}

/**
 * A Tencent Cloud API 3.0 error answer: `{"Response":{"Error":{"Code","Message"},"RequestId"}}`
 * with HTTP 200 (Responses doc). `params` fill the message template of the code
 * (`name`, `action`, `version`, `count`/`limit`, `rule`/`limit` for InvalidParameterValue);
 * `detail` replaces the message outright. A code outside the catalog is a bug: TypeError.
 */
export class TencentError extends Error {
  override readonly name = 'TencentError';
  readonly code: TencentErrorCode;
  readonly params: TencentErrorParams;

  constructor(code: TencentErrorCode, params: TencentErrorParams = {}) {
    if (!isTencentErrorCode(code)) throw new TypeError(`TencentError: ${String(code)} is not in the error catalog`);
    super(render(code, params, 'en-US'));
    this.code = code;
    this.params = params;
  }

  /**
   * The `Error.Message` text in the caller's language. (`Error#message` stays the en-US text,
   * which is why this is not called `message`.)
   */
  messageFor(language: TencentLanguage): string {
    return language === 'en-US' ? this.message : render(this.code, this.params, language);
  }
}

function render(code: TencentErrorCode, params: TencentErrorParams, language: TencentLanguage): string {
  if (typeof params.detail === 'string') return params.detail;
  const templated = templatedMessage(code, params, language);
  if (templated !== undefined) return templated;
  const text = tencentErrorCatalog[code];
  // Real responses (AuthFailure.SignatureExpire…) carry shorter English texts than the doc table;
  // observed texts with a `placeholder` belong to one request and serve only as templates.
  const observed = text.observed?.includes('`') === false ? text.observed : undefined;
  if (language === 'en-US') return observed ?? text.en ?? text.zh;
  return text.zh;
}
