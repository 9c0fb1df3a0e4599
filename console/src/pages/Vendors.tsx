import { Link } from '../router.tsx';
import { formatTime, Section } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { Vendor } from '../types.ts';

/** Admin: every MNA vendor, with a link to its hardware. */
export function VendorsPage() {
  return (
    <Section title="MNA vendors">
      <PagedTable<Vendor>
        caption="Vendors"
        path="/mna/vendors"
        rowKey={(vendor) => vendor.accountId}
        columns={[
          { title: 'Vendor', cell: (vendor) => vendor.name },
          { title: 'Account', cell: (vendor) => <Link to={`/a/${vendor.accountId}/mna/hardware`}>{vendor.accountId}</Link> },
          { title: 'Registered', cell: (vendor) => formatTime(vendor.createdAt) },
        ]}
      />
    </Section>
  );
}
