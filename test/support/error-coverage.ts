import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

function readBelow(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(keep)
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** The text of every file below a folder whose name ends with `suffix` (`.ts`, `.test.ts`). */
export const sourcesBelow = (dir: string, suffix: string): string[] => readBelow(dir, (name) => name.endsWith(suffix));

/** The product's tests below a folder, without the coverage test itself: it names codes without asserting them. */
export const productTestSources = (dir: string): string[] =>
  readBelow(dir, (name) => name.endsWith('.test.ts') && basename(name) !== 'error-coverage.test.ts');

/** Codes written as the last argument of `helper(…)` calls, e.g. `expectTencentError(call, 'Code')`. */
export function codesExpectedBy(sources: readonly string[], helper: string): Set<string> {
  const codes = new Set<string>();
  for (const source of sources) {
    for (let start = source.indexOf(`${helper}(`); start >= 0; start = source.indexOf(`${helper}(`, start + 1)) {
      let depth = 0;
      let end = start + helper.length;
      do {
        const c = source[end++];
        if (c === '(') depth++;
        if (c === ')') depth--;
      } while (depth > 0 && end < source.length);
      const code = /'([A-Za-z0-9.]+)'\s*,?\s*\)$/.exec(source.slice(start, end))?.[1];
      if (code) codes.add(code);
    }
  }
  return codes;
}

/** Those of `codes` that the sources write as a string literal (`'iot.prod.NotExistedProduct'`). */
export function codesQuotedIn(sources: readonly string[], codes: Iterable<string>): Set<string> {
  return new Set([...codes].filter((code) => sources.some((source) => source.includes(`'${code}'`))));
}

/** Codes in the `` | `Code` | `` rows of a README section: from its heading line to the next heading of any level. */
export function codesListedUnder(readmePath: string, heading: string): Set<string> {
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, `${readmePath} has a section "${heading}"`).toBeGreaterThanOrEqual(0);
  const body = readme.slice(start + heading.length + 2);
  const next = body.search(/^#/m);
  const section = next < 0 ? body : body.slice(0, next);
  return new Set([...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
}

export interface ErrorCoverage {
  /** What the describe block is called, e.g. "MNA". */
  readonly product: string;
  /** Every code the cloud's documentation gives the product's implemented actions. */
  readonly documented: ReadonlySet<string>;
  /** Codes the product's tests expect a call to fail with. */
  readonly tested: ReadonlySet<string>;
  /** Codes the product README lists, with a reason, as never returned. */
  readonly neverReturned: ReadonlySet<string>;
}

/**
 * The rule every product keeps: each documented code is reached by a test or listed as never
 * returned, and the never-returned list holds only documented codes that no test reaches.
 */
export function describeErrorCoverage({ product, documented, tested, neverReturned }: ErrorCoverage): void {
  describe(`${product} error codes: documented, tested or never returned`, () => {
    it('has documented codes and a never-returned list to check', () => {
      expect(documented.size).toBeGreaterThan(10);
      expect(neverReturned.size).toBeGreaterThan(0);
    });

    it('every documented code of the implemented actions is asserted by a test or listed as never returned', () => {
      expect([...documented].filter((code) => !tested.has(code) && !neverReturned.has(code))).toEqual([]);
    });

    it('lists as never returned only documented codes that no test asserts', () => {
      expect([...neverReturned].filter((code) => tested.has(code) || !documented.has(code))).toEqual([]);
    });
  });
}
