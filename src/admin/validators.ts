import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// Path segments and query strings arrive as text, so their numbers and booleans are coerced from
// it. A JSON body says what it means: `true` or "300" for an amount of money is refused, not
// read as 1 or 300, and a field no schema names is refused rather than silently dropped.
const textParts = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
const jsonBody = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });

/** The admin API's schema compiler: strict for JSON bodies, coercing for the parts sent as text. */
export const adminValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const validate: ValidateFunction = (httpPart === 'body' ? jsonBody : textParts).compile(schema as object);
  return validate as ReturnType<FastifySchemaCompiler<FastifySchema>>;
};
