import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AdminModule } from './admin-module.ts';
import { AccountNameTaken, findAccount, listAccounts, setAccountFlags, setAccountStatus } from '../core/accounts.ts';
import { createAccountWithKeys } from '../core/bootstrap.ts';
import { KeyIdTaken, createKey, disableKey, listKeys } from '../core/credentials.ts';
import { AdminErrorBody, sendAccountNotFound, sendAdminError } from './errors.ts';

const Account = Type.Object({
  id: Type.String({ description: '12-digit account id' }),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
  identityVerified: Type.Boolean({ description: 'off: paying actions answer OperationDenied.UnauthorizedUser' }),
  mnaAuthorized: Type.Boolean({ description: "off: MNA's paying actions answer UnauthorizedOperation.NoPermission" }),
});

const Cloud = Type.Union([Type.Literal('tencent'), Type.Literal('alibaba')]);

const KeyInfo = Type.Object({
  keyId: Type.String({ description: 'Tencent SecretId or Alibaba AccessKeyId' }),
  accountId: Type.String(),
  cloud: Cloud,
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  createdAt: Type.Integer(),
});

const NewKey = Type.Composite([KeyInfo, Type.Object({ secret: Type.String({ description: 'shown only in this response' }) })]);

const AccountParams = Type.Object({ accountId: Type.String() });
const KeyParams = Type.Object({ accountId: Type.String(), keyId: Type.String() });
const CreateAccountBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }) }, { additionalProperties: false });
const AccountFlagsBody = Type.Object(
  {
    identityVerified: Type.Optional(Type.Boolean()),
    mnaAuthorized: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const CreateKeyBody = Type.Object(
  {
    cloud: Cloud,
    keyId: Type.Optional(Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9]+$' })),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 128 })),
  },
  { additionalProperties: false },
);

/** Accounts and their API keys: the tenants of Fleetgate and how they authenticate. */
export const accountsAdminModule: AdminModule = (app, runtime) => {
  const { db } = runtime.store;

  const requireAccount = async (accountId: string) => findAccount(db, accountId);

  app.post<{ Body: Static<typeof CreateAccountBody> }>(
    '/accounts',
    {
      schema: {
        summary: 'Create an account with one Tencent and one Alibaba key pair',
        tags: ['accounts'],
        body: CreateAccountBody,
        response: { 201: Type.Object({ account: Account, keys: Type.Array(NewKey) }), 409: AdminErrorBody },
      },
    },
    async (request, reply) => {
      try {
        const result = await createAccountWithKeys(db, runtime.secrets, { name: request.body.name, now: runtime.now() });
        return reply.code(201).send(result);
      } catch (error) {
        if (error instanceof AccountNameTaken) return sendAdminError(reply, 409, 'AccountNameTaken', error.message);
        throw error;
      }
    },
  );

  app.get('/accounts', { schema: { summary: 'List accounts', tags: ['accounts'], response: { 200: Type.Object({ accounts: Type.Array(Account) }) } } }, async () => ({
    accounts: await listAccounts(db),
  }));

  app.get<{ Params: Static<typeof AccountParams> }>(
    '/accounts/:accountId',
    { schema: { summary: 'Show an account', tags: ['accounts'], params: AccountParams, response: { 200: Account, 404: AdminErrorBody } } },
    async (request, reply) => {
      const account = await requireAccount(request.params.accountId);
      return account ?? sendAccountNotFound(reply, request.params.accountId);
    },
  );

  app.patch<{ Params: Static<typeof AccountParams>; Body: Static<typeof AccountFlagsBody> }>(
    '/accounts/:accountId',
    {
      schema: {
        summary: "Set an account's identity-verification and MNA-authorisation flags (both on for new accounts)",
        tags: ['accounts'],
        params: AccountParams,
        body: AccountFlagsBody,
        response: { 200: Account, 400: AdminErrorBody, 404: AdminErrorBody },
      },
    },
    async (request, reply) => {
      if (!(await setAccountFlags(db, request.params.accountId, request.body))) return sendAccountNotFound(reply, request.params.accountId);
      return requireAccount(request.params.accountId);
    },
  );

  app.post<{ Params: Static<typeof AccountParams> }>(
    '/accounts/:accountId/disable',
    { schema: { summary: 'Disable an account: all its keys stop authenticating', tags: ['accounts'], params: AccountParams, response: { 200: Account, 404: AdminErrorBody } } },
    async (request, reply) => {
      if (!(await setAccountStatus(db, request.params.accountId, 'disabled'))) return sendAccountNotFound(reply, request.params.accountId);
      runtime.keyRing.forget();
      return requireAccount(request.params.accountId);
    },
  );

  app.post<{ Params: Static<typeof AccountParams>; Body: Static<typeof CreateKeyBody> }>(
    '/accounts/:accountId/keys',
    {
      schema: {
        summary: 'Create a key pair (the secret is returned only here)',
        tags: ['keys'],
        params: AccountParams,
        body: CreateKeyBody,
        response: { 201: NewKey, 404: AdminErrorBody, 409: AdminErrorBody },
      },
    },
    async (request, reply) => {
      if (!(await requireAccount(request.params.accountId))) return sendAccountNotFound(reply, request.params.accountId);
      try {
        const key = await createKey(db, runtime.secrets, { accountId: request.params.accountId, ...request.body, now: runtime.now() });
        return reply.code(201).send(key);
      } catch (error) {
        if (error instanceof KeyIdTaken) return sendAdminError(reply, 409, 'KeyIdTaken', error.message);
        throw error;
      }
    },
  );

  app.get<{ Params: Static<typeof AccountParams> }>(
    '/accounts/:accountId/keys',
    { schema: { summary: "List an account's keys (never their secrets)", tags: ['keys'], params: AccountParams, response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }), 404: AdminErrorBody } } },
    async (request, reply) => {
      if (!(await requireAccount(request.params.accountId))) return sendAccountNotFound(reply, request.params.accountId);
      return { keys: await listKeys(db, request.params.accountId) };
    },
  );

  app.get<{ Params: Static<typeof KeyParams> }>(
    '/accounts/:accountId/keys/:keyId',
    { schema: { summary: 'Show a key (never its secret)', tags: ['keys'], params: KeyParams, response: { 200: KeyInfo, 404: AdminErrorBody } } },
    async (request, reply) => {
      const { accountId, keyId } = request.params;
      const key = (await listKeys(db, accountId)).find((k) => k.keyId === keyId);
      return key ?? keyNotFound(reply, accountId, keyId);
    },
  );

  app.post<{ Params: Static<typeof KeyParams> }>(
    '/accounts/:accountId/keys/:keyId/disable',
    { schema: { summary: 'Disable a key', tags: ['keys'], params: KeyParams, response: { 200: Type.Object({ keyId: Type.String(), status: Type.Literal('disabled') }), 404: AdminErrorBody } } },
    async (request, reply) => {
      const { accountId, keyId } = request.params;
      if (!(await disableKey(db, accountId, keyId))) return keyNotFound(reply, accountId, keyId);
      runtime.keyRing.forget(keyId);
      return { keyId, status: 'disabled' as const };
    },
  );
};

function keyNotFound(reply: FastifyReply, accountId: string, keyId: string) {
  return sendAdminError(reply, 404, 'KeyNotFound', `account ${accountId} has no key ${keyId}`);
}
