import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kind, OptionalKind } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { generateTencentSpecs, tencentReferenceDir } from '../../../scripts/generate-tencent-specs.ts';
import { IN_REPO_REFERENCE_DIR, repositoryRoot } from '../../../scripts/reference-dir.ts';
import { readReference } from '../../support/reference.ts';
import { iotcloudSpec } from '../../../src/protocols/tencent/specs/iotcloud-2021-04-08.ts';
import { mnaSpec } from '../../../src/protocols/tencent/specs/mna-2021-01-19.ts';
import { tencentActionErrors, tencentErrorCatalog } from '../../../src/protocols/tencent/specs/error-catalog.ts';

const inRepo = join(IN_REPO_REFERENCE_DIR, 'tencent');
const generated = generateTencentSpecs(inRepo);

function reference<T>(relative: string): T {
  return readReference<T>(`tencent/${relative}`);
}

describe('generated Tencent specs', () => {
  it('committed files equal a fresh generation from reference/ (run `npm run gen:specs` after changing the generator or the reference)', () => {
    expect([...generated.keys()].sort()).toEqual([
      'src/protocols/tencent/specs/error-catalog.ts',
      'src/protocols/tencent/specs/iotcloud-2021-04-08.ts',
      'src/protocols/tencent/specs/mna-2021-01-19.ts',
    ]);
    for (const [path, content] of generated) {
      expect(readFileSync(join(repositoryRoot, path), 'utf8'), path).toBe(content);
    }
  });

  it('generation is deterministic', () => {
    expect(generateTencentSpecs(inRepo)).toEqual(generated);
  });

  it('reads reference/tencent by default and $FLEETGATE_REFERENCE_DIR/tencent when set', () => {
    expect(tencentReferenceDir({})).toBe(inRepo);
    expect(tencentReferenceDir({ FLEETGATE_REFERENCE_DIR: '/refs' })).toBe(join('/refs', 'tencent'));
  });

  it('every action of the CN spec is present: 63 mna, 73 iotcloud; intl flags match the intl-en spec (54, 20)', () => {
    expect(Object.keys(mnaSpec.actions)).toHaveLength(63);
    expect(Object.keys(iotcloudSpec.actions)).toHaveLength(73);
    expect(Object.values(mnaSpec.actions).filter((a) => a.intl)).toHaveLength(54);
    expect(Object.values(iotcloudSpec.actions).filter((a) => a.intl)).toHaveLength(20);
    expect(mnaSpec.actions.ModifyDeviceAccessScope.intl).toBe(false);
    expect(iotcloudSpec.actions.UpdateProductDynamicRegister.intl).toBe(true);
  });

  it('Region: every iotcloud action requires it; in mna only OrderPerLicense (API 3.0 "Common Params" doc, action pages)', () => {
    expect(Object.values(iotcloudSpec.actions).every((a) => a.regionRequired)).toBe(true);
    const mnaRequired = Object.entries(mnaSpec.actions).filter(([, a]) => a.regionRequired).map(([n]) => n);
    expect(mnaRequired).toEqual(['OrderPerLicense']);
  });

  it('member types map string→String, int64/uint64→Integer, bool→Boolean, float→Number, list→Array, struct→its object', () => {
    const kind = (s: TSchema): string => s[Kind] as string;
    const hw = mnaSpec.actions.ActivateHardware.request.properties.Hardware;
    expect(kind(hw)).toBe('Array');
    expect(hw.items).toBe(mnaSpec.structs.ActivateHardware);
    expect(kind(mnaSpec.structs.ActivateHardware.properties.AccessScope)).toBe('Integer');
    expect(kind(mnaSpec.actions.OrderPerLicense.request.properties.RollBack)).toBe('Boolean');
    expect(kind(mnaSpec.actions.OrderPerLicense.request.properties.VoucherIds.items)).toBe('String');
    expect(kind(mnaSpec.structs.UpdateNetInfo.properties.DataEnable)).toBe('Boolean');
    expect(kind(iotcloudSpec.actions.UpdateProductDynamicRegister.request.properties.RegisterLimit)).toBe('Integer');
    const properties = iotcloudSpec.actions.CreateProduct.request.properties.ProductProperties;
    expect(kind(properties)).toBe('Object');
    expect(properties.properties).toEqual(iotcloudSpec.structs.ProductProperties.properties);
    expect(kind(iotcloudSpec.structs.ProductProperties.properties.EncryptionType)).toBe('String');
  });

  it('required members are plain, optional ones Type.Optional, exactly as the spec says', () => {
    const spec = reference<{ objects: Record<string, { members: { name: string; required?: boolean }[] }> }>(
      'tencentcloud-cli/iotcloud/v20210408/api.json',
    );
    for (const [action, entry] of Object.entries(iotcloudSpec.actions)) {
      const members = spec.objects[`${action}Request`]!.members;
      expect(Object.keys(entry.request.properties)).toEqual(members.map((m) => m.name));
      for (const m of members) {
        const property = (entry.request.properties as Record<string, TSchema>)[m.name]!;
        expect(property[OptionalKind] === 'Optional', `${action}.${m.name}`).toBe(m.required !== true);
      }
    }
  });

  it('responseFields list the output members without RequestId', () => {
    expect(mnaSpec.actions.GetHardwareInfo.responseFields).toEqual(['LicensePayMode', 'Payer', 'SN', 'Vendor']);
    expect(mnaSpec.actions.UpdateHardware.responseFields).toEqual([]);
    expect(iotcloudSpec.actions.UpdateProductDynamicRegister.responseFields).toEqual(['RegisterType', 'ProductSecret', 'RegisterLimit']);
  });

  it('error catalog holds every common code and every mna/iotcloud business code, each with zh and (where documented) en', () => {
    const files = ['errors/common-errors.json', 'errors/mna-v20210119.errors.json', 'errors/iotcloud-v20210408.errors.json'];
    const codes = new Set(files.flatMap((f) => Object.keys(reference<{ codes: object }>(f).codes)));
    expect(new Set(Object.keys(tencentErrorCatalog))).toEqual(codes);
    expect(codes.size).toBe(38 + 37 + 106 - 12);
    for (const text of Object.values(tencentErrorCatalog)) expect(text.zh.length).toBeGreaterThan(0);
    // A code both common and business keeps the common wording (which also supplies a missing en).
    expect(tencentErrorCatalog.FailedOperation).toEqual({ en: 'Operation failed.', zh: '操作失败。' });
    expect(tencentErrorCatalog['AuthFailure.SignatureExpire'].observed).toBe('The signature is expired, please request again.');
  });

  it('per-action business codes are keyed service:version:Action and match the errors JSON', () => {
    expect(Object.keys(tencentActionErrors)).toHaveLength(63 + 73);
    expect(tencentActionErrors['mna:2021-01-19:ActivateHardware']).toEqual([
      'InternalError',
      'InternalError.ControlRequestError',
      'InternalError.DuplicateDeviceName',
      'InvalidParameterValue',
      'OperationDenied.HardwareHasActivated',
      'OperationDenied.HardwareNotExist',
      'OperationDenied.VendorNotRegister',
    ]);
    expect(tencentActionErrors['iotcloud:2021-04-08:UpdateProductDynamicRegister']).toEqual([
      'InternalError',
      'InvalidParameterValue.ProductTypeNotSupport',
      'ResourceNotFound.ProductNotExist',
      'UnauthorizedOperation.ProductIsForbidden',
    ]);
  });
});
