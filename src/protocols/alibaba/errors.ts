import { errorCatalog } from './specs/error-catalog.ts';
import type { AlibabaErrorKind, AlibabaErrorSpec } from './specs/error-catalog.ts';

/**
 * Values for a message template, keyed in lowerCamel case: slot `<Name>` reads `name`,
 * `<StringToSign>` reads `stringToSign` (the project's convention for both clouds' errors).
 */
export type AlibabaErrorParams = Readonly<Record<string, string | number>>;

const catalog: Readonly<Record<string, AlibabaErrorSpec>> = errorCatalog;

// errors.json rows "Missing{Param}" / "Invalid{Param}": the POP gateway names the parameter in
// the code itself (MissingProductKey, InvalidPageSize, MissingDeviceList.1.DeviceName).
const TEMPLATED = [
  { pattern: /^Missing([A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*)$/, key: 'Missing{Param}' },
  { pattern: /^Invalid([A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*)$/, key: 'Invalid{Param}' },
] as const;

// Real Alibaba appends the server's string to sign to this message, which is
// what lets a client author find a canonicalisation mismatch.
const MESSAGE_SUFFIX: Readonly<Record<string, string>> = {
  SignatureDoesNotMatch: ' server string to sign is:<StringToSign>',
};

interface Resolved {
  readonly spec: AlibabaErrorSpec;
  readonly param: string | undefined;
}

function resolve(code: string): Resolved | undefined {
  // The template rows themselves ('Missing{Param}') are not codes anyone can answer with.
  if (code.includes('{')) return undefined;
  const exact = catalog[code];
  if (exact !== undefined) return { spec: exact, param: undefined };
  for (const t of TEMPLATED) {
    const m = t.pattern.exec(code);
    if (m !== null) return { spec: catalog[t.key] as AlibabaErrorSpec, param: m[1] };
  }
  return undefined;
}

/** True when `code` is in the catalog, directly or as a `Missing<Name>` / `Invalid<Name>` code. */
export function isAlibabaErrorCode(code: string): boolean {
  return resolve(code) !== undefined;
}

/**
 * The catalog entry a code answers under: itself, or `Missing{Param}` / `Invalid{Param}` for a code
 * naming a parameter (`InvalidDeviceList.3.DeviceName`), whose path is the caller's to choose.
 * Undefined outside the catalog. A bounded set, fit for metric labels.
 */
export function catalogCodeOf(code: string): string | undefined {
  if (Object.hasOwn(catalog, code)) return code;
  return TEMPLATED.find((t) => t.pattern.test(code))?.key;
}

function render(code: string, template: string, param: string | undefined, params: AlibabaErrorParams): string {
  return template.replace(/<(\w+)>|\{Param\}/g, (_slot: string, name: string | undefined) => {
    if (name === undefined) return param as string;
    const key = name.charAt(0).toLowerCase() + name.slice(1);
    const value = params[key];
    if (value === undefined) throw new TypeError(`AlibabaError ${code}: message needs param ${key}`);
    return String(value);
  });
}

/**
 * An Alibaba Cloud error answer. `kind` decides the envelope: 'gateway' errors go out with
 * `httpStatus` and {RequestId, HostId, Code, Message, Recommend}; 'business' (iot.*) errors go
 * out as HTTP 200 {RequestId, Success:false, Code, ErrorMessage} (reference/alibaba/errors.json).
 * Throws TypeError for a code not in the catalog or a missing template param: that is a bug.
 */
export class AlibabaError extends Error {
  override readonly name = 'AlibabaError';
  readonly code: string;
  readonly params: AlibabaErrorParams;
  readonly kind: AlibabaErrorKind;
  readonly httpStatus: number;

  constructor(code: string, params: AlibabaErrorParams = {}) {
    const resolved = resolve(code);
    if (resolved === undefined) throw new TypeError(`AlibabaError: ${code} is not in the error catalog`);
    const template = resolved.spec.message + (MESSAGE_SUFFIX[code] ?? '');
    super(render(code, template, resolved.param, params));
    this.code = code;
    this.params = params;
    this.kind = resolved.spec.kind;
    this.httpStatus = resolved.spec.httpStatus;
  }
}
