import { ValueErrorType } from '@sinclair/typebox/errors';
import type { ValueError } from '@sinclair/typebox/errors';
import { TencentError } from './errors.ts';

// Schema keyword broken → InvalidParameterValue `rule` (messages.ts REASONS) and where its
// bound sits in the schema.
const RULES: Partial<Record<ValueErrorType, { readonly rule: string; readonly keyword?: string }>> = {
  [ValueErrorType.StringMinLength]: { rule: 'minLength', keyword: 'minLength' },
  [ValueErrorType.StringMaxLength]: { rule: 'maxLength', keyword: 'maxLength' },
  [ValueErrorType.StringPattern]: { rule: 'pattern', keyword: 'pattern' },
  [ValueErrorType.IntegerMinimum]: { rule: 'minimum', keyword: 'minimum' },
  [ValueErrorType.NumberMinimum]: { rule: 'minimum', keyword: 'minimum' },
  [ValueErrorType.BigIntMinimum]: { rule: 'minimum', keyword: 'minimum' },
  [ValueErrorType.IntegerMaximum]: { rule: 'maximum', keyword: 'maximum' },
  [ValueErrorType.NumberMaximum]: { rule: 'maximum', keyword: 'maximum' },
  [ValueErrorType.BigIntMaximum]: { rule: 'maximum', keyword: 'maximum' },
  [ValueErrorType.IntegerExclusiveMinimum]: { rule: 'exclusiveMinimum', keyword: 'exclusiveMinimum' },
  [ValueErrorType.NumberExclusiveMinimum]: { rule: 'exclusiveMinimum', keyword: 'exclusiveMinimum' },
  [ValueErrorType.BigIntExclusiveMinimum]: { rule: 'exclusiveMinimum', keyword: 'exclusiveMinimum' },
  [ValueErrorType.IntegerExclusiveMaximum]: { rule: 'exclusiveMaximum', keyword: 'exclusiveMaximum' },
  [ValueErrorType.NumberExclusiveMaximum]: { rule: 'exclusiveMaximum', keyword: 'exclusiveMaximum' },
  [ValueErrorType.BigIntExclusiveMaximum]: { rule: 'exclusiveMaximum', keyword: 'exclusiveMaximum' },
  [ValueErrorType.ArrayMinItems]: { rule: 'minItems', keyword: 'minItems' },
  [ValueErrorType.ArrayMaxItems]: { rule: 'maxItems', keyword: 'maxItems' },
  [ValueErrorType.Literal]: { rule: 'enum' },
  [ValueErrorType.Union]: { rule: 'enum' },
};

/** `/Hardware/0/SN` (JSON pointer) → `Hardware.0.SN`. */
function dotted(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * InvalidParameterValue for a value that has the right type but breaks a constraint of the
 * schema (decodeParams has already rejected wrong types, so that is all a check can still find).
 */
export function constraintError(error: ValueError): TencentError {
  const name = dotted(error.path);
  const known = RULES[error.type];
  if (known === undefined) return new TencentError('InvalidParameterValue', { name });
  const bound: unknown = known.keyword === undefined ? undefined : error.schema[known.keyword];
  const limit = typeof bound === 'number' || typeof bound === 'string' ? bound : typeof bound === 'bigint' ? String(bound) : undefined;
  return new TencentError('InvalidParameterValue', limit === undefined ? { name, rule: known.rule } : { name, rule: known.rule, limit });
}
