import type { RawRequest } from '../../../src/protocols/raw-request.ts';
import { captureIds, captureRequest } from '../../support/reference.ts';

/** One raw Tencent request of reference/sdk-wire-captures.json, rebuilt byte for byte. */
export interface Capture {
  readonly id: string;
  readonly raw: RawRequest;
}

/** The captures' SecretKey: the documentation placeholder paired with their SecretId. */
export const CAPTURE_SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';

/** Every `tc-*` request capture. */
export function loadTencentCaptures(): Capture[] {
  return captureIds.filter((id) => id.startsWith('tc-')).map((id) => ({ id, raw: captureRequest(id) }));
}
