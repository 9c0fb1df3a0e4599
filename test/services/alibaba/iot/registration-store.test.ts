import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../support/databases.ts';
import { openTestbed, type Tenant, type Testbed } from './support.ts';
import { openDeviceSecret, findDeviceByName } from '../../../../src/services/alibaba/iot/store/devices.ts';
import { deleteClientIds, recordClientId } from '../../../../src/services/alibaba/iot/store/client-ids.ts';
import { iotMqttRealm } from '../../../../src/services/alibaba/iot/mqtt-realm.ts';
import { standingOf, type MqttRealmContext } from '../../../../src/mqtt/realm.ts';
import { recordActivationWithoutConnection, recordDeviceOffline, recordDeviceOnline, replaceSecretBeforeActivation, resetDeviceRegistration } from '../../../../src/services/alibaba/iot/store/registration.ts';

describe.each(STORE_KINDS)('activation and dynamic-registration storage (%s)', (kind) => {
  let bed: Testbed;
  let tenant: Tenant;
  beforeAll(async () => {
    bed = await openTestbed(kind);
    tenant = await bed.tenant();
  });
  afterAll(() => bed.close());

  async function device(name: string) {
    const productKey = await tenant.product();
    const { Data } = await tenant.call('RegisterDevice', { ProductKey: productKey, DeviceName: name });
    return { productKey, iotId: Data.IotId as string };
  }

  it('the MQTT side\'s call: the first connection activates (ONLINE), later ones move only GmtOnline; the operator\'s activation of an unconnected device records it OFFLINE', async () => {
    const { productKey, iotId } = await device('mqtt-device');
    const first = bed.clock.now;
    expect(await recordDeviceOnline(bed.store.db, iotId, 'login-1', first)).toBe(true);
    let detail = (await tenant.call('QueryDeviceDetail', { IotId: iotId })).Data;
    expect(detail).toMatchObject({ Status: 'ONLINE', UtcActive: new Date(first).toISOString(), UtcOnline: new Date(first).toISOString() });
    expect((await tenant.call('QueryDevice', { ProductKey: productKey })).Data.DeviceInfo[0].DeviceStatus).toBe('ONLINE');
    await recordDeviceOffline(bed.store.db, iotId, 'login-1');

    bed.clock.now += 60_000;
    expect(await recordActivationWithoutConnection(bed.store.db, iotId, bed.clock.now)).toEqual({ activatedAt: first, status: 'OFFLINE' });
    detail = (await tenant.call('QueryDeviceDetail', { IotId: iotId })).Data;
    expect(detail).toMatchObject({ Status: 'OFFLINE', UtcActive: new Date(first).toISOString(), UtcOnline: new Date(bed.clock.now).toISOString() });
    expect(await recordDeviceOnline(bed.store.db, 'Z'.repeat(26), 'login-2', bed.clock.now)).toBe(false);
    expect(await recordActivationWithoutConnection(bed.store.db, 'Z'.repeat(26), bed.clock.now)).toBeUndefined();
  });

  it('the operator\'s activation of a connected device leaves it ONLINE with its connection\'s GmtOnline, and the connection\'s end still records OFFLINE', async () => {
    const { iotId } = await device('connected-device');
    const connectedAt = bed.clock.now;
    await recordDeviceOnline(bed.store.db, iotId, 'login-c', connectedAt);
    bed.clock.now += 60_000;
    expect(await recordActivationWithoutConnection(bed.store.db, iotId, bed.clock.now)).toEqual({ activatedAt: connectedAt, status: 'ONLINE' });
    expect((await tenant.call('QueryDeviceDetail', { IotId: iotId })).Data).toMatchObject({ Status: 'ONLINE', UtcOnline: new Date(connectedAt).toISOString() });
    await recordDeviceOffline(bed.store.db, iotId, 'login-c');
    expect((await tenant.call('QueryDeviceDetail', { IotId: iotId })).Data.Status).toBe('OFFLINE');
  });

  it('two connections in the same millisecond: the first one\'s end leaves the device ONLINE (logins are random tokens, not times)', async () => {
    const { iotId } = await device('same-ms-device');
    const now = bed.clock.now;
    await recordDeviceOnline(bed.store.db, iotId, 'login-old', now);
    await recordDeviceOnline(bed.store.db, iotId, 'login-new', now);
    await recordDeviceOffline(bed.store.db, iotId, 'login-old');
    expect((await tenant.call('QueryDeviceDetail', { IotId: iotId })).Data.Status).toBe('ONLINE');
    await recordDeviceOffline(bed.store.db, iotId, 'login-new');
    expect((await tenant.call('QueryDeviceDetail', { IotId: iotId })).Data.Status).toBe('OFFLINE');
  });

  it('revalidation: a login stands with its DeviceSecret and each of its ClientId tokens until replaced by a newer login, its ClientIds deleted or the device reset', async () => {
    const { productKey, iotId } = await device('revalidated-device');
    const ctx = { store: bed.store } as MqttRealmContext;
    const standings = (...logins: string[]) => iotMqttRealm.standings(ctx, logins);
    await recordClientId(bed.store.db, bed.secrets, { accountId: tenant.accountId, iotId }, { clientId: 'nwl-1', deviceToken: 'token-1' }, bed.clock.now);
    await recordDeviceOnline(bed.store.db, iotId, 'login-a', bed.clock.now);
    const { secret_sealed } = (await findDeviceByName(bed.store.db, tenant.accountId, productKey, 'revalidated-device'))!;
    const [tokenSealed] = (await bed.store.db.selectFrom('iot_client_ids').select('token_sealed').where('iot_id', '=', iotId).execute()).map((row) => row.token_sealed);
    const bySecret = standingOf('login-a', 'ONLINE', 'secret', secret_sealed);
    const byToken = standingOf('login-a', 'ONLINE', 'client', 'nwl-1', tokenSealed!);
    expect(await standings('login-a')).toEqual(new Set([bySecret, byToken]));

    await deleteClientIds(bed.store.db, tenant.accountId, iotId);
    expect(await standings('login-a')).toEqual(new Set([bySecret]));
    await recordDeviceOnline(bed.store.db, iotId, 'login-b', bed.clock.now);
    expect(await standings('login-a')).toEqual(new Set());
    expect(await standings('login-a', 'login-b')).toEqual(new Set([standingOf('login-b', 'ONLINE', 'secret', secret_sealed)]));
    await resetDeviceRegistration(bed.store.db, tenant.accountId, iotId, bed.clock.now);
    expect([...(await standings('login-b'))]).not.toContain(standingOf('login-b', 'ONLINE', 'secret', secret_sealed));
  });

  it('a new secret replaces only an unactivated device\'s; ResetThing makes it replaceable again', async () => {
    const { productKey, iotId } = await device('replaced-device');
    const ref = { accountId: tenant.accountId, iotId };
    expect(await replaceSecretBeforeActivation(bed.store.db, bed.secrets, ref, 'first-new-secret', bed.clock.now)).toBe(true);
    const secretOf = async () => openDeviceSecret(bed.secrets, (await findDeviceByName(bed.store.db, tenant.accountId, productKey, 'replaced-device'))!);
    expect(await secretOf()).toBe('first-new-secret');
    await recordActivationWithoutConnection(bed.store.db, iotId, bed.clock.now);
    expect(await replaceSecretBeforeActivation(bed.store.db, bed.secrets, ref, 'refused-secret', bed.clock.now)).toBe(false);
    expect(await secretOf()).toBe('first-new-secret');
    // Another account cannot reach the device, even with its IotId.
    expect(await replaceSecretBeforeActivation(bed.store.db, bed.secrets, { ...ref, accountId: 'someone-else' }, 'x', bed.clock.now)).toBe(false);
    expect(await resetDeviceRegistration(bed.store.db, 'someone-else', iotId, bed.clock.now)).toBe(false);

    expect(await resetDeviceRegistration(bed.store.db, tenant.accountId, iotId, bed.clock.now)).toBe(true);
    const detail = (await tenant.call('QueryDeviceDetail', { IotId: iotId })).Data;
    expect(detail.Status).toBe('UNACTIVE');
    expect(detail.GmtActive).toBeUndefined();
    expect(detail.GmtOnline).toBeUndefined();
    expect(await replaceSecretBeforeActivation(bed.store.db, bed.secrets, ref, 'after-reset', bed.clock.now)).toBe(true);
    expect(await secretOf()).toBe('after-reset');
  });
});
