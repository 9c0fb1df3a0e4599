import { StrictMode, useEffect, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { api, storedSession, storeSession, whenSessionLost, type Session } from './api.ts';
import { Link, navigate, usePath } from './router.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { AccountsPage } from './pages/Accounts.tsx';
import { AccountPage } from './pages/Account.tsx';
import { VendorsPage } from './pages/Vendors.tsx';
import { HardwarePage } from './pages/Hardware.tsx';
import { DevicesPage } from './pages/Devices.tsx';
import { LicensesPage } from './pages/Licenses.tsx';
import { BillingPage } from './pages/Billing.tsx';
import { IotHubPage } from './pages/IotHub.tsx';
import { IotPlatformPage } from './pages/IotPlatform.tsx';
import { EmulatorPage } from './pages/Emulator.tsx';
import './styles.css';

/** The pages of one account, under /a/{accountId}/… */
const ACCOUNT_PAGES = [
  { path: '', title: 'Keys & users', Page: AccountPage },
  { path: '/mna/hardware', title: 'MNA hardware', Page: HardwarePage },
  { path: '/mna/devices', title: 'MNA devices', Page: DevicesPage },
  { path: '/mna/licenses', title: 'Licenses & traffic', Page: LicensesPage },
  { path: '/billing', title: 'Balance & ledger', Page: BillingPage },
  { path: '/iothub', title: 'IoT Hub', Page: IotHubPage },
  { path: '/iot', title: 'IoT Platform', Page: IotPlatformPage },
] as const;

const ADMIN_PAGES = [
  { path: '/accounts', title: 'Accounts', Page: AccountsPage },
  { path: '/vendors', title: 'Vendors', Page: VendorsPage },
  { path: '/emulator', title: 'Emulator', Page: EmulatorPage },
] as const;

function App() {
  const [session, setSession] = useState<Session | null>(storedSession);
  const path = usePath();
  useEffect(() => whenSessionLost(() => signOut()), []);

  const signIn = (next: Session) => {
    storeSession(next);
    setSession(next);
    navigate(next.role === 'admin' ? '/accounts' : `/a/${next.accountId}`, { replace: true });
  };
  const signOut = () => {
    storeSession(null);
    setSession(null);
    navigate('/', { replace: true });
  };

  if (session === null) return <SignIn onSignedIn={signIn} />;

  const accountMatch = /^\/a\/([^/]+)(.*)$/.exec(path);
  const accountId = accountMatch?.[1] ?? (session.role === 'account' ? session.accountId : null);
  const accountPage = accountMatch && ACCOUNT_PAGES.find((page) => page.path === accountMatch[2]);
  const adminPage = session.role === 'admin' ? ADMIN_PAGES.find((page) => page.path === path) : undefined;
  if (!accountPage && !adminPage && path !== '/') return <Shell session={session} accountId={accountId} onSignOut={signOut} title="Not found"><p>No console page at {path}.</p></Shell>;
  if (!accountPage && !adminPage) {
    return <Redirect to={session.role === 'admin' ? '/accounts' : `/a/${session.accountId}`} />;
  }
  const title = accountPage?.title ?? adminPage?.title ?? '';
  return (
    <Shell session={session} accountId={accountId} onSignOut={signOut} title={title}>
      {accountPage && accountId ? <accountPage.Page key={accountId} accountId={accountId} session={session} /> : adminPage && <adminPage.Page />}
    </Shell>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Shell({ session, accountId, onSignOut, title, children }: { session: Session; accountId: string | null; onSignOut: () => void; title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Fleetgate console`;
  }, [title]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Fleetgate</span>
        <span className="who">
          {session.role === 'admin' ? 'Administrator' : `Account ${session.accountId}${session.userId ? ` · user ${session.userId}` : ''}`}
        </span>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Console">
        {session.role === 'admin' && (
          <ul>
            {ADMIN_PAGES.map((page) => (
              <li key={page.path}>
                <Link to={page.path}>{page.title}</Link>
              </li>
            ))}
          </ul>
        )}
        {accountId && (
          <>
            <p className="nav-account">Account {accountId}</p>
            <ul>
              {ACCOUNT_PAGES.map((page) => (
                <li key={page.path}>
                  <Link to={`/a/${accountId}${page.path}`}>{page.title}</Link>
                </li>
              ))}
            </ul>
          </>
        )}
      </nav>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

// The server checks a stored session on the first call; an expired one returns to sign-in.
if (storedSession()) void api('/session').catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
