import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRequest } from '../../src/protocols/raw-request.ts';
import { CAPTURES_FILE } from '../../scripts/copy-reference.ts';
import type { CapturedRequest } from '../../scripts/copy-reference.ts';
import { IN_REPO_REFERENCE_DIR } from '../../scripts/reference-dir.ts';

/** A file of the in-repo reference copy (path relative to reference/); tests never read another. */
export function readReference<T>(relative: string): T {
  return JSON.parse(readFileSync(join(IN_REPO_REFERENCE_DIR, relative), 'utf8')) as T;
}

const captures = readReference<Readonly<Record<string, CapturedRequest>>>(CAPTURES_FILE);

/** Ids of the recorded SDK requests, in recording order. */
export const captureIds: readonly string[] = Object.keys(captures);

/** One recorded SDK request as the gateway receives it (header names lower-cased), byte for byte. */
export function captureRequest(id: string): RawRequest {
  const capture = captures[id];
  if (capture === undefined) throw new Error(`capture ${id} not found in reference/${CAPTURES_FILE}`);
  const headers = Object.fromEntries(Object.entries(capture.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { method: capture.method, url: capture.target, headers, body: Buffer.from(capture.body) };
}
