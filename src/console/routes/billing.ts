import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { balance, ledgerPage, type LedgerEntry, type LedgerFilter } from '../../billing/ledger.ts';
import { listVouchers } from '../../billing/vouchers.ts';
import type { KeysetPosition } from '../../storage/keyset.ts';
import { consoleRoute } from '../console-route.ts';
import { PagedQuery, keysetPage, pageAnswer, wholeList } from '../paging.ts';
import { AccountParams } from './params.ts';

const LedgerFilters = {
  kind: Type.Optional(Type.Union(['credit', 'debit', 'order', 'voucher', 'refund'].map((kind) => Type.Literal(kind)))),
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'entries made at or after (epoch ms)' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'entries made before (epoch ms)' })),
};
const LedgerCsvQuery = Type.Object(LedgerFilters, { additionalProperties: false });

const ledgerView = ({ accountId: _account, ...entry }: LedgerEntry) => entry;

const CSV_COLUMNS = ['seq', 'createdAt', 'kind', 'amount', 'balanceAfter', 'action', 'resource', 'deviceId', 'voucherId', 'requestId', 'note', 'id'] as const;

const csvField = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading = + - @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** The whole filtered ledger as CSV, a keyset page at a time: memory stays flat however long it is. */
async function* ledgerCsv(db: Kysely<Database>, accountId: string, filter: LedgerFilter): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\n`;
  let after: KeysetPosition | undefined;
  do {
    const page = await ledgerPage(db, accountId, filter, { after, limit: 1_000 });
    yield page.rows.map((entry) => `${CSV_COLUMNS.map((column) => csvField(entry[column])).join(',')}\n`).join('');
    after = page.next;
  } while (after);
}

export const billingRoutes = [
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/balance',
    access: 'own',
    schema: { params: AccountParams },
    handle: async ({ runtime, params }) => ({ accountId: params.accountId, balance: await balance(runtime.store.db, params.accountId) }),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/vouchers',
    access: 'own',
    schema: { params: AccountParams },
    handle: async ({ runtime, params }) => wholeList(await listVouchers(runtime.store.db, params.accountId)),
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/ledger',
    access: 'own',
    schema: { params: AccountParams, querystring: PagedQuery(LedgerFilters) },
    async handle({ runtime, params, query }) {
      const filter = { kind: query.kind as LedgerFilter['kind'], from: query.from, to: query.to };
      return pageAnswer(await ledgerPage(runtime.store.db, params.accountId, filter, keysetPage(query, ['number'])), ledgerView);
    },
  }),
  consoleRoute({
    method: 'GET',
    url: '/accounts/:accountId/ledger.csv',
    access: 'own',
    schema: { params: AccountParams, querystring: LedgerCsvQuery },
    async handle({ runtime, params, query, reply }) {
      const filter = { ...(query as Static<typeof LedgerCsvQuery>), kind: query.kind as LedgerFilter['kind'] };
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="ledger-${params.accountId}.csv"`)
        .send(Readable.from(ledgerCsv(runtime.store.db, params.accountId, filter)));
    },
  }),
];
