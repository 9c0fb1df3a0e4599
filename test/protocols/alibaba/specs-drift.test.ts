import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alibabaReferenceDir, renderAlibabaSpecs } from '../../../scripts/generate-alibaba-specs.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

describe('generated Alibaba specs are in sync with reference/alibaba', () => {
  const rendered = renderAlibabaSpecs();
  for (const [path, text] of Object.entries(rendered)) {
    it(`${path} equals a fresh render (run scripts/generate-alibaba-specs.ts)`, () => {
      expect(readFileSync(join(repoRoot, path), 'utf8')).toBe(text);
    });
  }

  it('reads ../shared/reference/alibaba by default and $FLEETGATE_REFERENCE_DIR/alibaba when set', () => {
    expect(alibabaReferenceDir({})).toBe(join(repoRoot, '..', 'shared', 'reference', 'alibaba'));
    expect(alibabaReferenceDir({ FLEETGATE_REFERENCE_DIR: '/refs' })).toBe(join('/refs', 'alibaba'));
  });
});
