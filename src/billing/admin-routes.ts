import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { AdminModule } from '../admin/admin-module.ts';
import { AdminErrorBody, sendAccountNotFound, sendAdminError } from '../admin/errors.ts';
import { findAccount } from '../core/accounts.ts';
import { BalanceLimitExceeded, CURRENCY, InsufficientBalance, InvalidMovement, MAX_NOTE_LENGTH, balance, credit, ledger } from './ledger.ts';

const Fen = (description: string) => Type.Integer({ description: `${description}, in fen (0.01 ${CURRENCY})` });

const Balance = Type.Object({ balance: Fen('the balance, never negative'), currency: Type.Literal(CURRENCY) });

const LedgerEntry = Type.Object({
  id: Type.String({ description: '`le-` and 16 lowercase alphanumerics' }),
  accountId: Type.String(),
  seq: Type.Integer({ description: "1, 2, 3, … in the order the account's movements committed" }),
  kind: Type.Union([Type.Literal('credit'), Type.Literal('debit')]),
  amount: Fen('signed: positive credits, negative debits'),
  balanceAfter: Fen('the balance this movement left'),
  requestId: Type.Union([Type.String(), Type.Null()], { description: 'the API request that paid, if any' }),
  note: Type.Union([Type.String(), Type.Null()]),
  resource: Type.Union([Type.String(), Type.Null()], { description: 'what was paid for, if anything' }),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
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

/**
 * Account balances: `GET /accounts/{id}/balance`, `POST /accounts/{id}/credits` (a negative
 * amount debits) and `GET /accounts/{id}/ledger`, newest entry first.
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
};

function sendMovementError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof InvalidMovement) return sendAdminError(reply, 400, error.code, error.message);
  if (error instanceof InsufficientBalance || error instanceof BalanceLimitExceeded) return sendAdminError(reply, 409, error.code, error.message);
  throw error;
}
