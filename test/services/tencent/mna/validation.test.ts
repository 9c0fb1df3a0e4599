import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDataKey } from '../../../../src/services/tencent/mna/validation.ts';

describe('MNA value rules', () => {
  it('accepts the canonical base64 of any 1 to 64 bytes as a DataKey', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => checkDataKey('DataKey', Buffer.from(bytes).toString('base64')) === undefined));
  });

  it('rejects empty, oversized, non-base64 and non-canonical DataKeys', () => {
    for (const value of ['', Buffer.alloc(65).toString('base64'), 'mna-test1', 'a b=', 'keys=', 'QQ', 'QR==', 'YWJj\n']) {
      expect(checkDataKey('Hardware.0.DataKey', value)?.code, JSON.stringify(value)).toBe('InvalidParameterValue');
    }
    expect(checkDataKey('DataKey', 'keys')).toBeUndefined();
  });
});
