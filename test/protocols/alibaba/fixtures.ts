import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { AlibabaError } from '../../../src/protocols/alibaba/errors.ts';
import { alibabaReferenceDir } from '../../../scripts/generate-alibaba-specs.ts';

/** Reference data under ../shared/reference (or $FLEETGATE_REFERENCE_DIR), read as the generator does. */
export const referenceDir = alibabaReferenceDir();

export function readReference<T>(file: string): T {
  return JSON.parse(readFileSync(join(referenceDir, file), 'utf8')) as T;
}

/** Time of the SDK captures (their Timestamp / x-acs-date). */
export const CAPTURE_NOW_MS = Date.parse('2026-11-22T15:11:19Z');
export const CAPTURE_SECRET = 'EXAMPLEsecretEXAMPLEsecret12';
export const CAPTURE_ACCESS_KEY_ID = 'LTAI5tEXAMPLEKEYID';

/** The raw request of one `### <id>:` capture in sdk-wire-captures.md, exactly as recorded. */
export function captureRequest(id: string): RawRequest {
  const text = readFileSync(join(referenceDir, '..', 'sdk-wire-captures.md'), 'utf8');
  const start = text.indexOf(`### ${id}:`);
  if (start < 0) throw new Error(`capture ${id} not found`);
  const open = text.indexOf('```http\n', start);
  const close = text.indexOf('\n```', open + 8);
  const block = text.slice(open + 8, close);
  const headEnd = block.indexOf('\n\n');
  const [requestLine, ...headerLines] = block.slice(0, headEnd).split('\n');
  const [method, url] = (requestLine as string).split(' ') as [string, string];
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = Buffer.from(block.slice(headEnd + 2).replace(/\n+$/, ''));
  return { method, url, headers, body };
}

/** The AlibabaError `fn` throws; fails the test when it throws nothing or something else. */
export function thrownBy(fn: () => unknown): AlibabaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AlibabaError) return error;
    throw error;
  }
  throw new Error('expected an AlibabaError, nothing was thrown');
}
