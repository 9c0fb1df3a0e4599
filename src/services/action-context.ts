import type { Store } from '../storage/database.ts';
import type { SecretBox } from '../core/secret-box.ts';

/**
 * What a handler of any cloud action gets besides its parameters. Handlers never see HTTP:
 * the gateway has already authenticated the caller, rate-limited and decoded the request.
 */
export interface ActionContext {
  /** The authenticated caller; every store call a handler makes is scoped to it. */
  readonly accountId: string;
  readonly requestId: string;
  /** Region as sent (Tencent X-TC-Region / Region, Alibaba RegionId), if any. */
  readonly region: string | undefined;
  readonly store: Store;
  readonly secrets: SecretBox;
  /** Epoch milliseconds; injectable so tests can move time. */
  readonly now: () => number;
}
