import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_DATA_KEY_LENGTH, checkDataKey } from '../../../../src/services/tencent/mna/validation.ts';

describe('MNA value rules', () => {
  it('accepts any string of 1 to 128 characters without control characters as a DataKey, base64 or not', () => {
    for (const value of ['mna-test1', 'dasdfrfwer32e4r', 'keys', 'keys=', 'QQ', 'a b', '密钥', '🔑'.repeat(MAX_DATA_KEY_LENGTH), Buffer.alloc(64, 7).toString('base64'), 'f'.repeat(128)]) {
      expect(checkDataKey('DataKey', value), JSON.stringify(value)).toBeUndefined();
    }
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: MAX_DATA_KEY_LENGTH }).filter((v) => ![...v].some((c) => c < ' ' || c === '\x7f')), (value) => checkDataKey('DataKey', value) === undefined));
  });

  it('rejects empty, over-long, control characters and unpaired surrogates', () => {
    for (const value of ['', 'k'.repeat(129), 'line\nbreak', 'tab\t', 'nul\u0000', 'del\u007f', 'c1\u0085', '\ud800', 'x\udc00y']) {
      expect(checkDataKey('Hardware.0.DataKey', value)?.code, JSON.stringify(value)).toBe('InvalidParameterValue');
    }
    expect(checkDataKey('Hardware.0.DataKey', 'k'.repeat(129))?.message).toBe('The value of parameter `Hardware.0.DataKey` is invalid: it must be 1 to 128 characters long.');
  });
});
