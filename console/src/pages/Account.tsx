import { useState } from 'react';
import { api, type Session } from '../api.ts';
import { ErrorNote, formatTime, SecretOnce, Section, submitWith, useAction, useLoad } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { Account, Key, NewKey, SubUser } from '../types.ts';

export interface AccountPageProps {
  readonly accountId: string;
  readonly session: Session;
}

/** One account: its keys (create, disable; a new secret shown once) and its sub-users with their payment permission. */
export function AccountPage({ accountId }: AccountPageProps) {
  const base = `/accounts/${accountId}`;
  const account = useLoad(() => api<Account>(base), base);
  const [refresh, setRefresh] = useState(0);
  const [cloud, setCloud] = useState<'tencent' | 'alibaba'>('tencent');
  const [newKey, setNewKey] = useState<NewKey | null>(null);
  const [userName, setUserName] = useState('');
  const [canPay, setCanPay] = useState(false);
  const bump = () => setRefresh((n) => n + 1);

  const createKey = useAction(async () => {
    setNewKey(await api<NewKey>(`${base}/keys`, { method: 'POST', body: { cloud } }));
    bump();
  });
  const disableKey = useAction(async (keyId: string) => {
    if (!confirm(`Disable key ${keyId}? Clients using it are refused at once.`)) return;
    await api(`${base}/keys/${keyId}/disable`, { method: 'POST' });
    bump();
  });
  const [userKey, setUserKey] = useState<NewKey | null>(null);
  const createUser = useAction(async () => {
    setUserKey((await api<{ user: SubUser; key: NewKey }>(`${base}/users`, { method: 'POST', body: { name: userName.trim(), canPay } })).key);
    setUserName('');
    bump();
  });
  const setPayment = useAction(async (user: SubUser) => {
    await api<SubUser>(`${base}/users/${user.id}`, { method: 'PATCH', body: { canPay: !user.canPay } });
    bump();
  });

  return (
    <>
      <Section title="Account">
        <ErrorNote error={account.error} />
        {account.data && (
          <dl className="facts">
            <dt>Name</dt>
            <dd>{account.data.name}</dd>
            <dt>Id</dt>
            <dd>
              <code>{account.data.id}</code>
            </dd>
            <dt>Status</dt>
            <dd>
              <span className={`badge ${account.data.status}`}>{account.data.status}</span>
            </dd>
            <dt>Identity verified</dt>
            <dd>{account.data.identityVerified ? 'yes' : 'no'}</dd>
            <dt>MNA authorised</dt>
            <dd>{account.data.mnaAuthorized ? 'yes' : 'no'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(account.data.createdAt)}</dd>
          </dl>
        )}
      </Section>
      <Section title="API keys">
        <form className="toolbar" onSubmit={submitWith(createKey.run)}>
          <label>
            Cloud
            <select value={cloud} onChange={(event) => setCloud(event.target.value as 'tencent' | 'alibaba')}>
              <option value="tencent">Tencent (SecretId / SecretKey)</option>
              <option value="alibaba">Alibaba (AccessKeyId / AccessKeySecret)</option>
            </select>
          </label>
          <button type="submit" disabled={createKey.busy}>
            {createKey.busy ? 'Creating…' : 'Create key'}
          </button>
        </form>
        <ErrorNote error={createKey.error ?? disableKey.error} />
        {newKey && <SecretOnce name={`Secret of ${newKey.keyId}`} value={newKey.secret} />}
        <PagedTable<Key>
          caption="Keys"
          path={`${base}/keys`}
          refresh={refresh}
          rowKey={(key) => key.keyId}
          columns={[
            { title: 'Key id', cell: (key) => <code>{key.keyId}</code> },
            { title: 'Cloud', cell: (key) => key.cloud },
            { title: 'Status', cell: (key) => <span className={`badge ${key.status}`}>{key.status}</span> },
            { title: 'Sub-user', cell: (key) => key.userId ?? '—' },
            { title: 'Created', cell: (key) => formatTime(key.createdAt) },
            {
              title: 'Actions',
              cell: (key) =>
                key.status === 'active' && (
                  <button type="button" className="danger" onClick={() => disableKey.run(key.keyId)}>
                    Disable
                  </button>
                ),
            },
          ]}
        />
      </Section>
      <Section title="Sub-users">
        <form className="toolbar" onSubmit={submitWith(createUser.run)}>
          <label>
            Name
            <input value={userName} onChange={(event) => setUserName(event.target.value)} required />
          </label>
          <label className="inline">
            <input type="checkbox" checked={canPay} onChange={(event) => setCanPay(event.target.checked)} /> may pay
          </label>
          <button type="submit" disabled={createUser.busy}>
            Add sub-user
          </button>
        </form>
        <ErrorNote error={createUser.error ?? setPayment.error} />
        {userKey && <SecretOnce name={`The new sub-user's key ${userKey.keyId}, secret`} value={userKey.secret} />}
        <PagedTable<SubUser>
          caption="Sub-users"
          path={`${base}/users`}
          refresh={refresh}
          rowKey={(user) => user.id}
          columns={[
            { title: 'Name', cell: (user) => user.name },
            { title: 'Id', cell: (user) => <code>{user.id}</code> },
            { title: 'Keys', cell: (user) => user.keyIds.join(', ') || '—' },
            { title: 'Payment', cell: (user) => (user.canPay ? 'may pay' : 'may not pay') },
            { title: 'Created', cell: (user) => formatTime(user.createdAt) },
            {
              title: 'Actions',
              cell: (user) => (
                <button type="button" className="secondary" onClick={() => setPayment.run(user)}>
                  {user.canPay ? 'Revoke payment' : 'Allow payment'}
                </button>
              ),
            },
          ]}
        />
      </Section>
    </>
  );
}
