import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mnaProduct } from '../../../../src/services/tencent/mna/index.ts';
import { tencentActionErrors } from '../../../../src/protocols/tencent/specs/error-catalog.ts';
import { codesExpectedBy, codesListedUnder, describeErrorCoverage, productTestSources } from '../../../support/error-coverage.ts';

// Per-action lists generated from errors/mna-v20210119.errors.json (kept in sync by the drift test).
const listOf = (action: string) => tencentActionErrors[`${mnaProduct.spec.service}:${mnaProduct.spec.version}:${action}`];

describe('MNA error catalog', () => {
  it('has a documented list for every implemented action', () => {
    expect(mnaProduct.actions.map((a) => a.name).filter((name) => !listOf(name))).toEqual([]);
  });
});

describeErrorCoverage({
  product: 'MNA',
  documented: new Set(mnaProduct.actions.flatMap((action) => listOf(action.name) ?? [])),
  // The code each `expectTencentError(call, 'Code')` in the MNA tests expects.
  tested: codesExpectedBy(productTestSources(import.meta.dirname), 'expectTencentError'),
  neverReturned: codesListedUnder(resolve(import.meta.dirname, '../../../../src/services/tencent/mna/README.md'), '### Error codes Fleetgate never returns'),
});
