import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SecretBox } from '../../src/core/secret-box.ts';

describe('SecretBox (AES-256-GCM sealing of secrets at rest)', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, for any text', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (secret, row) => box.open(box.seal(secret, row), row) === secret));
  });

  it('never stores the plaintext and never seals the same value the same way twice', () => {
    const a = box.seal('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', 'credential:AKID1');
    const b = box.seal('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', 'credential:AKID1');
    expect(a).not.toContain('Gu5t9x');
    expect(a).not.toBe(b);
  });

  it('refuses a sealed value moved to another row (associated data binds it)', () => {
    const sealed = box.seal('secret', 'credential:AKID1');
    expect(() => box.open(sealed, 'credential:AKID2')).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = box.seal('secret', 'row');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    parts[3] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), 'row')).toThrow();
  });

  it('refuses a different master key', () => {
    const sealed = box.seal('secret', 'row');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'row')).toThrow();
  });

  it('requires a 32-byte master key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
