import { useState } from 'react';
import { api, download } from '../api.ts';
import { ChoiceFilter, ErrorNote, formatMoney, formatTime, Section, submitWith, useAction, useLoad } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { LedgerEntry, Voucher } from '../types.ts';
import type { AccountPageProps } from './Account.tsx';

const KINDS = ['credit', 'debit', 'order', 'voucher', 'refund'] as const;

/** Balance, vouchers and the ledger (filter by kind and dates, export what is shown as CSV). */
export function BillingPage({ accountId }: AccountPageProps) {
  const base = `/accounts/${accountId}`;
  const balance = useLoad(() => api<{ balance: number }>(`${base}/balance`), base);
  const [filter, setFilter] = useState({ kind: '', from: '', to: '' });
  const [applied, setApplied] = useState(filter);
  const query = { kind: applied.kind, from: dayStart(applied.from), to: dayStart(applied.to, 1) };
  const exportCsv = useAction(() => download(`${base}/ledger.csv`, query, `ledger-${accountId}.csv`));
  return (
    <>
      <Section title="Balance">
        <ErrorNote error={balance.error} />
        {balance.data && (
          <p className="big" data-testid="balance">
            {formatMoney(balance.data.balance)}
          </p>
        )}
      </Section>
      <Section title="Vouchers">
        <PagedTable<Voucher>
          caption="Vouchers"
          path={`${base}/vouchers`}
          rowKey={(voucher) => voucher.id}
          columns={[
            { title: 'Voucher', cell: (voucher) => <code>{voucher.id}</code> },
            { title: 'Kind', cell: (voucher) => voucher.kind },
            { title: 'Remaining', cell: (voucher) => `${formatMoney(voucher.remaining)} of ${formatMoney(voucher.faceValue)}` },
            { title: 'Minimum order', cell: (voucher) => formatMoney(voucher.minOrderAmount) },
            { title: 'Expires', cell: (voucher) => formatTime(voucher.expiresAt) },
            { title: 'Note', cell: (voucher) => voucher.note || '—' },
          ]}
        />
      </Section>
      <Section
        title="Ledger"
        actions={
          <button type="button" className="secondary" onClick={() => exportCsv.run()} disabled={exportCsv.busy}>
            {exportCsv.busy ? 'Exporting…' : 'Export CSV'}
          </button>
        }
      >
        <form className="toolbar" onSubmit={submitWith(() => setApplied(filter))} aria-label="Filter the ledger">
          <ChoiceFilter label="Kind" value={filter.kind} onChange={(kind) => setFilter({ ...filter, kind })} choices={KINDS.map((kind) => [kind, kind])} />
          <label>
            From (UTC)
            <input type="date" value={filter.from} onChange={(event) => setFilter({ ...filter, from: event.target.value })} />
          </label>
          <label>
            To (UTC, inclusive)
            <input type="date" value={filter.to} onChange={(event) => setFilter({ ...filter, to: event.target.value })} />
          </label>
          <button type="submit">Filter</button>
        </form>
        <ErrorNote error={exportCsv.error} />
        <PagedTable<LedgerEntry>
          caption="Ledger entries"
          path={`${base}/ledger`}
          query={query}
          rowKey={(entry) => entry.id}
          columns={[
            { title: 'When', cell: (entry) => formatTime(entry.createdAt) },
            { title: 'Kind', cell: (entry) => entry.kind },
            { title: 'Amount', cell: (entry) => <span className={entry.amount < 0 ? 'negative' : undefined}>{formatMoney(entry.amount)}</span> },
            { title: 'Balance after', cell: (entry) => formatMoney(entry.balanceAfter) },
            { title: 'Action', cell: (entry) => entry.action || '—' },
            { title: 'Resource', cell: (entry) => entry.resource || entry.deviceId || '—' },
            { title: 'Request id', cell: (entry) => (entry.requestId ? <code>{entry.requestId}</code> : '—') },
            { title: 'Note', cell: (entry) => entry.note || '—' },
          ]}
        />
      </Section>
    </>
  );
}

/** A date input's day as epoch ms at 00:00 UTC, `plusDays` later; undefined when empty. */
function dayStart(day: string, plusDays = 0): number | undefined {
  if (day === '') return undefined;
  return Date.parse(`${day}T00:00:00Z`) + plusDays * 86_400_000;
}
