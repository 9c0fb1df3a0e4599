import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alibabaReferenceDir, renderAlibabaSpecs } from '../../../scripts/generate-alibaba-specs.ts';
import { IN_REPO_REFERENCE_DIR, repositoryRoot } from '../../../scripts/reference-dir.ts';

const inRepo = join(IN_REPO_REFERENCE_DIR, 'alibaba');

describe('generated Alibaba specs are in sync with reference/alibaba', () => {
  const rendered = renderAlibabaSpecs(inRepo);
  for (const [path, text] of Object.entries(rendered)) {
    it(`${path} equals a fresh render from reference/ (run \`npm run gen:specs\`)`, () => {
      expect(readFileSync(join(repositoryRoot, path), 'utf8')).toBe(text);
    });
  }

  it('reads reference/alibaba by default and $FLEETGATE_REFERENCE_DIR/alibaba when set', () => {
    expect(alibabaReferenceDir({})).toBe(inRepo);
    expect(alibabaReferenceDir({ FLEETGATE_REFERENCE_DIR: '/refs' })).toBe(join('/refs', 'alibaba'));
  });
});
