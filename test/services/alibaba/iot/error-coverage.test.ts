import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReference } from '../../../support/reference.ts';
import { iotProduct } from '../../../../src/services/alibaba/iot/index.ts';
import { isAlibabaErrorCode } from '../../../../src/protocols/alibaba/errors.ts';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const sourceDir = join(repo, 'src', 'services', 'alibaba', 'iot');

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

const readme = readFileSync(join(sourceDir, 'README.md'), 'utf8');
const neverSection = readme.slice(readme.indexOf('## Codes never returned'));
const neverReturned = new Set([...neverSection.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));

const read = (dir: string, pattern: RegExp): string =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
const sources = read(sourceDir, /\.ts$/);
const tests = read(import.meta.dirname, /\.test\.ts$/);
const raisedInSources = new Set([...sources.matchAll(/'(iot\.[A-Za-z]+\.[A-Za-z0-9]+)'/g)].map((m) => m[1]!));

describe('IoT error codes: documented, returned, tested', () => {
  it('every documented code of the implemented actions is asserted by a test or listed as never returned', () => {
    const unaccounted = [...documented].filter((code) => !neverReturned.has(code) && !tests.includes(`'${code}'`));
    expect(unaccounted).toEqual([]);
  });

  it('the codes listed as never returned really are never raised, and are catalog codes', () => {
    expect(neverReturned.size).toBeGreaterThan(0);
    for (const code of neverReturned) {
      expect(isAlibabaErrorCode(code), code).toBe(true);
      expect(raisedInSources.has(code), `${code} is raised in src/services/alibaba/iot`).toBe(false);
    }
  });

  it('every code the actions raise is in the catalog and asserted by a test', () => {
    expect(raisedInSources.size).toBeGreaterThan(20);
    for (const code of raisedInSources) {
      expect(isAlibabaErrorCode(code), code).toBe(true);
      expect(tests.includes(`'${code}'`), `${code} is asserted by a test`).toBe(true);
    }
  });
});
