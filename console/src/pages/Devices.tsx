import { useState } from 'react';
import { formatTime, Section } from '../components/common.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import type { Group, MnaDevice } from '../types.ts';
import type { AccountPageProps } from './Account.tsx';

const ACCESS_SCOPE = ['own network', 'public network', 'both'];

/** MNA devices (search by name, filter by group) and groups; choosing a group shows its devices. */
export function DevicesPage({ accountId }: AccountPageProps) {
  const base = `/accounts/${accountId}/mna`;
  const [groupId, setGroupId] = useState('');
  return (
    <>
      <Section title="Devices">
        <PagedTable<MnaDevice>
          caption={groupId ? `Devices of group ${groupId}` : 'Devices'}
          path={`${base}/devices`}
          query={{ groupId }}
          searchLabel="Device name"
          filters={
            groupId && (
              <button type="button" className="secondary" onClick={() => setGroupId('')}>
                All groups
              </button>
            )
          }
          rowKey={(device) => device.deviceId}
          columns={[
            { title: 'Name', cell: (device) => device.deviceName },
            { title: 'Device id', cell: (device) => <code>{device.deviceId}</code> },
            { title: 'Hardware', cell: (device) => (device.sn ? `${device.vendor ?? ''} ${device.sn}` : 'SDK device') },
            { title: 'Group', cell: (device) => device.groupName ?? '—' },
            { title: 'Access', cell: (device) => ACCESS_SCOPE[device.accessScope] ?? device.accessScope },
            { title: 'Remark', cell: (device) => device.remark || '—' },
            { title: 'Created', cell: (device) => formatTime(device.createdAt) },
          ]}
        />
      </Section>
      <Section title="Groups">
        <PagedTable<Group>
          caption="Groups"
          path={`${base}/groups`}
          searchLabel="Group name"
          rowKey={(group) => group.groupId}
          columns={[
            { title: 'Name', cell: (group) => group.groupName },
            { title: 'Group id', cell: (group) => <code>{group.groupId}</code> },
            { title: 'Description', cell: (group) => group.description || '—' },
            { title: 'Devices', cell: (group) => group.deviceCount.toLocaleString() },
            { title: 'Updated', cell: (group) => formatTime(group.updatedAt) },
            {
              title: 'Show',
              cell: (group) => (
                <button type="button" className="secondary" onClick={() => setGroupId(group.groupId)}>
                  Show devices
                </button>
              ),
            },
          ]}
        />
      </Section>
    </>
  );
}
