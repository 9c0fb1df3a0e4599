import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../support/server.ts';
import { openWorld, unique, type World } from './support.ts';
import { expectTencentError } from '../../../support/tencent-harness.ts';

describe.each(DIALECTS)('MNA vendor hardware, documented errors (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(dialect);
  });
  afterAll(() => world?.close());

  const countMatching = async (keyword: string) => (await world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Keyword: keyword })).Length;

  it('refuses every vendor action to an account that is not a registered vendor', async () => {
    const { client } = world.customer;
    await expectTencentError(client.AddHardware({ Hardware: [{ SN: unique('sn'), LicenseChargingMode: 1 }] }), 'OperationDenied.VendorNotRegister');
    await expectTencentError(client.GetVendorHardware({ PageNumber: 1, PageSize: 10 }), 'OperationDenied.VendorNotRegister');
    await expectTencentError(client.GetHardwareList({ PageNumber: 1, PageSize: 10 }), 'OperationDenied.VendorNotRegister');
    await expectTencentError(client.UpdateHardware({ HardwareId: 'cpe-0000000000' }), 'OperationDenied.VendorNotRegister');
  });

  it('AddHardware: an SN twice in the batch is DuplicateSN and nothing is written', async () => {
    const [sn, other] = [unique('dup'), unique('other')];
    const error = await expectTencentError(
      world.vendor.client.AddHardware({
        Hardware: [
          { SN: other, LicenseChargingMode: 1 },
          { SN: sn, LicenseChargingMode: 1 },
          { SN: sn, LicenseChargingMode: 2 },
        ],
      }),
      'OperationDenied.DuplicateSN',
    );
    expect(error.message).toContain('Hardware.2.SN');
    expect(await countMatching(other)).toBe(0);
  });

  it('AddHardware: an SN the vendor already has is DuplicateSN and the whole batch is rolled back', async () => {
    const [taken, fresh] = [unique('taken'), unique('fresh')];
    await world.addHardware([taken]);
    const error = await expectTencentError(
      world.vendor.client.AddHardware({
        Hardware: [
          { SN: fresh, LicenseChargingMode: 1 },
          { SN: taken, LicenseChargingMode: 1 },
        ],
      }),
      'OperationDenied.DuplicateSN',
    );
    expect(error.message).toContain('Hardware.1.SN');
    expect(await countMatching(fresh)).toBe(0);
  });

  it('AddHardware: values outside the documented ranges are InvalidParameterValue', async () => {
    const add = (entry: { SN: string; LicenseChargingMode: number; Description?: string }) => world.vendor.client.AddHardware({ Hardware: [entry] });
    expect((await expectTencentError(add({ SN: unique('m'), LicenseChargingMode: 4 }), 'InvalidParameterValue')).message).toContain('Hardware.0.LicenseChargingMode');
    expect((await expectTencentError(add({ SN: 'has space', LicenseChargingMode: 1 }), 'InvalidParameterValue')).message).toContain('Hardware.0.SN');
    await expectTencentError(add({ SN: unique('d'), LicenseChargingMode: 1, Description: 'x'.repeat(257) }), 'InvalidParameterValue');
    await expectTencentError(world.vendor.client.AddHardware({ Hardware: [] }), 'InvalidParameterValue');
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ SN: `${unique('big')}-${i}`, LicenseChargingMode: 1 }));
    await expectTencentError(world.vendor.client.AddHardware({ Hardware: tooMany }), 'InvalidParameterValue');
  });

  it('UpdateHardware: an SN the vendor already uses is DuplicateSN; an unknown HardwareId is InvalidParameterValue', async () => {
    const [a, b] = [unique('a'), unique('b')];
    const [idA] = await world.addHardware([a, b]);
    await expectTencentError(world.vendor.client.UpdateHardware({ HardwareId: idA!, SN: b }), 'OperationDenied.DuplicateSN');
    expect(await countMatching(a)).toBe(1);
    await expectTencentError(world.vendor.client.UpdateHardware({ HardwareId: 'cpe-unknown000', Description: 'x' }), 'InvalidParameterValue');
    await expectTencentError(world.vendor.client.UpdateHardware({ HardwareId: 'cpe-unknown000' }), 'InvalidParameterValue');
    await expectTencentError(world.vendor.client.UpdateHardware({ HardwareId: idA!, SN: 'bad sn' }), 'InvalidParameterValue');
  });

  it('GetVendorHardware / GetHardwareList: bad paging or Status is InvalidParameterValue', async () => {
    await expectTencentError(world.vendor.client.GetVendorHardware({ PageNumber: 1, PageSize: 10, Status: 3 }), 'InvalidParameterValue');
    await expectTencentError(world.vendor.client.GetVendorHardware({ PageNumber: 0, PageSize: 10 }), 'InvalidParameterValue');
    await expectTencentError(world.vendor.client.GetHardwareList({ PageNumber: 1, PageSize: 0 }), 'InvalidParameterValue');
    await expectTencentError(world.vendor.client.GetHardwareList({ PageNumber: 2 ** 40, PageSize: 2 ** 20 }), 'InvalidParameterValue');
  });

  it('GetHardwareInfo: unknown SN or vendor is HardwareNotExist, a malformed SN InvalidParameterValue', async () => {
    const [sn] = [unique('known')];
    await world.addHardware([sn]);
    await expectTencentError(world.stranger.client.GetHardwareInfo({ Vendor: world.vendorName, SN: unique('unknown') }), 'OperationDenied.HardwareNotExist');
    await expectTencentError(world.stranger.client.GetHardwareInfo({ Vendor: unique('nobody'), SN: sn }), 'OperationDenied.HardwareNotExist');
    await expectTencentError(world.stranger.client.GetHardwareInfo({ Vendor: world.vendorName, SN: '' }), 'InvalidParameterValue');
  });
});
