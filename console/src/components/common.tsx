import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api.ts';

/** What went wrong in plain words, with the code and the request id an operator can look up in the logs. */
export function ErrorNote({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <div className="error" role="alert">
      <strong>{apiError?.message ?? String((error as Error).message ?? error)}</strong>
      {apiError && (
        <span className="error-meta">
          {apiError.code}
          {apiError.requestId && <> · request id <code>{apiError.requestId}</code></>}
        </span>
      )}
    </div>
  );
}

export function ProgressBar({ value, max, label }: { value: number; max?: number; label: string }) {
  const percent = max ? Math.min(100, Math.round((value / max) * 100)) : undefined;
  return (
    <div className="progress">
      <progress value={max ? value : undefined} max={max} aria-label={label} />
      <span aria-live="polite">
        {label}: {value.toLocaleString()}
        {max ? ` of ${max.toLocaleString()} (${percent}%)` : ''}
      </span>
    </div>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(text).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" className="secondary" onClick={copy}>
      {copied ? 'Copied' : label}
    </button>
  );
}

/** A secret shown once: the value, a copy button and a warning that it will not be shown again. */
export function SecretOnce({ name, value }: { name: string; value: string }) {
  return (
    <div className="secret" role="status">
      <p>
        {name} (shown once, store it now): <code data-testid="secret">{value}</code>
      </p>
      <CopyButton text={value} />
    </div>
  );
}

/** Loads once per change of `key`, with the loading state and the error kept for the page to show. */
export function useLoad<T>(load: () => Promise<T>, key: string): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Runs an action from a button or a form: busy while it runs, its error kept for display. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>): { run: (...args: A) => Promise<T | undefined>; busy: boolean; error: unknown } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      return await action(...args);
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error };
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <header className="card-head">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export const formatTime = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—');
/** Money is kept in fen; shown in CNY. */
export const formatMoney = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

/** A form's submit handler running `run` (Enter in any field submits). */
export const submitWith =
  (run: () => unknown) =>
  (event: FormEvent): void => {
    event.preventDefault();
    void run();
  };

/** A list filter: a select whose first choice, "any", sends nothing. */
export function ChoiceFilter({ label, value, onChange, choices }: { label: string; value: string; onChange: (value: string) => void; choices: readonly (readonly [string, string])[] }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">any</option>
        {choices.map(([choice, text]) => (
          <option key={choice} value={choice}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
