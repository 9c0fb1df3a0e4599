import { Type } from '@sinclair/typebox';
import { AccountNameTaken, accountsPage, findAccount, setAccountStatus } from '../../core/accounts.ts';
import { createAccountWithKeys } from '../../core/bootstrap.ts';
import { createKey, disableKey, listKeys } from '../../core/credentials.ts';
import { createSubUser, listSubUsers, setCanPay } from '../../billing/users.ts';
import { ConsoleError, consoleRoute, notFound } from '../console-route.ts';
import { refusal } from '../refusal.ts';
import { describeSession, signIn, SessionRefused, type Session } from '../session.ts';
import { PagedQuery, Prefix, keysetPage, pageAnswer, wholeList } from '../paging.ts';
import { AccountParams } from './params.ts';

const SignInBody = Type.Union([
  Type.Object({ adminToken: Type.String({ minLength: 1, maxLength: 1_000 }) }, { additionalProperties: false }),
  Type.Object({ secretId: Type.String({ minLength: 1, maxLength: 128 }), secretKey: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
]);

/** Keys and sub-users are the account holder's to manage: a sub-user's session may not make itself more keys. */
function requireAccountHolder(session: Session): void {
  if (session.role === 'account' && session.userId !== null) throw new ConsoleError(403, 'Forbidden', "a sub-user's session cannot manage the account's keys or sub-users");
}

const AccountsQuery = PagedQuery({ q: Prefix, status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])) });
const KeyParams = Type.Object({ accountId: Type.String(), keyId: Type.String() });
const UserParams = Type.Object({ accountId: Type.String(), userId: Type.String() });

export const sessionRoutes = [
  consoleRoute({
    method: 'POST',
    url: '/session',
    access: 'public',
    schema: { body: SignInBody },
    async handle({ runtime, body, reply }) {
      try {
        const { token, session } = await signIn(runtime, body);
        return reply.code(201).send({ token, ...describeSession(session) });
      } catch (error) {
        if (error instanceof SessionRefused) throw new ConsoleError(401, error.code, error.message);
        throw error;
      }
    },
  }),
  consoleRoute({ method: 'GET', url: '/session', access: 'session', handle: async ({ session }) => describeSession(session) }),
];

export const accountRoutes = [
  consoleRoute({
    method: 'GET',
    url: '/accounts',
    access: 'admin',
    schema: { querystring: AccountsQuery },
    async handle({ runtime, query }) {
      return pageAnswer(await accountsPage(runtime.store.db, { prefix: query.q, status: query.status }, keysetPage(query, ['string'])), (account) => account);
    },
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts',
    access: 'admin',
    schema: { body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }) }, { additionalProperties: false }) },
    async handle({ runtime, body, reply }) {
      try {
        return reply.code(201).send(await createAccountWithKeys(runtime.store.db, runtime.secrets, { name: body.name, now: runtime.now() }));
      } catch (error) {
        if (error instanceof AccountNameTaken) throw new ConsoleError(409, 'AccountNameTaken', error.message);
        throw error;
      }
    },
  }),
  consoleRoute({ method: 'GET', url: '/accounts/:accountId', access: 'own', schema: { params: AccountParams }, handle: async ({ runtime, params }) => findAccount(runtime.store.db, params.accountId) }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/disable',
    access: 'admin',
    schema: { params: AccountParams },
    async handle({ runtime, params }) {
      await setAccountStatus(runtime.store.db, params.accountId, 'disabled');
      runtime.keyRing.forget();
      return findAccount(runtime.store.db, params.accountId);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/keys',
    access: 'own',
    schema: { params: AccountParams },
    handle: async ({ runtime, params }) => wholeList(await listKeys(runtime.store.db, params.accountId)),
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/keys',
    access: 'own',
    schema: { params: AccountParams, body: Type.Object({ cloud: Type.Union([Type.Literal('tencent'), Type.Literal('alibaba')]) }, { additionalProperties: false }) },
    async handle({ runtime, session, params, body, reply }) {
      requireAccountHolder(session);
      return reply.code(201).send(await createKey(runtime.store.db, runtime.secrets, { accountId: params.accountId, cloud: body.cloud, now: runtime.now() }));
    },
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/keys/:keyId/disable',
    access: 'own',
    schema: { params: KeyParams },
    async handle({ runtime, session, params }) {
      requireAccountHolder(session);
      const { accountId, keyId } = params;
      if (!(await disableKey(runtime.store.db, accountId, keyId))) throw notFound('KeyNotFound', `account ${accountId} has no key ${keyId}`);
      runtime.keyRing.forget(keyId);
      return (await listKeys(runtime.store.db, accountId)).find((key) => key.keyId === keyId);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/users',
    access: 'own',
    schema: { params: AccountParams },
    handle: async ({ runtime, params }) => wholeList(await listSubUsers(runtime.store.db, params.accountId)),
  }),
  consoleRoute({
    method: 'POST',
    url: '/accounts/:accountId/users',
    access: 'own',
    schema: {
      params: AccountParams,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }), canPay: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    },
    async handle({ runtime, session, params, body, reply }) {
      requireAccountHolder(session);
      try {
        const created = await createSubUser(runtime.store.db, runtime.secrets, { accountId: params.accountId, name: body.name, canPay: body.canPay ?? false, now: runtime.now() });
        return reply.code(201).send(created);
      } catch (error) {
        return refusal(error, { UserNameTaken: 409 });
      }
    },
  }),
  consoleRoute({
    method: 'PATCH',
    url: '/accounts/:accountId/users/:userId',
    access: 'own',
    schema: { params: UserParams, body: Type.Object({ canPay: Type.Boolean() }, { additionalProperties: false }) },
    async handle({ runtime, session, params, body }) {
      requireAccountHolder(session);
      try {
        await setCanPay(runtime.store.db, params.accountId, params.userId, body.canPay);
      } catch (error) {
        return refusal(error, { UserNotFound: 404 });
      }
      return (await listSubUsers(runtime.store.db, params.accountId)).find((user) => user.id === params.userId);
    },
  }),
];
