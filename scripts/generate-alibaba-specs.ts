/**
 * Generates the committed Alibaba Cloud specs under src/protocols/alibaba/specs/ from the
 * reference data in reference/alibaba, or in $FLEETGATE_REFERENCE_DIR/alibaba when set:
 *   - iot-2018-01-20.ts from api-summary.json (request schemas, per-account QPS);
 *   - error-catalog.ts from errors.json (gateway and iot.* business errors).
 * Run with `npm run gen:specs:alibaba` (or `npm run gen:specs` for both clouds).
 * test/protocols/alibaba/specs-drift.test.ts re-renders from reference/ in memory and fails on any
 * difference.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { referenceDir, repositoryRoot } from './reference-dir.ts';

/** Output paths relative to the repo root. */
export const ALIBABA_SPEC_FILES = {
  iot: 'src/protocols/alibaba/specs/iot-2018-01-20.ts',
  errors: 'src/protocols/alibaba/specs/error-catalog.ts',
} as const;

/** The Alibaba reference folder: $FLEETGATE_REFERENCE_DIR/alibaba, else reference/alibaba. */
export function alibabaReferenceDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(referenceDir(env), 'alibaba');
}

// Java int and the widest integer a JS number holds exactly: api-summary types are Java's.
const INT32 = { min: -2147483648, max: 2147483647 };
const LONG = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

// Three actions (ResetThing, QueryClientIds, DeleteClientIds) document no QPS; 50 is what most
// IoT actions in api-summary.json document, so it is the least surprising budget.
const UNDOCUMENTED_QPS = 50;

// errors.json marks a few codes whose wording was never captured with "UNCONFIRMED (...)"
// instead of a message; clients must not see that marker, so Fleetgate words them itself.
const FLEETGATE_WORDING: Readonly<Record<string, string>> = {
  'iot.check.ParameterIsNotLessThanMax': 'The parameter value exceeds the maximum.',
  'iot.check.InvalidFormattedParameter': 'The format of the parameter is invalid.',
  'iot.common.InvalidFormattedParameter': 'The format of the parameter is invalid.',
  'iot.common.APINotSupportedInInstance': 'The API is not supported in this instance.',
};

interface ParamSummary {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly items?: readonly ParamSummary[];
}

interface ActionSummary {
  readonly qps_per_account: number | string | null;
  readonly request: readonly ParamSummary[];
}

interface GatewayError {
  readonly code: string;
  readonly http_status: number;
  readonly message: string;
  readonly confirmed: boolean;
}

interface BusinessError {
  readonly code: string;
  readonly http_status_wire_recommended: number;
  readonly message: string;
  readonly confirmed: boolean;
}

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
}

function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function scalarType(type: string, where: string): string {
  switch (type) {
    case 'string':
      return 'Type.String()';
    case 'integer':
      return `Type.Integer({ minimum: ${INT32.min}, maximum: ${INT32.max} })`;
    case 'long':
      return `Type.Integer({ minimum: ${LONG.min}, maximum: ${LONG.max} })`;
    case 'boolean':
      return 'Type.Boolean()';
    default:
      throw new Error(`${where}: unknown parameter type ${type}`);
  }
}

function paramType(p: ParamSummary, where: string, indent: string): string {
  if (p.type !== 'list') return scalarType(p.type, where);
  // A RepeatList without members is a list of strings (DeviceName.N); otherwise of structs.
  if (p.items === undefined) return 'Type.Array(Type.String())';
  return `Type.Array(${objectType(p.items, where, indent)})`;
}

function objectType(params: readonly ParamSummary[], where: string, indent: string): string {
  const inner = `${indent}  `;
  const lines = params.map((p) => {
    const t = paramType(p, `${where}.${p.name}`, inner);
    return `${inner}${p.name}: ${p.required ? t : `Type.Optional(${t})`},`;
  });
  return `Type.Object({\n${lines.join('\n')}\n${indent}})`;
}

function qpsOf(action: string, qps: ActionSummary['qps_per_account']): number {
  if (qps === null) return UNDOCUMENTED_QPS;
  if (typeof qps === 'number') return qps;
  // e.g. "50; drops to 2 when CurrentPage*PageSize >= 100,000": the base limit leads.
  const m = /^(\d+)/.exec(qps);
  if (m === null) throw new Error(`${action}: unreadable qps_per_account ${qps}`);
  return Number(m[1]);
}

function renderIotSpec(dir: string): string {
  const summary = readJson<{ actions: Record<string, ActionSummary> }>(dir, 'api-summary.json');
  const actions = Object.entries(summary.actions).map(([name, a]) => {
    const request = objectType(a.request, name, '      ');
    return `    ${name}: {\n      request: ${request},\n      qps: ${qpsOf(name, a.qps_per_account)},\n    },`;
  });
  return [
    '// Generated by scripts/generate-alibaba-specs.ts from reference/alibaba/api-summary.json. Do not edit.',
    "import { Type } from '@sinclair/typebox';",
    '',
    '/** IoT Platform 2018-01-20 (RPC): request parameters per action and per-account QPS. */',
    'export const iotSpec = {',
    "  product: 'Iot',",
    "  version: '2018-01-20',",
    '  actions: {',
    ...actions,
    '  },',
    '} as const;',
    '',
  ].join('\n');
}

function businessMessage(e: BusinessError): string {
  if (e.message.startsWith('UNCONFIRMED wording: ')) return e.message.slice('UNCONFIRMED wording: '.length);
  if (!e.message.startsWith('UNCONFIRMED')) return e.message;
  const own = FLEETGATE_WORDING[e.code];
  if (own === undefined) throw new Error(`${e.code}: errors.json has no message; add Fleetgate wording`);
  return own;
}

function renderErrorCatalog(dir: string): string {
  const errors = readJson<{ gateway: GatewayError[]; iot_business: BusinessError[] }>(dir, 'errors.json');
  const entries = [
    ...errors.gateway.map((e) => ({ code: e.code, kind: 'gateway', status: e.http_status, message: e.message, confirmed: e.confirmed })),
    ...errors.iot_business.map((e) => ({
      code: e.code,
      kind: 'business',
      status: e.http_status_wire_recommended,
      message: businessMessage(e),
      confirmed: e.confirmed,
    })),
  ];
  const seen = new Set<string>();
  const lines = entries.map((e) => {
    if (seen.has(e.code)) throw new Error(`errors.json lists ${e.code} twice`);
    seen.add(e.code);
    return [
      `  ${literal(e.code)}: {`,
      `    kind: '${e.kind}',`,
      `    httpStatus: ${e.status},`,
      `    message: ${literal(e.message)},`,
      `    confirmed: ${e.confirmed},`,
      '  },',
    ].join('\n');
  });
  return [
    '// Generated by scripts/generate-alibaba-specs.ts from reference/alibaba/errors.json. Do not edit.',
    '',
    '/**',
    " * 'gateway': POP error, body {RequestId, HostId, Code, Message, Recommend} with httpStatus.",
    " * 'business': iot.* error, HTTP 200 with body {RequestId, Success: false, Code, ErrorMessage}.",
    ' */',
    "export type AlibabaErrorKind = 'gateway' | 'business';",
    '',
    '/** One catalog entry; `{Param}` / `<Name>` in a code or message are template slots. */',
    'export interface AlibabaErrorSpec {',
    '  readonly kind: AlibabaErrorKind;',
    '  readonly httpStatus: number;',
    '  readonly message: string;',
    '  /** false where errors.json marks the wording or status UNCONFIRMED. */',
    '  readonly confirmed: boolean;',
    '}',
    '',
    '/** Every Alibaba error code Fleetgate may answer with. */',
    'export const errorCatalog = {',
    ...lines,
    '} as const satisfies Readonly<Record<string, AlibabaErrorSpec>>;',
    '',
  ].join('\n');
}

/** Renders both generated files, keyed by their path relative to the repo root. */
export function renderAlibabaSpecs(dir: string = alibabaReferenceDir()): Readonly<Record<string, string>> {
  return {
    [ALIBABA_SPEC_FILES.iot]: renderIotSpec(dir),
    [ALIBABA_SPEC_FILES.errors]: renderErrorCatalog(dir),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [path, text] of Object.entries(renderAlibabaSpecs())) {
    writeFileSync(join(repositoryRoot, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
