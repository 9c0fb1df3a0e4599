import { useState } from 'react';
import { api } from '../api.ts';
import { Link } from '../router.tsx';
import { ChoiceFilter, ErrorNote, formatTime, SecretOnce, Section, submitWith, useAction } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { Account, NewKey } from '../types.ts';

/** Admin: every account, creating one (its first keys shown once) and disabling one. */
export function AccountsPage() {
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  const [refresh, setRefresh] = useState(0);
  const [created, setCreated] = useState<{ account: Account; keys: NewKey[] } | null>(null);
  const create = useAction(async () => {
    setCreated(await api<{ account: Account; keys: NewKey[] }>('/accounts', { method: 'POST', body: { name: name.trim() } }));
    setName('');
    setRefresh((n) => n + 1);
  });
  const disable = useAction(async (id: string) => {
    if (!confirm(`Disable account ${id}? Its keys stop working at once.`)) return;
    await api(`/accounts/${id}/disable`, { method: 'POST' });
    setRefresh((n) => n + 1);
  });
  return (
    <>
      <Section title="Create an account">
        <form className="toolbar" onSubmit={submitWith(create.run)}>
          <label>
            Name
            <input value={name} onChange={(event) => setName(event.target.value)} required />
          </label>
          <button type="submit" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create account'}
          </button>
        </form>
        <ErrorNote error={create.error} />
        {created && (
          <div>
            <p>
              Account <Link to={`/a/${created.account.id}`}>{created.account.name}</Link> ({created.account.id}) created with these keys:
            </p>
            {created.keys.map((key) => (
              <SecretOnce key={key.keyId} name={`${key.cloud} key ${key.keyId}`} value={key.secret} />
            ))}
          </div>
        )}
      </Section>
      <Section title="Accounts">
        <ErrorNote error={disable.error} />
        <PagedTable<Account>
          caption="Accounts"
          path="/accounts"
          query={{ status }}
          refresh={refresh}
          searchLabel="Name"
          filters={<ChoiceFilter label="Status" value={status} onChange={setStatus} choices={[['active', 'active'], ['disabled', 'disabled']]} />}
          rowKey={(account) => account.id}
          columns={[
            { title: 'Account', cell: (account) => <Link to={`/a/${account.id}`}>{account.name}</Link> },
            { title: 'Id', cell: (account) => <code>{account.id}</code> },
            { title: 'Status', cell: (account) => <span className={`badge ${account.status}`}>{account.status}</span> },
            { title: 'Verified', cell: (account) => (account.identityVerified ? 'yes' : 'no') },
            { title: 'Created', cell: (account) => formatTime(account.createdAt) },
            {
              title: 'Actions',
              cell: (account) =>
                account.status === 'active' && (
                  <button type="button" className="danger" onClick={() => disable.run(account.id)}>
                    Disable
                  </button>
                ),
            },
          ]}
        />
      </Section>
    </>
  );
}
