import { useState } from 'react';
import { api, type Session } from '../api.ts';
import { ErrorNote, submitWith, useAction } from '../components/common.tsx';

/** Sign in with the admin token, or with an account's key (a Tencent SecretId or an Alibaba AccessKeyId and its secret). */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<'key' | 'admin'>('key');
  const [adminToken, setAdminToken] = useState('');
  const [secretId, setSecretId] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const { run, busy, error } = useAction(async () => {
    const body = mode === 'admin' ? { adminToken } : { secretId: secretId.trim(), secretKey };
    onSignedIn(await api<Session>('/session', { method: 'POST', body }));
  });
  return (
    <main id="main" className="signin">
      <h1>Fleetgate console</h1>
      <form onSubmit={submitWith(run)} className="card" aria-label="Sign in">
        <fieldset>
          <legend>Sign in with</legend>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'key'} onChange={() => setMode('key')} /> an account key
          </label>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'admin'} onChange={() => setMode('admin')} /> the admin token
          </label>
        </fieldset>
        {mode === 'admin' ? (
          <label>
            Admin token
            <input type="password" autoComplete="current-password" value={adminToken} onChange={(event) => setAdminToken(event.target.value)} required autoFocus />
          </label>
        ) : (
          <>
            <label>
              SecretId or AccessKeyId
              <input autoComplete="username" value={secretId} onChange={(event) => setSecretId(event.target.value)} required autoFocus />
            </label>
            <label>
              SecretKey or AccessKeySecret
              <input type="password" autoComplete="current-password" value={secretKey} onChange={(event) => setSecretKey(event.target.value)} required />
            </label>
          </>
        )}
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
