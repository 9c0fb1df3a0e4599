import { useState } from 'react';
import { api } from '../api.ts';
import { ChoiceFilter, CopyButton, ErrorNote, formatTime, Section, submitWith, useAction } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { HubDevice, HubProduct } from '../types.ts';
import type { AccountPageProps } from './Account.tsx';

const REGISTER_TYPE = { 0: 'off', 1: 'pre-created devices only', 2: 'creates devices' } as const;

/** IoT Hub: products with their dynamic registration settings and quota, ProductSecret on demand, devices with online state. */
export function IotHubPage({ accountId }: AccountPageProps) {
  const base = `/accounts/${accountId}/iothub/products`;
  const [product, setProduct] = useState<HubProduct | null>(null);
  const [refresh, setRefresh] = useState(0);
  return (
    <>
      <Section title="Products">
        <PagedTable<HubProduct>
          caption="IoT Hub products"
          path={base}
          refresh={refresh}
          searchLabel="Product name"
          rowKey={(row) => row.productId}
          columns={[
            { title: 'Product', cell: (row) => row.productName },
            { title: 'Id', cell: (row) => <code>{row.productId}</code> },
            { title: 'Auth', cell: (row) => (row.encryptionType === '1' ? 'certificate' : 'key') },
            { title: 'Dynamic registration', cell: (row) => REGISTER_TYPE[row.registerType] },
            { title: 'Registered / limit', cell: (row) => <Quota used={row.registeredCount} limit={row.registerLimit} /> },
            { title: 'Devices', cell: (row) => row.deviceCount.toLocaleString() },
            {
              title: 'Open',
              cell: (row) => (
                <button type="button" className="secondary" onClick={() => setProduct(row)} aria-label={`Open ${row.productName}`}>
                  Open
                </button>
              ),
            },
          ]}
        />
      </Section>
      {product && (
        <ProductDetail
          key={product.productId}
          base={`${base}/${product.productId}`}
          product={product}
          onChanged={(changed) => {
            setProduct(changed);
            setRefresh((n) => n + 1);
          }}
        />
      )}
    </>
  );
}

function Quota({ used, limit }: { used: number; limit: number }) {
  return (
    <span className="quota" data-testid="quota">
      <meter min={0} max={Math.max(limit, 1)} value={used} aria-label="registered against the limit" /> {used.toLocaleString()} / {limit.toLocaleString()}
    </span>
  );
}

function ProductDetail({ base, product, onChanged }: { base: string; product: HubProduct; onChanged: (product: HubProduct) => void }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [registerType, setRegisterType] = useState(String(product.registerType));
  const [registerLimit, setRegisterLimit] = useState(String(product.registerLimit));
  const [online, setOnline] = useState('');
  const reveal = useAction(async () => setSecret((await api<{ productSecret: string }>(`${base}/secret`, { method: 'POST' })).productSecret));
  const save = useAction(async () => onChanged(await api<HubProduct>(`${base}/dynamic-registration`, { method: 'PUT', body: { registerType: Number(registerType), registerLimit: Number(registerLimit) } })));
  return (
    <>
      <Section title={`Product ${product.productName}`}>
        <p>
          Dynamic registration: <strong>{REGISTER_TYPE[product.registerType]}</strong>, <Quota used={product.registeredCount} limit={product.registerLimit} /> registered so far.
        </p>
        <form className="toolbar" onSubmit={submitWith(save.run)} aria-label="Dynamic registration">
          <label>
            RegisterType
            <select value={registerType} onChange={(event) => setRegisterType(event.target.value)}>
              {Object.entries(REGISTER_TYPE).map(([value, label]) => (
                <option key={value} value={value}>
                  {value}: {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            RegisterLimit
            <input type="number" min={0} value={registerLimit} onChange={(event) => setRegisterLimit(event.target.value)} required />
          </label>
          <button type="submit" disabled={save.busy}>
            {save.busy ? 'Saving…' : 'Save'}
          </button>
        </form>
        <ErrorNote error={save.error} />
        <div className="toolbar">
          {secret === null ? (
            <button type="button" className="secondary" onClick={() => reveal.run()} disabled={reveal.busy}>
              Reveal ProductSecret
            </button>
          ) : (
            <>
              <span>
                ProductSecret: <code data-testid="product-secret">{secret}</code>
              </span>
              <CopyButton text={secret} />
              <button type="button" className="secondary" onClick={() => setSecret(null)}>
                Hide
              </button>
            </>
          )}
        </div>
        <ErrorNote error={reveal.error} />
      </Section>
      <Section title={`Devices of ${product.productName}`}>
        <PagedTable<HubDevice>
          caption="IoT Hub devices"
          path={`${base}/devices`}
          query={{ online }}
          searchLabel="Device name"
          filters={<ChoiceFilter label="State" value={online} onChange={setOnline} choices={[['true', 'online'], ['false', 'offline']]} />}
          rowKey={(device) => device.deviceName}
          columns={[
            { title: 'Device', cell: (device) => device.deviceName },
            { title: 'State', cell: (device) => <span className={`badge ${device.online ? 'online' : 'offline'}`}>{device.online ? 'online' : 'offline'}</span> },
            { title: 'Enabled', cell: (device) => (device.enabled ? 'yes' : 'no') },
            { title: 'Registered', cell: (device) => (device.dynamicRegistered ? 'dynamically' : 'created') },
            { title: 'Last login', cell: (device) => formatTime(device.loginAt) },
            { title: 'IP', cell: (device) => device.clientIp || '—' },
            { title: 'Firmware', cell: (device) => device.version || '—' },
          ]}
        />
      </Section>
    </>
  );
}
