/** The parts of an Ajv error a message is made of (Fastify puts them on `error.validation`). */
export interface SchemaViolation {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string | undefined;
}

const WHOLE: Readonly<Record<string, string>> = { body: 'the request body', querystring: 'the query string', params: 'the path', headers: 'the headers' };

/**
 * One plain sentence for a request that fails its route schema, naming the field and what it
 * accepts (`cloud must be one of tencent, alibaba`), instead of Ajv's schema vocabulary. Ajv stops
 * at the first failing field; a union of literals fails once per literal, then as a whole.
 */
export function describeViolation(violations: readonly SchemaViolation[], context: string): string {
  const first = violations[0];
  if (!first) return `${WHOLE[context] ?? context} is invalid`;
  const sameField = violations.filter((v) => v.instancePath === first.instancePath);
  const field = fieldName(first.instancePath) ?? WHOLE[context] ?? context;
  const allowed = sameField.flatMap((v) => (v.keyword === 'const' ? [v.params.allowedValue] : v.keyword === 'enum' ? (v.params.allowedValues as unknown[]) : []));
  if (allowed.length) return `${field} must be one of ${allowed.map(String).join(', ')}`;
  const { keyword, params } = first;
  switch (keyword) {
    case 'required':
      return `${fieldName(`${first.instancePath}/${String(params.missingProperty)}`)} is required`;
    case 'additionalProperties':
      return `${fieldName(`${first.instancePath}/${String(params.additionalProperty)}`)} is not an accepted field`;
    case 'type':
      return `${field} must be ${params.type === 'object' ? 'a JSON object' : `a${/^[aeiou]/.test(String(params.type)) ? 'n' : ''} ${String(params.type)}`}`;
    case 'minLength':
      return params.limit === 1 ? `${field} must not be empty` : `${field} must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `${field} must be at most ${String(params.limit)} characters long`;
    case 'pattern':
      return `${field} must match the pattern ${String(params.pattern)}`;
    case 'minimum':
      return `${field} must be at least ${String(params.limit)}`;
    case 'maximum':
      return `${field} must be at most ${String(params.limit)}`;
    case 'minItems':
      return `${field} must have at least ${String(params.limit)} items`;
    case 'maxItems':
      return `${field} must have at most ${String(params.limit)} items`;
    default:
      return `${field} ${first.message ?? 'is invalid'}`;
  }
}

/** `/items/0/name` → `items[0].name`; the root (empty path) has no field name. */
function fieldName(instancePath: string): string | undefined {
  const parts = instancePath.split('/').filter(Boolean);
  if (!parts.length) return undefined;
  return parts.map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
