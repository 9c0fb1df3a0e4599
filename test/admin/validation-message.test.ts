import { describe, expect, it } from 'vitest';
import { describeViolation } from '../../src/admin/validation-message.ts';

describe('admin validation messages', () => {
  it('lists the allowed values of an enum as well as of a union of literals', () => {
    expect(describeViolation([{ keyword: 'enum', instancePath: '/status', params: { allowedValues: ['active', 'disabled'] } }], 'querystring')).toBe(
      'status must be one of active, disabled',
    );
  });

  it('names nested fields with their index and says what a field must be', () => {
    expect(describeViolation([{ keyword: 'required', instancePath: '/items/0', params: { missingProperty: 'name' } }], 'body')).toBe('items[0].name is required');
    expect(describeViolation([{ keyword: 'type', instancePath: '/limit', params: { type: 'integer' } }], 'querystring')).toBe('limit must be an integer');
    expect(describeViolation([{ keyword: 'minimum', instancePath: '/limit', params: { limit: 1 } }], 'querystring')).toBe('limit must be at least 1');
    expect(describeViolation([{ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'extra' } }], 'body')).toBe('extra is not an accepted field');
  });

  it("falls back to Ajv's own words after the field name for rarer keywords", () => {
    expect(describeViolation([{ keyword: 'format', instancePath: '/email', params: { format: 'email' }, message: 'must match format "email"' }], 'body')).toBe(
      'email must match format "email"',
    );
  });
});
