import { formatMoney, formatTime, Section } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { FlowPackage, License } from '../types.ts';
import type { AccountPageProps } from './Account.tsx';

/** MNA licenses bought and traffic packages. */
export function LicensesPage({ accountId }: AccountPageProps) {
  const base = `/accounts/${accountId}/mna`;
  return (
    <>
      <Section title="Licenses">
        <PagedTable<License>
          caption="Licenses"
          path={`${base}/licenses`}
          rowKey={(license) => license.resourceId}
          columns={[
            { title: 'Resource', cell: (license) => <code>{license.resourceId}</code> },
            { title: 'Type', cell: (license) => (license.type === 0 ? 'SDK device' : 'CPE hardware') },
            { title: 'Device', cell: (license) => license.deviceId || '—' },
            { title: 'Amount', cell: (license) => formatMoney(license.amount) },
            { title: 'Voucher', cell: (license) => license.voucherId || '—' },
            { title: 'Request id', cell: (license) => <code>{license.requestId}</code> },
            { title: 'Bought', cell: (license) => formatTime(license.createdAt) },
          ]}
        />
      </Section>
      <Section title="Traffic packages">
        <PagedTable<FlowPackage>
          caption="Traffic packages"
          path={`${base}/flow-packages`}
          rowKey={(pack) => pack.resourceId}
          columns={[
            { title: 'Resource', cell: (pack) => <code>{pack.resourceId}</code> },
            { title: 'Type', cell: (pack) => pack.packageType },
            { title: 'Region', cell: (pack) => (pack.region === 0 ? 'mainland China' : 'outside mainland China') },
            { title: 'Capacity', cell: (pack) => `${pack.capacityMb.toLocaleString()} MB` },
            { title: 'Price', cell: (pack) => formatMoney(pack.price) },
            { title: 'Auto-renew', cell: (pack) => (pack.renewFlag ? 'yes' : 'no') },
            { title: 'Valid', cell: (pack) => `${formatTime(pack.activeAt)} → ${formatTime(pack.expireAt)}` },
          ]}
        />
      </Section>
    </>
  );
}
