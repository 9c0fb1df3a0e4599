import { useEffect, useState } from 'react';
import { api, streamUrl } from '../api.ts';
import { ChoiceFilter, ErrorNote, formatTime, Section, submitWith, useAction, useLoad } from '../components/common.tsx';
import type { Call } from '../types.ts';

const KEEP_CALLS = 200;

/** Emulator: the API calls served (live over SSE), fault injection and snapshots. */
export function EmulatorPage() {
  return (
    <>
      <LiveCalls />
      <Faults />
      <Snapshots />
    </>
  );
}

function LiveCalls() {
  const [calls, setCalls] = useState<Call[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const [error, setError] = useState<unknown>(null);
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) return;
    let source: EventSource | undefined;
    let closed = false;
    api<{ items: Call[] }>('/emulator/calls', { query: { limit: KEEP_CALLS } }).then(
      ({ items }) => {
        if (closed) return;
        setCalls(items);
        source = new EventSource(streamUrl('/emulator/calls/stream'));
        source.onopen = () => setState('live');
        source.onerror = () => setState('reconnecting');
        source.addEventListener('call', (event) => {
          const call = JSON.parse((event as MessageEvent<string>).data) as Call;
          setCalls((previous) => (previous.some((known) => known.seq === call.seq) ? previous : [call, ...previous].slice(0, KEEP_CALLS)));
        });
      },
      (caught: unknown) => setError(caught),
    );
    return () => {
      closed = true;
      source?.close();
    };
  }, [paused]);
  return (
    <Section
      title="Recent API calls"
      actions={
        <>
          <span className="muted" aria-live="polite">
            {paused ? 'paused' : state}
          </span>
          <button type="button" className="secondary" onClick={() => setPaused(!paused)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </>
      }
    >
      <ErrorNote error={error} />
      <div className="table-wrap">
        <table>
          <caption>The last {KEEP_CALLS} calls, newest first</caption>
          <thead>
            <tr>
              {['When', 'Cloud', 'Action', 'Account', 'Result', 'Latency', 'Request id'].map((title) => (
                <th key={title} scope="col">
                  {title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <tr key={call.seq} data-testid="call">
                <td data-label="When">{formatTime(call.at)}</td>
                <td data-label="Cloud">{call.cloud}</td>
                <td data-label="Action">
                  {call.product}.{call.action}
                </td>
                <td data-label="Account">{call.accountId ?? '—'}</td>
                <td data-label="Result">
                  <span className={`badge ${call.code === 'Success' || call.code === 'OK' ? 'active' : 'disabled'}`}>{call.code}</span>
                </td>
                <td data-label="Latency">{Math.round(call.latencyMs)} ms</td>
                <td data-label="Request id">
                  <code>{call.requestId}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

interface Fault {
  id: string;
  cloud?: string;
  product?: string;
  action?: string;
  account?: string;
  error?: string;
  latencyMs?: number;
  rate?: number;
  hits?: number;
  matched?: number;
  expiresAt?: number | string | null;
}

function Faults() {
  const [round, setRound] = useState(0);
  const faults = useLoad(() => api<{ faults: Fault[] }>('/emulator/faults'), String(round));
  const [form, setForm] = useState({ cloud: '', product: '', action: '', account: '', error: '', latencyMs: '', rate: '', calls: '' });
  const add = useAction(async () => {
    const body = {
      cloud: form.cloud || undefined,
      product: form.product || undefined,
      action: form.action || undefined,
      account: form.account || undefined,
      error: form.error || undefined,
      latencyMs: form.latencyMs ? Number(form.latencyMs) : undefined,
      rate: form.rate ? Number(form.rate) : undefined,
      calls: form.calls ? Number(form.calls) : undefined,
    };
    await api('/emulator/faults', { method: 'POST', body });
    setRound((n) => n + 1);
  });
  const clear = useAction(async () => {
    await api('/emulator/faults', { method: 'DELETE' });
    setRound((n) => n + 1);
  });
  const field = (name: keyof typeof form, label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} value={form[name]} onChange={(event) => setForm({ ...form, [name]: event.target.value })} step={type === 'number' ? 'any' : undefined} />
    </label>
  );
  return (
    <Section
      title="Fault injection"
      actions={
        <button type="button" className="danger" onClick={() => clear.run()} disabled={clear.busy}>
          Remove all faults
        </button>
      }
    >
      <form className="toolbar" onSubmit={submitWith(add.run)} aria-label="Add a fault">
        <ChoiceFilter label="Cloud" value={form.cloud} onChange={(cloud) => setForm({ ...form, cloud })} choices={[['tencent', 'tencent'], ['alibaba', 'alibaba']]} />
        {field('product', 'Product')}
        {field('action', 'Action')}
        {field('account', 'Account id')}
        {field('error', 'Error code')}
        {field('latencyMs', 'Latency (ms)', 'number')}
        {field('rate', 'Rate (0–1)', 'number')}
        {field('calls', 'For how many calls', 'number')}
        <button type="submit" disabled={add.busy}>
          Add fault
        </button>
      </form>
      <ErrorNote error={add.error ?? clear.error ?? faults.error} />
      {faults.data?.faults.length === 0 && <p className="muted">No faults: every call is served normally.</p>}
      <ul className="chips">
        {faults.data?.faults.map((fault) => (
          <li key={fault.id} className="fault">
            <code>{fault.id}</code> {[fault.cloud, fault.product, fault.action].filter(Boolean).join(' / ') || 'every call'} → {fault.error ?? ''}
            {fault.latencyMs ? ` +${fault.latencyMs} ms` : ''} {fault.rate !== undefined ? `at rate ${fault.rate}` : ''} · {fault.hits ?? 0} hits
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Snapshots() {
  const [round, setRound] = useState(0);
  const snapshots = useLoad(() => api<{ snapshots: { name: string; savedAt?: number | string; bytes?: number }[] }>('/emulator/snapshots'), String(round));
  const [name, setName] = useState('');
  const save = useAction(async () => {
    await api('/emulator/snapshots', { method: 'POST', body: { name: name.trim() } });
    setName('');
    setRound((n) => n + 1);
  });
  const restore = useAction(async (snapshot: string) => {
    if (!confirm(`Restore snapshot ${snapshot}? Every account's state is replaced by it.`)) return;
    await api(`/emulator/snapshots/${encodeURIComponent(snapshot)}/restore`, { method: 'POST' });
  });
  return (
    <Section title="Snapshots">
      <form className="toolbar" onSubmit={submitWith(save.run)}>
        <label>
          Name
          <input value={name} onChange={(event) => setName(event.target.value)} required pattern="[A-Za-z0-9._-]+" />
        </label>
        <button type="submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save snapshot'}
        </button>
      </form>
      <ErrorNote error={save.error ?? restore.error ?? snapshots.error} />
      {restore.busy && <p role="status">Restoring…</p>}
      <ul className="chips">
        {snapshots.data?.snapshots.map((snapshot) => (
          <li key={snapshot.name}>
            <code>{snapshot.name}</code> {snapshot.savedAt ? formatTime(Number(new Date(snapshot.savedAt))) : ''}{' '}
            <button type="button" className="secondary" onClick={() => restore.run(snapshot.name)} disabled={restore.busy}>
              Restore
            </button>
          </li>
        ))}
      </ul>
    </Section>
  );
}
