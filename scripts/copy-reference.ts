/**
 * Copies into reference/ the facts Fleetgate's tests and generators read from the upstream
 * reference folder (../shared/reference, or $FLEETGATE_REFERENCE_DIR): the same JSON files at the
 * same paths, each cut down to the keys listed below (descriptions, notes and sources dropped),
 * and the raw SDK requests of sdk-wire-captures.md as sdk-wire-captures.json. reference/README.md
 * is written by hand. Run with `npm run reference:copy`; test/scripts/copy-reference.test.ts fails
 * when the committed copy differs from a fresh one (and is skipped without the upstream folder).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IN_REPO_REFERENCE_DIR, upstreamReferenceDir } from './reference-dir.ts';

/** Which keys survive: `true` keeps a value whole, `'*'` stands for every key not named. */
type Keep = boolean | { [key: string]: Keep };

/** Keeps the listed keys, in the source's order; arrays keep every element, each cut the same way. */
export function keepOnly(value: unknown, keep: Keep): unknown {
  if (keep === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => keepOnly(item, keep));
  const out: Record<string, unknown> = {};
  if (keep === false) return out;
  for (const [key, item] of Object.entries(value)) {
    const rule = keep[key] ?? keep['*'] ?? false;
    if (rule !== false) out[key] = keepOnly(item, rule);
  }
  return out;
}

const TENCENT_SPEC: Keep = {
  actions: { '*': { input: true, output: true } },
  objects: { '*': { members: { name: true, type: true, member: true, required: true } } },
};
const TENCENT_ERRORS: Keep = {
  service: true,
  version: true,
  codes: { '*': { en: true, zh: true, observed_message: true } },
  actions: { '*': { codes: true } },
};
const VECTORS: Keep = { '*': true, note: false };
const ALIBABA_PARAM: { [key: string]: Keep } = { name: true, type: true, required: true };
ALIBABA_PARAM.items = ALIBABA_PARAM;
const ALIBABA_FIELD: { [key: string]: Keep } = { name: true, type: true };
ALIBABA_FIELD.fields = ALIBABA_FIELD;
ALIBABA_FIELD.items = ALIBABA_FIELD;
const ALIBABA_ERROR: Keep = { code: true, http_status: true, http_status_wire_recommended: true, message: true, confirmed: true };

/** Every copied JSON file (the same path upstream and in reference/) and what is kept of it. */
export const COPIED_FILES: Readonly<Record<string, Keep>> = {
  'tencent/tencentcloud-cli/mna/v20210119/api.json': TENCENT_SPEC,
  'tencent/tencentcloud-cli/iotcloud/v20210408/api.json': TENCENT_SPEC,
  'tencent/tencentcloud-cli-intl-en/mna/v20210119/api.json': TENCENT_SPEC,
  'tencent/tencentcloud-cli-intl-en/iotcloud/v20210408/api.json': TENCENT_SPEC,
  'tencent/errors/common-errors.json': TENCENT_ERRORS,
  'tencent/errors/mna-v20210119.errors.json': TENCENT_ERRORS,
  'tencent/errors/iotcloud-v20210408.errors.json': TENCENT_ERRORS,
  'tencent/test-vectors.json': {
    tc3: VECTORS,
    v1: VECTORS,
    iotcloud_dynreg_payload: VECTORS,
    iotcloud_device_http_signature: VECTORS,
    iotcloud_mqtt_password: VECTORS,
  },
  'alibaba/api-summary.json': {
    actions: {
      '*': {
        qps_per_account: true,
        request: ALIBABA_PARAM,
        response: ALIBABA_FIELD,
        documented_errors: { code: true },
        likely_errors_UNCONFIRMED: true,
      },
    },
  },
  'alibaba/errors.json': { gateway: ALIBABA_ERROR, iot_business: ALIBABA_ERROR },
  'alibaba/test-vectors.json': {
    percent_encode: { cases: true },
    rpc_v1_hmac_sha1: { vectors: VECTORS },
    acs3_hmac_sha256: { vectors: VECTORS },
    dynamic_registration_https: { vectors: VECTORS },
    mqtt_password: { vectors: VECTORS },
    mqtt_dynamic_registration: { vectors: VECTORS },
  },
};

/** One raw request an official SDK sent, as recorded. */
export interface CapturedRequest {
  readonly sdk: string;
  readonly action: string;
  readonly method: string;
  readonly target: string;
  /** Header lines in the order and spelling sent. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const CAPTURES_SOURCE = 'sdk-wire-captures.md';
export const CAPTURES_FILE = 'sdk-wire-captures.json';

/** The `### <id>: <sdk> — <Action>` requests of the "Raw requests" part of sdk-wire-captures.md. */
export function parseCaptures(markdown: string): Record<string, CapturedRequest> {
  const start = markdown.indexOf('\n## Raw requests\n');
  if (start < 0) throw new Error(`${CAPTURES_SOURCE}: no "## Raw requests" part`);
  const end = markdown.indexOf('\n## ', start + 1);
  const part = markdown.slice(start, end < 0 ? undefined : end);
  const requests: Record<string, CapturedRequest> = {};
  for (const m of part.matchAll(/^### ([\w-]+): (.+?) — (\w+)\n[\s\S]*?```http\n([\s\S]*?)\n```/gm)) {
    const [, id, sdk, action, block] = m as unknown as [string, string, string, string, string];
    const headEnd = block.indexOf('\n\n');
    const [requestLine, ...headerLines] = block.slice(0, headEnd).split('\n');
    const [method, target] = requestLine!.split(' ') as [string, string];
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      if (name in headers) throw new Error(`${CAPTURES_SOURCE} ${id}: header ${name} twice`);
      headers[name] = line.slice(colon + 1).trim();
    }
    const body = block.slice(headEnd + 2).replace(/\n+$/, '');
    requests[id] = { sdk, action, method, target, headers, body };
  }
  return requests;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Every file of the copy (path relative to reference/ → content), computed from `upstream`. */
export function renderReferenceCopy(upstream: string): ReadonlyMap<string, string> {
  const files = new Map<string, string>();
  for (const [path, keep] of Object.entries(COPIED_FILES)) {
    files.set(path, json(keepOnly(JSON.parse(readFileSync(join(upstream, path), 'utf8')), keep)));
  }
  files.set(CAPTURES_FILE, json(parseCaptures(readFileSync(join(upstream, CAPTURES_SOURCE), 'utf8'))));
  return files;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const upstream = upstreamReferenceDir();
  for (const [path, content] of renderReferenceCopy(upstream)) {
    const target = join(IN_REPO_REFERENCE_DIR, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    process.stdout.write(`wrote reference/${path}\n`);
  }
}
