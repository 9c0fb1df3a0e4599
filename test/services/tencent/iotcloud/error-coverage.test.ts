import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iotcloudProduct } from '../../../../src/services/tencent/iotcloud/index.ts';
import { tencentActionErrors } from '../../../../src/protocols/tencent/specs/error-catalog.ts';
import { codesExpectedBy, codesListedUnder, describeErrorCoverage, productTestSources } from '../../../support/error-coverage.ts';

// Per-action lists generated from errors/iotcloud-v20210408.errors.json (kept in sync by the drift test).
const listOf = (action: string) => tencentActionErrors[`${iotcloudProduct.spec.service}:${iotcloudProduct.spec.version}:${action}`];

describe('IoT Hub error catalog', () => {
  it('has a documented list for every implemented action', () => {
    expect(iotcloudProduct.actions.map((a) => a.name).filter((name) => !listOf(name))).toEqual([]);
  });
});

describeErrorCoverage({
  product: 'IoT Hub',
  documented: new Set(iotcloudProduct.actions.flatMap((action) => listOf(action.name) ?? [])),
  // The code each `expectTencentError(call, 'Code')` in the IoT Hub tests expects.
  tested: codesExpectedBy(productTestSources(import.meta.dirname), 'expectTencentError'),
  neverReturned: codesListedUnder(resolve(import.meta.dirname, '../../../../src/services/tencent/iotcloud/README.md'), '### Error codes Fleetgate never returns'),
});
