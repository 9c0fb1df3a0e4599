import { createHash } from 'node:crypto';
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
  /** The keep-alive the device asked for, in seconds (0: none). */
  readonly keepalive: number;
}

/** CONNACK return codes a device can read (MQTT 3.1.1 §3.2.2.3). */
export const CONNACK_SERVER_UNAVAILABLE = 3;
export const CONNACK_BAD_CREDENTIALS = 4;
export const CONNACK_NOT_AUTHORIZED = 5;

/** A device that holds a connection: its identity, its topics and its online state. */
export interface MqttSession {
  /** Unique across realms: a second connection with the same identity closes the first. */
  readonly identity: string;
  /** Whether the device may publish to or subscribe to a topic filter (its own topics only). */
  mayUse(topic: string): boolean;
  /**
   * Records the device online under `login`, a random token naming this connection (activating
   * the device on its first connect), so a stale connection's end never marks a newer one
   * offline. False when the device was deleted meanwhile (the connection is then refused).
   */
  online(login: string, now: number): Promise<boolean>;
  offline(login: string, now: number): Promise<void>;
  /**
   * What the realm's `standings` returns for this connection while it may stay: a digest of the
   * login and of the credential and access it was admitted with (see `standingOf`).
   */
  standing(login: string): string;
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
  /** The keep-alive range the cloud documents (seconds, inclusive) for a device's login; absent: any. */
  readonly keepaliveSeconds?: readonly [number, number];
  /** Whether a CONNECT's username is this cloud's form (the broker asks each realm in turn). */
  claims(connect: MqttConnect): boolean;
  /** `ctx.clock.signatureNow` judges credential expiry (real time unless the emulator clock is told otherwise); `ctx.now` stamps state. */
  admit(ctx: MqttRealmContext, connect: MqttConnect): Promise<MqttAdmission>;
  /**
   * Revalidation: the standings (`MqttSession.standing`) the devices holding these logins have
   * now, read in one query. A connection whose standing is missing was replaced by a newer login
   * (any node), or its device was deleted, disabled, reset or its credential revoked or changed.
   */
  standings(ctx: MqttRealmContext, logins: readonly string[]): Promise<ReadonlySet<string>>;
}

/**
 * A connection's standing: a digest of its login and what it was admitted on (credential, access
 * state), so revalidation compares short strings and holds no sealed secret in memory.
 */
export function standingOf(...parts: readonly (string | number | null)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
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
