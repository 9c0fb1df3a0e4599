import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { tencentReferenceDir } from '../../../scripts/generate-tencent-specs.ts';

/** One raw Tencent request of sdk-wire-captures.md, rebuilt byte for byte. */
export interface Capture {
  readonly id: string;
  readonly raw: RawRequest;
}

/** The captures' SecretKey: the documentation placeholder paired with their SecretId. */
export const CAPTURE_SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';

/** Reads every `tc-*` request capture from ../sdk-wire-captures.md beside the Tencent folder. */
export function loadTencentCaptures(): Capture[] {
  const text = readFileSync(join(tencentReferenceDir(), '..', 'sdk-wire-captures.md'), 'utf8');
  const captures: Capture[] = [];
  const section = /^### (tc-[\w-]+):[^\n]*\n[\s\S]*?```http\n([\s\S]*?)\n```/gm;
  for (const m of text.matchAll(section)) {
    const [head, ...rest] = m[2]!.split('\n\n');
    const [requestLine, ...headerLines] = head!.split('\n');
    const [method, url] = requestLine!.split(' ') as [string, string];
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const body = Buffer.from(rest.join('\n\n').replace(/\n+$/, ''));
    captures.push({ id: m[1]!, raw: { method, url, headers, body } });
  }
  return captures;
}
