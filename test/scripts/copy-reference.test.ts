import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPTURES_FILE, COPIED_FILES, keepOnly, parseCaptures, renderReferenceCopy } from '../../scripts/copy-reference.ts';
import { generateTencentSpecs } from '../../scripts/generate-tencent-specs.ts';
import { renderAlibabaSpecs } from '../../scripts/generate-alibaba-specs.ts';
import { IN_REPO_REFERENCE_DIR, repositoryRoot, upstreamReferenceDir } from '../../scripts/reference-dir.ts';

const upstream = upstreamReferenceDir();
const upstreamName = process.env.FLEETGATE_REFERENCE_DIR === undefined ? '../shared/reference' : `$FLEETGATE_REFERENCE_DIR (${upstream})`;
const upstreamAbsent = !existsSync(upstream);
const skipped = upstreamAbsent ? ` (skipped: ${upstreamName} not present)` : '';

const committed = (path: string): string => readFileSync(join(repositoryRoot, path), 'utf8');

describe('reference/ holds the facts the generators and tests read', () => {
  it('its README names every file in it, and every file it names is there', () => {
    const readme = readFileSync(join(IN_REPO_REFERENCE_DIR, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!).sort();
    const present = readdirSync(IN_REPO_REFERENCE_DIR, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== 'README.md')
      .map((entry) => join(entry.parentPath, entry.name).slice(IN_REPO_REFERENCE_DIR.length + 1))
      .sort();
    expect(listed).toEqual(present);
    expect(present).toEqual([...Object.keys(COPIED_FILES), CAPTURES_FILE].sort());
  });

  it('keepOnly keeps the named keys in the source order, every key under *, whole values under true', () => {
    const source = { b: 1, a: { x: [{ k: 1, drop: 2 }], y: 'prose' }, list: [{ k: 1, v: 2 }], note: 'prose' };
    expect(JSON.stringify(keepOnly(source, { a: { x: { k: true } }, b: true, list: true }))).toBe('{"b":1,"a":{"x":[{"k":1}]},"list":[{"k":1,"v":2}]}');
    expect(keepOnly({ m: { p: { k: 1, n: 2 }, q: { k: 3 } } }, { m: { '*': { k: true } } })).toEqual({ m: { p: { k: 1 }, q: { k: 3 } } });
    expect(keepOnly({ v: [{ a: 1, note: 'x' }] }, { v: { '*': true, note: false } })).toEqual({ v: [{ a: 1 }] });
  });

  it('parseCaptures reads each raw request of the "Raw requests" part: headers as sent, body without the trailing newlines', () => {
    const markdown = [
      '# Captures',
      '### not-a-request: ignored — Nothing',
      '## Raw requests',
      '### tc-x: tencentcloud-sdk-nodejs — GetHardwareInfo',
      'Client: prose',
      '```http',
      'POST / HTTP/1.1',
      'Host: 127.0.0.1:1',
      'X-TC-Action:  GetHardwareInfo',
      '',
      '{"SN":"1"}',
      '',
      '```',
      '### ali-y: @alicloud/pop-core — QueryDevice',
      '```http',
      'GET /?A=1 HTTP/1.1',
      'x-acs-action: QueryDevice',
      '',
      '',
      '```',
      '## How each SDK surfaces responses',
      '### reply-z: tencentcloud-sdk-nodejs — GetHardwareInfo',
      '```http',
      'HTTP/1.1 200 OK',
      '```',
    ].join('\n');
    expect(parseCaptures(markdown)).toEqual({
      'tc-x': {
        sdk: 'tencentcloud-sdk-nodejs',
        action: 'GetHardwareInfo',
        method: 'POST',
        target: '/',
        headers: { Host: '127.0.0.1:1', 'X-TC-Action': 'GetHardwareInfo' },
        body: '{"SN":"1"}',
      },
      'ali-y': { sdk: '@alicloud/pop-core', action: 'QueryDevice', method: 'GET', target: '/?A=1', headers: { 'x-acs-action': 'QueryDevice' }, body: '' },
    });
  });
});

describe(`reference/ against its upstream, ${upstreamName}`, () => {
  it.skipIf(upstreamAbsent)(`every file equals a fresh copy (run \`npm run reference:copy\`)${skipped}`, () => {
    for (const [path, content] of renderReferenceCopy(upstream)) {
      expect(readFileSync(join(IN_REPO_REFERENCE_DIR, path), 'utf8'), path).toBe(content);
    }
  });

  it.skipIf(upstreamAbsent)(`the generators write the committed specs from the full upstream files too${skipped}`, () => {
    for (const [path, content] of generateTencentSpecs(join(upstream, 'tencent'))) expect(committed(path), path).toBe(content);
    for (const [path, content] of Object.entries(renderAlibabaSpecs(join(upstream, 'alibaba')))) expect(committed(path), path).toBe(content);
  });
});
