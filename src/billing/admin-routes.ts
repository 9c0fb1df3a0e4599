import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AdminModule } from '../admin/admin-module.ts';
import { AdminErrorBody, sendAccountNotFound, sendAdminError } from '../admin/errors.ts';
import { findAccount } from '../core/accounts.ts';
import { StoreRefusal } from '../storage/store-refusal.ts';
import { BalanceLimitExceeded, CURRENCY, InsufficientBalance, InvalidMovement, MAX_NOTE_LENGTH, balance, credit, ledger } from './ledger.ts';
import { listPrices, setPrices } from './prices.ts';
import { issueVoucher, listVouchers } from './vouchers.ts';
import { createSubUser, listSubUsers, setCanPay } from './users.ts';

const Fen = (description: string) => Type.Integer({ description: `${description}, in fen (0.01 ${CURRENCY})` });

const Balance = Type.Object({ balance: Fen('the balance, never negative'), currency: Type.Literal(CURRENCY) });

const LedgerEntry = Type.Object({
  id: Type.String({ description: '`le-` and 16 lowercase alphanumerics' }),
  accountId: Type.String(),
  seq: Type.Integer({ description: "1, 2, 3, … in the order the account's movements committed" }),
  kind: Type.Union(['credit', 'debit', 'order', 'voucher', 'refund'].map((kind) => Type.Literal(kind)), {
    description: "credit/debit: an operator's; order: an order's charge; voucher: the part of the order after it a voucher paid; refund",
  }),
  amount: Fen('signed: positive credits, negative debits'),
  balanceAfter: Fen('the balance this movement left'),
  requestId: Type.Union([Type.String(), Type.Null()], { description: 'the API request that paid, if any' }),
  note: Type.Union([Type.String(), Type.Null()]),
  resource: Type.Union([Type.String(), Type.Null()], { description: 'what was paid for, if anything' }),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
  action: Type.Union([Type.String(), Type.Null()], { description: 'the cloud action that paid, e.g. OrderPerLicense' }),
  deviceId: Type.Union([Type.String(), Type.Null()], { description: 'the device the order was for' }),
  voucherId: Type.Union([Type.String(), Type.Null()], { description: 'the voucher a `voucher` entry drew on' }),
});

const AccountParams = Type.Object({ accountId: Type.String() });
// The amount's own rules (a non-zero safe integer) are checked by the ledger, which words them for people.
const CreditBody = Type.Object(
  {
    amount: Type.Integer({ description: `fen (0.01 ${CURRENCY}); negative debits, never below a zero balance; not 0` }),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
  },
  { additionalProperties: false },
);
const LedgerQuery = Type.Object(
  {
    offset: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

const Price = Type.Object({ item: Type.String({ description: '`<product>.<item>`, e.g. mna.license.permanent.0 (src/billing/README.md)' }), amount: Fen('the price'), updatedAt: Type.Integer() });
const PricesBody = Type.Object(
  { prices: Type.Record(Type.String(), Type.Integer(), { description: 'item → price in fen (positive); only items of the list' }) },
  { additionalProperties: false },
);

const VoucherKind = Type.Union([Type.Literal('cash'), Type.Literal('deduction')]);
const Voucher = Type.Object({
  id: Type.String({ description: '`v-` and 12 lowercase alphanumerics' }),
  accountId: Type.String(),
  kind: VoucherKind,
  faceValue: Fen('the face value'),
  remaining: Fen('what is left to spend'),
  minOrderAmount: Fen('deduction vouchers: the smallest order they pay towards (0 for cash)'),
  expiresAt: Type.Integer({ description: 'epoch milliseconds; usable strictly before' }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Integer(),
});
const VoucherBody = Type.Object(
  {
    kind: VoucherKind,
    faceValue: Type.Integer({ minimum: 1 }),
    minOrderAmount: Type.Optional(Type.Integer({ minimum: 0 })),
    expiresAt: Type.Integer({ description: 'epoch milliseconds, in the future' }),
    note: Type.Optional(Type.String({ maxLength: MAX_NOTE_LENGTH })),
  },
  { additionalProperties: false },
);

const SubUser = Type.Object({
  id: Type.String({ description: '`sub-` and 12 lowercase alphanumerics' }),
  accountId: Type.String(),
  name: Type.String(),
  canPay: Type.Boolean({ description: 'off: paying actions answer OperationDenied.NotAllowedToPay' }),
  createdAt: Type.Integer(),
  keyIds: Type.Array(Type.String(), { description: 'its Tencent SecretIds' }),
});
const SubUserBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }), canPay: Type.Boolean() },
  { additionalProperties: false },
);
const SubUserParams = Type.Object({ accountId: Type.String(), userId: Type.String() });
const SubUserPatch = Type.Object({ canPay: Type.Boolean() }, { additionalProperties: false });

/**
 * Account balances: `GET /accounts/{id}/balance`, `POST /accounts/{id}/credits` (a negative
 * amount debits) and `GET /accounts/{id}/ledger`, newest entry first; the price list
 * (`GET/PUT /prices`), vouchers (`POST/GET /accounts/{id}/vouchers`) and sub-users
 * (`POST/GET /accounts/{id}/users`, `PATCH /accounts/{id}/users/{userId}`).
 */
export const billingAdminModule: AdminModule = (app, ctx) => {
  const { db } = ctx.store;
  const accountExists = async (accountId: string) => (await findAccount(db, accountId)) !== undefined;

  app.get<{ Params: Static<typeof AccountParams> }>(
    '/accounts/:accountId/balance',
    { schema: { summary: "Show an account's balance", tags: ['billing'], params: AccountParams, response: { 200: Balance, 404: AdminErrorBody } } },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) return sendAccountNotFound(reply, accountId);
      return { balance: await balance(db, accountId), currency: CURRENCY };
    },
  );

  app.post<{ Params: Static<typeof AccountParams>; Body: Static<typeof CreditBody> }>(
    '/accounts/:accountId/credits',
    {
      schema: {
        summary: 'Credit an account (a negative amount debits it, never below zero)',
        tags: ['billing'],
        params: AccountParams,
        body: CreditBody,
        response: { 201: Type.Composite([Balance, Type.Object({ entry: LedgerEntry })]), 400: AdminErrorBody, 404: AdminErrorBody, 409: AdminErrorBody },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) return sendAccountNotFound(reply, accountId);
      try {
        const entry = await credit(ctx.store, accountId, request.body.amount, request.body.note, ctx.now());
        return reply.code(201).send({ balance: entry.balanceAfter, currency: CURRENCY, entry });
      } catch (error) {
        return sendMovementError(reply, error);
      }
    },
  );

  app.get<{ Params: Static<typeof AccountParams>; Querystring: Static<typeof LedgerQuery> }>(
    '/accounts/:accountId/ledger',
    {
      schema: {
        summary: "An account's ledger, newest entry first",
        tags: ['billing'],
        params: AccountParams,
        querystring: LedgerQuery,
        response: { 200: Type.Object({ entries: Type.Array(LedgerEntry), total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer() }), 404: AdminErrorBody },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) return sendAccountNotFound(reply, accountId);
      const { offset, limit } = request.query;
      return { ...(await ledger(db, accountId, { offset, limit })), offset, limit };
    },
  );

  app.get('/prices', { schema: { summary: 'The price list', tags: ['billing'], response: { 200: Type.Object({ prices: Type.Array(Price) }) } } }, async () => ({
    prices: await listPrices(db),
  }));

  app.put<{ Body: Static<typeof PricesBody> }>(
    '/prices',
    {
      schema: {
        summary: 'Set prices of items of the list, all or none',
        tags: ['billing'],
        body: PricesBody,
        response: { 200: Type.Object({ prices: Type.Array(Price) }), 400: AdminErrorBody },
      },
    },
    async (request, reply) => {
      try {
        return { prices: await setPrices(ctx.store, request.body.prices, ctx.now()) };
      } catch (error) {
        return sendRefusal(reply, error, 400);
      }
    },
  );

  app.post<{ Params: Static<typeof AccountParams>; Body: Static<typeof VoucherBody> }>(
    '/accounts/:accountId/vouchers',
    {
      schema: {
        summary: 'Issue a voucher to an account',
        tags: ['billing'],
        params: AccountParams,
        body: VoucherBody,
        response: { 201: Voucher, 400: AdminErrorBody, 404: AdminErrorBody },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) return sendAccountNotFound(reply, accountId);
      try {
        return reply.code(201).send(await issueVoucher(db, { ...request.body, accountId, now: ctx.now() }));
      } catch (error) {
        return sendRefusal(reply, error, 400);
      }
    },
  );

  app.get<{ Params: Static<typeof AccountParams> }>(
    '/accounts/:accountId/vouchers',
    { schema: { summary: "An account's vouchers, newest first", tags: ['billing'], params: AccountParams, response: { 200: Type.Object({ vouchers: Type.Array(Voucher) }), 404: AdminErrorBody } } },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) return sendAccountNotFound(reply, accountId);
      return { vouchers: await listVouchers(db, accountId) };
    },
  );

  app.post<{ Params: Static<typeof AccountParams>; Body: Static<typeof SubUserBody> }>(
    '/accounts/:accountId/users',
    {
      schema: {
        summary: 'Create a sub-user with its own Tencent key pair (the secret is shown only here)',
        tags: ['billing'],
        params: AccountParams,
        body: SubUserBody,
        response: { 201: Type.Object({ user: SubUser, key: Type.Object({ keyId: Type.String(), secret: Type.String({ description: 'shown only in this response' }) }) }), 404: AdminErrorBody, 409: AdminErrorBody },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) return sendAccountNotFound(reply, accountId);
      try {
        const { user, key } = await createSubUser(db, ctx.secrets, { accountId, ...request.body, now: ctx.now() });
        return reply.code(201).send({ user, key: { keyId: key.keyId, secret: key.secret } });
      } catch (error) {
        return sendRefusal(reply, error, 409);
      }
    },
  );

  app.get<{ Params: Static<typeof AccountParams> }>(
    '/accounts/:accountId/users',
    { schema: { summary: "An account's sub-users", tags: ['billing'], params: AccountParams, response: { 200: Type.Object({ users: Type.Array(SubUser) }), 404: AdminErrorBody } } },
    async (request, reply) => {
      const { accountId } = request.params;
      if (!(await accountExists(accountId))) return sendAccountNotFound(reply, accountId);
      return { users: await listSubUsers(db, accountId) };
    },
  );

  app.patch<{ Params: Static<typeof SubUserParams>; Body: Static<typeof SubUserPatch> }>(
    '/accounts/:accountId/users/:userId',
    {
      schema: {
        summary: "Grant or withdraw a sub-user's payment permission",
        tags: ['billing'],
        params: SubUserParams,
        body: SubUserPatch,
        response: { 200: SubUser, 404: AdminErrorBody },
      },
    },
    async (request, reply) => {
      const { accountId, userId } = request.params;
      try {
        await setCanPay(db, accountId, userId, request.body.canPay);
      } catch (error) {
        return sendRefusal(reply, error, 404);
      }
      return (await listSubUsers(db, accountId)).find((user) => user.id === userId);
    },
  );
};

/** A store's refusal as an admin error with its reason as the code. */
function sendRefusal(reply: FastifyReply, error: unknown, status: number): FastifyReply {
  if (error instanceof StoreRefusal) return sendAdminError(reply, status, error.reason, error.message);
  throw error;
}

function sendMovementError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof InvalidMovement) return sendAdminError(reply, 400, error.code, error.message);
  if (error instanceof InsufficientBalance || error instanceof BalanceLimitExceeded) return sendAdminError(reply, 409, error.code, error.message);
  throw error;
}
