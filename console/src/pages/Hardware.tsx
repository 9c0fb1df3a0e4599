import { useEffect, useState } from 'react';
import { api, apiText, ApiError, parseCsv, upload } from '../api.ts';
import { BarChart } from '../components/BarChart.tsx';
import { ChoiceFilter, ErrorNote, formatTime, ProgressBar, Section, submitWith, useAction, useLoad } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { Hardware, ImportJob, Vendor } from '../types.ts';
import type { AccountPageProps } from './Account.tsx';

const STATUS = { 1: 'to be activated', 2: 'activated' } as const;
const CHARGING = { 1: 'vendor pays, yearly', 2: 'vendor pays, lifetime', 3: 'customer pays' } as const;

/** MNA for a vendor: its registration, its hardware (SN search, status filter), CSV imports and activations over time. */
export function HardwarePage({ accountId }: AccountPageProps) {
  const base = `/accounts/${accountId}/mna`;
  const vendor = useLoad(() => api<Vendor>(`${base}/vendor`).catch((error: unknown) => (error instanceof ApiError && error.code === 'VendorNotFound' ? null : Promise.reject(error))), base);
  const [refresh, setRefresh] = useState(0);
  const [status, setStatus] = useState('');
  const bump = () => setRefresh((n) => n + 1);
  return (
    <>
      <Section title="Vendor">
        <ErrorNote error={vendor.error} />
        {vendor.data === null && <RegisterVendor base={base} onRegistered={vendor.reload} />}
        {vendor.data && (
          <p>
            Registered as vendor <strong data-testid="vendor-name">{vendor.data.name}</strong> since {formatTime(vendor.data.createdAt)}.
          </p>
        )}
      </Section>
      {vendor.data && (
        <>
          <ImportHardware accountId={accountId} onImported={bump} />
          <Activations base={base} refresh={refresh} />
          <Section title="Hardware">
            <PagedTable<Hardware>
              caption="Hardware"
              path={`${base}/hardware`}
              query={{ status }}
              refresh={refresh}
              searchLabel="SN"
              filters={<ChoiceFilter label="Status" value={status} onChange={setStatus} choices={Object.entries(STATUS)} />}
              rowKey={(hardware) => hardware.hardwareId}
              columns={[
                { title: 'SN', cell: (hardware) => <code>{hardware.sn}</code> },
                { title: 'Status', cell: (hardware) => <span className={`badge s${hardware.status}`}>{STATUS[hardware.status]}</span> },
                { title: 'Charging', cell: (hardware) => CHARGING[hardware.licenseChargingMode] },
                { title: 'Device', cell: (hardware) => hardware.deviceName ?? hardware.deviceId ?? '—' },
                { title: 'Description', cell: (hardware) => hardware.description || '—' },
                { title: 'Activated', cell: (hardware) => formatTime(hardware.activatedAt) },
                { title: 'Added', cell: (hardware) => formatTime(hardware.createdAt) },
              ]}
            />
          </Section>
        </>
      )}
    </>
  );
}

function RegisterVendor({ base, onRegistered }: { base: string; onRegistered: () => void }) {
  const [name, setName] = useState('');
  const register = useAction(async () => {
    await api<Vendor>(`${base}/vendor`, { method: 'POST', body: { name: name.trim() } });
    onRegistered();
  });
  return (
    <form className="toolbar" onSubmit={submitWith(register.run)}>
      <p>This account is not an MNA vendor yet. Register it to upload hardware SNs.</p>
      <label>
        Vendor name
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <button type="submit" disabled={register.busy}>
        Register vendor
      </button>
      <ErrorNote error={register.error} />
    </form>
  );
}

/** Uploads an SN CSV with a progress bar for the bytes, then for the rows the server has read, then the rejected rows. */
function ImportHardware({ accountId, onImported }: { accountId: string; onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState('1');
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [rows, setRows] = useState(0);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [report, setReport] = useState<string[][] | null>(null);
  const importFile = useAction(async (chosen: File) => {
    setJob(null);
    setReport(null);
    const text = await chosen.text();
    // Rows to expect, for the bar: non-empty lines less a header naming the SN column.
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    setRows(lines.length - (/^\s*"?sn"?\s*(,|$)/i.test(lines[0] ?? '') ? 1 : 0));
    const started = await upload<ImportJob>(`/accounts/${accountId}/mna/hardware/imports`, { licenseChargingMode: mode }, chosen, 'text/csv', (done, total) => setSent({ sent: done, total }));
    let current = started;
    setJob(current);
    while (current.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await api<ImportJob>(`/accounts/${accountId}/imports/${started.importId}`);
      setJob(current);
    }
    if (current.rejected > 0) setReport(parseCsv(await apiText(`/accounts/${accountId}/imports/${started.importId}/report`)).slice(1));
    onImported();
  });
  return (
    <Section title="Upload SNs (CSV)">
      <form className="toolbar" onSubmit={submitWith(() => file && importFile.run(file))}>
        <label>
          CSV file (columns SN[,LicenseChargingMode][,Description])
          <input type="file" accept=".csv,text/csv" onChange={(event) => setFile(event.target.files?.[0] ?? null)} required />
        </label>
        <label>
          Default charging mode
          <select value={mode} onChange={(event) => setMode(event.target.value)}>
            {Object.entries(CHARGING).map(([value, label]) => (
              <option key={value} value={value}>
                {value}: {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={importFile.busy || !file}>
          {importFile.busy ? 'Importing…' : 'Upload'}
        </button>
      </form>
      {sent && !job && <ProgressBar label="Bytes sent" value={sent.sent} max={sent.total} />}
      {job && <ProgressBar label={job.status === 'running' ? 'Rows read' : `Import ${job.status}, rows read`} value={job.read} max={Math.max(rows, job.read)} />}
      {job && job.status !== 'running' && (
        <p data-testid="import-summary" role="status">
          Import {job.status}: {job.valid.toLocaleString()} valid, {job.written.toLocaleString()} added, {job.rejected.toLocaleString()} rejected.
          {job.failure && ` ${job.failure}`}
        </p>
      )}
      <ErrorNote error={importFile.error} />
      {report && report.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>Rejected rows</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">SN</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {report.map(([line, key, reason]) => (
                <tr key={line}>
                  <td>{line}</td>
                  <td>{key}</td>
                  <td>{reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function Activations({ base, refresh }: { base: string; refresh: number }) {
  const [bucket, setBucket] = useState<'day' | 'week' | 'month'>('day');
  const histogram = useLoad(() => api<{ buckets: { start: number; count: number }[] }>(`${base}/activations/histogram`, { query: { bucket } }), `${base}:${bucket}:${refresh}`);
  // Activations happen through the SDK while the page is open: refresh the chart now and then.
  useEffect(() => {
    const timer = setInterval(histogram.reload, 15_000);
    return () => clearInterval(timer);
  }, [histogram.reload]);
  const format = (start: number) => new Date(start).toISOString().slice(bucket === 'month' ? 0 : 5, bucket === 'month' ? 7 : 10);
  return (
    <Section
      title="Activations over time"
      actions={
        <label>
          Per
          <select value={bucket} onChange={(event) => setBucket(event.target.value as 'day' | 'week' | 'month')}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
      }
    >
      <ErrorNote error={histogram.error} />
      {histogram.data && <BarChart buckets={histogram.data.buckets} label="Hardware activated" format={format} />}
    </Section>
  );
}
