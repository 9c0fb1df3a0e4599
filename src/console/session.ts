import { createHash, timingSafeEqual } from 'node:crypto';
import type { Runtime } from '../runtime.ts';
import type { Cloud } from '../core/tables.ts';

/** How long a console session lasts: a working day, then sign in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Binds a sealed session to its use: a sealed secret of another kind never opens as a session. */
const SESSION_CONTEXT = 'console.session.v1';

/** Who a console request acts as. */
export type Session =
  | {
      readonly role: 'admin';
      readonly expiresAt: number;
      /** Which admin token signed in: a session ends when the server's token is changed. */
      readonly adminTokenDigest: string;
    }
  | {
      readonly role: 'account';
      readonly accountId: string;
      /** The key signed in with: the session ends when it (or its account) is disabled. */
      readonly keyId: string;
      readonly cloud: Cloud;
      readonly userId: string | null;
      readonly expiresAt: number;
    };

/** Why a token or a sign-in is refused, as the console's error code says it. */
export class SessionRefused extends Error {
  constructor(
    readonly code: 'Unauthorized' | 'SessionExpired' | 'InvalidCredentials',
    message: string,
  ) {
    super(message);
  }
}

/** A short fingerprint of the admin token, sealed into admin sessions (the token itself never is). */
const adminTokenDigest = (token: string): string => createHash('sha256').update(token).digest('base64url').slice(0, 16);

const sameText = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export type SignIn = { readonly adminToken: string } | { readonly secretId: string; readonly secretKey: string };

/**
 * Checks an admin token or an API key pair (either cloud's, as the gateways look them up: a
 * disabled key or account is not found) and answers the session it opens, with its sealed token.
 * Sessions are stateless: the token carries them, sealed (AES-GCM) under the master key.
 */
export async function signIn(runtime: Runtime, credentials: SignIn): Promise<{ token: string; session: Session }> {
  const expiresAt = runtime.clock.realNow() + SESSION_TTL_MS;
  let session: Session;
  if ('adminToken' in credentials) {
    if (!runtime.adminToken || !sameText(credentials.adminToken, runtime.adminToken)) throw new SessionRefused('InvalidCredentials', 'the admin token is not valid');
    session = { role: 'admin', expiresAt, adminTokenDigest: adminTokenDigest(runtime.adminToken) };
  } else {
    const key = (await runtime.keyRing.find('tencent', credentials.secretId)) ?? (await runtime.keyRing.find('alibaba', credentials.secretId));
    if (!key || !sameText(credentials.secretKey, key.secret)) {
      throw new SessionRefused('InvalidCredentials', 'no active key with this id and secret (a disabled key or account cannot sign in)');
    }
    session = { role: 'account', accountId: key.accountId, keyId: key.keyId, cloud: key.cloud, userId: key.userId, expiresAt };
  }
  return { token: runtime.secrets.seal(JSON.stringify(session), SESSION_CONTEXT), session };
}

/** The session a bearer token carries, still valid now (its key still active); refused otherwise. */
export async function openSession(runtime: Runtime, token: string): Promise<Session> {
  let session: Session;
  try {
    session = JSON.parse(runtime.secrets.open(token, SESSION_CONTEXT)) as Session;
  } catch {
    throw new SessionRefused('Unauthorized', 'the session token is not valid: sign in again');
  }
  if (session.expiresAt <= runtime.clock.realNow()) throw new SessionRefused('SessionExpired', 'the session has expired: sign in again');
  if (session.role === 'admin' && (!runtime.adminToken || session.adminTokenDigest !== adminTokenDigest(runtime.adminToken))) {
    throw new SessionRefused('Unauthorized', 'the admin token has changed since this session signed in: sign in again');
  }
  if (session.role === 'account' && !(await runtime.keyRing.find(session.cloud, session.keyId))) {
    throw new SessionRefused('Unauthorized', 'the key this session signed in with, or its account, has been disabled');
  }
  return session;
}

/** What `GET /session` and the sign-in answer show: never the key. */
export const describeSession = (session: Session) => ({
  role: session.role,
  accountId: session.role === 'account' ? session.accountId : null,
  userId: session.role === 'account' ? session.userId : null,
  expiresAt: session.expiresAt,
});
