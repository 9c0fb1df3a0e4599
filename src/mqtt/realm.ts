import type { ReplayGuard } from '../core/replay-guard.ts';
import type { EmulatorClock } from '../emulator/clock.ts';
import type { AppContext } from '../core/app-context.ts';

/** What a device's CONNECT carried, as a realm reads it. */
export interface MqttConnect {
  readonly clientId: string;
  readonly username: string;
  /** UTF-8; MQTT allows binary passwords, which no cloud's device SDK sends. */
  readonly password: string;
  /** The peer address (DescribeDevice's ClientIP), when the socket knows it. */
  readonly remoteAddress: string | undefined;
  /** Whether the connection is TLS: Alibaba's MQTT dynamic registration is TLS only. */
  readonly tls: boolean;
}

/** CONNACK return codes a device can read (MQTT 3.1.1 §3.2.2.3). */
export const CONNACK_BAD_CREDENTIALS = 4;
export const CONNACK_NOT_AUTHORIZED = 5;

/** A device that holds a connection: its identity, its topics and its online state. */
export interface MqttSession {
  /** Unique across realms: a second connection with the same identity closes the first. */
  readonly identity: string;
  /** Whether the device may publish to or subscribe to a topic filter (its own topics only). */
  mayUse(topic: string): boolean;
  /**
   * Records the device online (activating it on its first connect); returns a mark that
   * `offline` compares so a stale connection never marks a newer one offline. Undefined when
   * the device was deleted meanwhile (the connection is then refused).
   */
  online(now: number): Promise<number | undefined>;
  offline(mark: number, now: number): Promise<void>;
  /**
   * Whether the connection that went online with `mark` may stay: false once a newer login (on
   * any node) has replaced it, or the device was deleted, reset or disabled meanwhile.
   */
  current(mark: number): Promise<boolean>;
}

/** A CONNECT that only delivers a message (MQTT dynamic registration): the broker sends it, then closes. */
export interface MqttReply {
  readonly topic: string;
  readonly payload: string;
}

export type MqttAdmission =
  | { readonly kind: 'session'; readonly session: MqttSession }
  | { readonly kind: 'reply'; readonly reply: MqttReply }
  | { readonly kind: 'refused'; readonly code: typeof CONNACK_BAD_CREDENTIALS | typeof CONNACK_NOT_AUTHORIZED; readonly reason: string };

/** One cloud's device authentication, registered with the broker through the registry. */
export type MqttRealmContext = Pick<AppContext, 'store' | 'secrets' | 'now'> & { readonly clock: Pick<EmulatorClock, 'signatureNow'>; readonly replayGuard: ReplayGuard };

export interface MqttRealm {
  readonly name: string;
  /** Whether a CONNECT's username is this cloud's form (the broker asks each realm in turn). */
  claims(connect: MqttConnect): boolean;
  /** `ctx.clock.signatureNow` judges credential expiry (real time unless the emulator clock is told otherwise); `ctx.now` stamps state. */
  admit(ctx: MqttRealmContext, connect: MqttConnect): Promise<MqttAdmission>;
}

export const refused = (code: typeof CONNACK_BAD_CREDENTIALS | typeof CONNACK_NOT_AUTHORIZED, reason: string): MqttAdmission => ({ kind: 'refused', code, reason });

/**
 * Whether a topic (or filter) is one of a device's own: one of `prefixes`, then the device's two
 * path segments, then the end or `/` and anything (wildcards included). Wildcards before the
 * device's segments never pass, so no filter reaches another device's topics.
 */
export function isDeviceTopic(topic: string, prefixes: readonly string[], owner: readonly [string, string]): boolean {
  const own = `${owner[0]}/${owner[1]}`;
  return prefixes.some((prefix) => {
    const head = `${prefix}${own}`;
    return topic === head || topic.startsWith(`${head}/`);
  });
}
