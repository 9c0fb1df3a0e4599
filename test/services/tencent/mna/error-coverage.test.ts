import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mnaProduct } from '../../../../src/services/tencent/mna/index.ts';
import { tencentActionErrors } from '../../../../src/protocols/tencent/specs/error-catalog.ts';

const README = resolve(import.meta.dirname, '../../../../src/services/tencent/mna/README.md');

/** The error code each `rejectsWith(call, 'Code')` in the MNA tests expects. */
function codesProducedByTests(): Set<string> {
  const produced = new Set<string>();
  for (const file of readdirSync(import.meta.dirname).filter((f) => f.endsWith('.test.ts'))) {
    const source = readFileSync(join(import.meta.dirname, file), 'utf8');
    for (let start = source.indexOf('rejectsWith('); start >= 0; start = source.indexOf('rejectsWith(', start + 1)) {
      let depth = 0;
      let end = start + 'rejectsWith'.length;
      do {
        const c = source[end++];
        if (c === '(') depth++;
        if (c === ')') depth--;
      } while (depth > 0 && end < source.length);
      const code = /'([A-Za-z0-9.]+)'\s*,?\s*\)$/.exec(source.slice(start, end))?.[1];
      if (code) produced.add(code);
    }
  }
  return produced;
}

/** Codes in the README's "never returned" table. */
function codesNeverReturned(): Set<string> {
  const readme = readFileSync(README, 'utf8');
  const section = readme.split(/^### /m).find((s) => s.startsWith('Error codes Fleetgate never returns'));
  expect(section, 'README section "Error codes Fleetgate never returns"').toBeDefined();
  return new Set([...section!.matchAll(/^\| `([A-Za-z0-9.]+)` \|/gm)].map((m) => m[1]!));
}

describe('MNA error catalog coverage', () => {
  // Per-action lists generated from errors/mna-v20210119.errors.json (kept in sync by the drift test).
  const listOf = (action: string) => tencentActionErrors[`${mnaProduct.spec.service}:${mnaProduct.spec.version}:${action}`];
  const documented = new Set<string>(mnaProduct.actions.flatMap((action) => listOf(action.name) ?? []));
  const produced = codesProducedByTests();
  const never = codesNeverReturned();

  it('finds the documented codes of every implemented action', () => {
    expect(documented.size).toBeGreaterThan(10);
    expect(mnaProduct.actions.map((a) => a.name).filter((name) => !listOf(name))).toEqual([]);
  });

  it('has every documented code produced by a test or explained in the README', () => {
    expect([...documented].filter((code) => !produced.has(code) && !never.has(code))).toEqual([]);
  });

  it('lists as never returned only documented codes that no test produces', () => {
    expect([...never].filter((code) => produced.has(code) || !documented.has(code))).toEqual([]);
  });
});
