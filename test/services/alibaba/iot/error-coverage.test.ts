import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReference } from '../../../support/reference.ts';
import { iotProduct } from '../../../../src/services/alibaba/iot/index.ts';
import { isAlibabaErrorCode } from '../../../../src/protocols/alibaba/errors.ts';
import { codesListedUnder, codesQuotedIn, describeErrorCoverage, productTestSources, sourcesBelow } from '../../../support/error-coverage.ts';

const sourceDir = join(import.meta.dirname, '..', '..', '..', '..', 'src', 'services', 'alibaba', 'iot');

const summary = readReference<{
  actions: Record<string, { documented_errors: { code: string }[]; likely_errors_UNCONFIRMED: string[] }>;
}>('alibaba/api-summary.json');

/** Codes api-summary.json attaches to the implemented actions, plus the unknown-IotInstanceId codes of the action pages. */
const documented = new Set([
  'iot.system.InstanceNotFound',
  'iot.Sre.IotInstanceNotFound',
  ...iotProduct.actions.flatMap((action) => {
    const entry = summary.actions[action.name];
    return entry ? [...entry.documented_errors.map((e) => e.code), ...entry.likely_errors_UNCONFIRMED] : [];
  }),
]);

const tests = productTestSources(import.meta.dirname);
const neverReturned = codesListedUnder(join(sourceDir, 'README.md'), '## Codes never returned');
const raisedInSources = new Set(sourcesBelow(sourceDir, '.ts').flatMap((source) => [...source.matchAll(/'(iot\.[A-Za-z]+\.[A-Za-z0-9]+)'/g)].map((m) => m[1]!)));

describeErrorCoverage({ product: 'IoT', documented, tested: codesQuotedIn(tests, [...documented, ...neverReturned]), neverReturned });

describe('IoT error codes the actions raise', () => {
  it('the codes listed as never returned really are never raised, and are catalog codes', () => {
    for (const code of neverReturned) {
      expect(isAlibabaErrorCode(code), code).toBe(true);
      expect(raisedInSources.has(code), `${code} is raised in src/services/alibaba/iot`).toBe(false);
    }
  });

  it('every code the actions raise is in the catalog and asserted by a test', () => {
    expect(raisedInSources.size).toBeGreaterThan(20);
    const tested = codesQuotedIn(tests, raisedInSources);
    for (const code of raisedInSources) {
      expect(isAlibabaErrorCode(code), code).toBe(true);
      expect(tested.has(code), `${code} is asserted by a test`).toBe(true);
    }
  });
});
