import type { Store } from '../storage/database.ts';
import type { SecretBox } from '../core/secret-box.ts';
import type { AppContext } from '../core/app-context.ts';
import type { AccessRevocations } from '../core/access-revocations.ts';

/**
 * What a handler of any cloud action gets besides its parameters. Handlers never see HTTP:
 * the gateway has already authenticated the caller, rate-limited and decoded the request.
 */
export interface ActionContext {
  /** The authenticated caller; every store call a handler makes is scoped to it. */
  readonly accountId: string;
  /** The sub-user whose key signed the call (it acts within accountId); null or absent for the account's own keys. */
  readonly userId?: string | null;
  readonly requestId: string;
  /** Region as sent (Tencent X-TC-Region / Region, Alibaba RegionId), if any. */
  readonly region: string | undefined;
  /**
   * Where the caller reaches this server (`http://host:port`), for links an answer carries;
   * absent when a handler is called directly rather than through a gateway (links are then paths).
   */
  readonly origin?: string;
  readonly store: Store;
  readonly secrets: SecretBox;
  /** Epoch milliseconds; injectable so tests can move time. */
  readonly now: () => number;
  /** Actions that revoke device access (delete, disable, forbid, reset) notify it: this node's MQTT connections are revalidated at once. */
  readonly revocations?: AccessRevocations;
}

/** The context of one authenticated call, built from the process's long-lived parts. */
export function actionContext(app: AppContext, call: { accountId: string; userId: string | null; requestId: string; region: string | undefined; origin?: string }): ActionContext {
  // Spelled out: on Node 20, V8 adds each property that follows a spread on a slow path, about 1 µs each.
  return { accountId: call.accountId, userId: call.userId, requestId: call.requestId, region: call.region, origin: call.origin, store: app.store, secrets: app.secrets, now: app.now, revocations: app.revocations };
}
