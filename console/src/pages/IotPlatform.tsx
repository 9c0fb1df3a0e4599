import { useEffect, useState } from 'react';
import { api, type Page } from '../api.ts';
import { ErrorNote, formatTime, ProgressBar, Section, useAction, useLoad } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { IotDevice, IotInstance, IotJob, IotJobRow, IotProduct } from '../types.ts';
import type { AccountPageProps } from './Account.tsx';

/** IoT Platform: instances, products (with the dynamic registration switch), devices, and import/registration jobs live. */
export function IotPlatformPage({ accountId }: AccountPageProps) {
  const base = `/accounts/${accountId}/iot`;
  const instances = useLoad(() => api<Page<IotInstance>>(`${base}/instances`), base);
  const [instanceId, setInstanceId] = useState('');
  const [product, setProduct] = useState<IotProduct | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [jobId, setJobId] = useState<string | null>(null);
  const toggle = useAction(async (row: IotProduct) => {
    const changed = await api<IotProduct>(`${base}/products/${row.productKey}/dynamic-registration`, { method: 'PUT', body: { enabled: !row.dynamicRegistration } });
    if (product?.productKey === changed.productKey) setProduct(changed);
    setRefresh((n) => n + 1);
  });
  return (
    <>
      <Section title="Instances">
        <ErrorNote error={instances.error} />
        {instances.data?.items.length === 0 && <p className="muted">Only the public instance (no Enterprise instances).</p>}
        <ul className="chips">
          {instances.data?.items.map((instance) => (
            <li key={instance.id}>
              <button type="button" className={instanceId === instance.id ? '' : 'secondary'} aria-pressed={instanceId === instance.id} onClick={() => setInstanceId(instanceId === instance.id ? '' : instance.id)}>
                {instance.id} · {instance.productCount} products
              </button>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Products">
        <ErrorNote error={toggle.error} />
        <PagedTable<IotProduct>
          caption={instanceId ? `Products of ${instanceId}` : 'Products'}
          path={`${base}/products`}
          query={{ instanceId }}
          refresh={refresh}
          searchLabel="Product name"
          rowKey={(row) => row.productKey}
          columns={[
            { title: 'Product', cell: (row) => row.name },
            { title: 'ProductKey', cell: (row) => <code>{row.productKey}</code> },
            { title: 'Instance', cell: (row) => row.iotInstanceId ?? 'public' },
            { title: 'Devices', cell: (row) => row.deviceCount.toLocaleString() },
            {
              title: 'Dynamic registration',
              cell: (row) => (
                <button type="button" role="switch" aria-checked={row.dynamicRegistration} aria-label={`Dynamic registration of ${row.name}`} className={row.dynamicRegistration ? 'switch on' : 'switch'} onClick={() => toggle.run(row)} disabled={toggle.busy}>
                  {row.dynamicRegistration ? 'on' : 'off'}
                </button>
              ),
            },
            {
              title: 'Open',
              cell: (row) => (
                <button type="button" className="secondary" onClick={() => setProduct(row)} aria-label={`Open ${row.name}`}>
                  Devices & jobs
                </button>
              ),
            },
          ]}
        />
      </Section>
      <Jobs base={base} productKey={product?.productKey} onOpen={setJobId} />
      {jobId && <JobDetail key={jobId} base={base} applyId={jobId} />}
      {product && (
        <Section title={`Devices of ${product.name}`}>
          <PagedTable<IotDevice>
            caption="IoT Platform devices"
            path={`${base}/products/${product.productKey}/devices`}
            searchLabel="Device name"
            rowKey={(device) => device.iotId}
            columns={[
              { title: 'Device', cell: (device) => device.deviceName },
              { title: 'IotId', cell: (device) => <code>{device.iotId}</code> },
              { title: 'SN', cell: (device) => device.sn || '—' },
              { title: 'Status', cell: (device) => <span className={`badge ${device.online ? 'online' : 'offline'}`}>{device.status}</span> },
              { title: 'Activated', cell: (device) => formatTime(device.activatedAt) },
              { title: 'Created', cell: (device) => formatTime(device.createdAt) },
            ]}
          />
        </Section>
      )}
    </>
  );
}

/** Alibaba's apply states while it checks names or creates devices; then *_SUCCESS or *_FAILED. */
const RUNNING = new Set(['CHECK', 'CREATE']);

/** Import and registration jobs, newest first; running ones are polled until they finish. */
function Jobs({ base, productKey, onOpen }: { base: string; productKey: string | undefined; onOpen: (applyId: string) => void }) {
  const [tick, setTick] = useState(0);
  const jobs = useLoad(() => api<Page<IotJob>>(`${base}/jobs`, { query: { productKey, limit: 20 } }), `${base}:${productKey}:${tick}`);
  const running = jobs.data?.items.some((job) => RUNNING.has(job.status)) ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick((n) => n + 1), 500);
    return () => clearTimeout(timer);
  }, [running, tick]);
  return (
    <Section
      title="Import & registration jobs"
      actions={
        <button type="button" className="secondary" onClick={() => setTick((n) => n + 1)}>
          Refresh
        </button>
      }
    >
      <ErrorNote error={jobs.error} />
      {jobs.data?.items.length === 0 && <p className="muted">No jobs yet.</p>}
      <ul className="jobs">
        {jobs.data?.items.map((job) => (
          <li key={job.applyId} data-testid="iot-job" data-status={job.status}>
            <div>
              <strong>{job.kind}</strong> <code>{job.applyId}</code> on {job.productKey} · <span className="badge">{job.status}</span> · {formatTime(job.createdAt)}
            </div>
            <ProgressBar label="Rows processed" value={job.done} max={job.total} />
            {job.failure && <p className="error">{job.failure}</p>}
            <button type="button" className="secondary" onClick={() => onOpen(job.applyId)}>
              Valid and invalid rows
            </button>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function JobDetail({ base, applyId }: { base: string; applyId: string }) {
  const [valid, setValid] = useState(true);
  return (
    <Section
      title={`Job ${applyId}`}
      actions={
        <div role="group" aria-label="Rows">
          <button type="button" className={valid ? '' : 'secondary'} aria-pressed={valid} onClick={() => setValid(true)}>
            Valid
          </button>
          <button type="button" className={valid ? 'secondary' : ''} aria-pressed={!valid} onClick={() => setValid(false)}>
            Invalid
          </button>
        </div>
      }
    >
      <PagedTable<IotJobRow>
        caption={valid ? 'Valid rows' : 'Invalid rows'}
        path={`${base}/jobs/${applyId}/rows`}
        query={{ valid }}
        rowKey={(row) => `${row.deviceName}:${row.sn}:${row.iotId}`}
        columns={[
          { title: 'Device', cell: (row) => row.deviceName },
          { title: 'SN', cell: (row) => row.sn || '—' },
          { title: 'Nickname', cell: (row) => row.nickname || '—' },
          { title: 'IotId', cell: (row) => row.iotId || '—' },
          { title: 'State', cell: (row) => row.state },
        ]}
      />
    </Section>
  );
}
