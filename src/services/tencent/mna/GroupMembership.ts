import type { Kysely } from 'kysely';
import type { Database } from '../../../storage/schema.ts';
import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { assertValid } from '../params-rules.ts';
import { checkBatch } from './validation.ts';
import { noSuchDevice, noSuchGroup, ownGroup } from './ownership.ts';
import { ownedDeviceIds, setDeviceGroup } from './store/devices.ts';
import { countGroupDevices } from './store/groups.ts';
import { isForeignKeyViolation } from '../../../storage/constraints.ts';

type Move = (trx: Kysely<Database>, accountId: string, deviceIds: readonly string[], groupId: string) => Promise<void>;

/**
 * GroupAddDevice / GroupDeleteDevice: every listed device must be the caller's, or nothing
 * changes; the answer is the group's device count afterwards.
 */
function membershipAction(name: 'GroupAddDevice' | 'GroupDeleteDevice', move: Move) {
  return defineAction({
    name,
    request: mnaSpec.actions[name].request,
    async handle(ctx, { GroupId, DeviceList }) {
      assertValid(checkBatch('DeviceList', DeviceList.length));
      try {
        const deviceNum = await ctx.store.db.transaction().execute(async (trx) => {
          await ownGroup(trx, ctx.accountId, GroupId);
          const owned = await ownedDeviceIds(trx, ctx.accountId, DeviceList);
          const missing = DeviceList.findIndex((id) => !owned.has(id));
          if (missing >= 0) throw noSuchDevice(`DeviceList.${missing}`, DeviceList[missing]!);
          await move(trx, ctx.accountId, DeviceList, GroupId);
          return countGroupDevices(trx, ctx.accountId, GroupId);
        });
        return { DeviceNum: deviceNum };
      } catch (error) {
        // The group was deleted by a concurrent DeleteGroup.
        if (isForeignKeyViolation(error)) throw noSuchGroup('GroupId', GroupId);
        throw error;
      }
    },
  });
}

/** GroupAddDevice: moves the caller's devices into the group (a device is in at most one group). */
export const GroupAddDevice = membershipAction('GroupAddDevice', (trx, accountId, ids, groupId) => setDeviceGroup(trx, accountId, ids, groupId));

/** GroupDeleteDevice: takes the caller's devices out of the group; those not in it are left alone. */
export const GroupDeleteDevice = membershipAction('GroupDeleteDevice', (trx, accountId, ids, groupId) => setDeviceGroup(trx, accountId, ids, null, groupId));
