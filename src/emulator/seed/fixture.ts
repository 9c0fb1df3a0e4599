import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { parse as parseYaml } from 'yaml';
import type { AppContext } from '../../core/app-context.ts';
import type { AdminModule } from '../../admin/admin-module.ts';
import { adminValidatorCompiler } from '../../admin/validators.ts';
import { describeViolation, type SchemaViolation } from '../../admin/validation-message.ts';
import { fieldWithNul } from '../../admin/errors.ts';
import { SeedRefused, seedContext, type SeedSection } from './seed-section.ts';

/** A fixture as parsed: one value per section key. */
export type Fixture = Readonly<Record<string, unknown>>;

/** The id under which the fixture schema appears in the admin API's OpenAPI document. */
export const FIXTURE_SCHEMA_ID = 'SeedFixture';

/** The whole fixture's schema: each section's under its key, all optional; nothing else accepted. */
export function fixtureSchema(sections: readonly SeedSection[]): TObject {
  const properties: Record<string, TSchema> = { version: Type.Optional(Type.Literal(1, { description: 'fixture format version' })) };
  for (const section of sections) properties[section.key] = Type.Optional(section.schema);
  return Type.Object(properties, {
    additionalProperties: false,
    description: 'An emulator fixture (serve --seed FILE, POST /_fleetgate/seed): what each section lists is created unless it exists',
  });
}

/** Publishes the fixture schema in the admin API's OpenAPI document (components.schemas.SeedFixture). */
export function fixtureSchemaAdminModule(sections: readonly SeedSection[]): AdminModule {
  return (app) => {
    app.addSchema({ ...fixtureSchema(sections), $id: FIXTURE_SCHEMA_ID });
  };
}

/** Reads a fixture file: YAML (.yaml, .yml) or JSON (anything else), checked against the schema. */
export function readFixture(file: string, sections: readonly SeedSection[]): Fixture {
  return checkFixture(parseFixtureFile(file), sections, file);
}

/** A fixture file's content, parsed but not checked (the CLI leaves that to the server). */
export function parseFixtureFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SeedRefused(file, `cannot read the fixture: ${(error as Error).message}`);
  }
  const yaml = ['.yaml', '.yml'].includes(extname(file).toLowerCase());
  try {
    // An empty YAML document is an empty fixture.
    return (yaml ? parseYaml(text) : JSON.parse(text)) ?? {};
  } catch (error) {
    throw new SeedRefused(file, `not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`);
  }
}

/** Checks a parsed fixture as the admin API checks a JSON body: no coercion, no unknown field, no NUL. */
export function checkFixture(value: unknown, sections: readonly SeedSection[], where: string): Fixture {
  const validate = validatorOf(sections);
  if (!validate(value)) throw new SeedRefused(where, describeViolation(validate.errors ?? [], 'body').replace('the request body', 'the fixture'));
  const withNul = fieldWithNul({ fixture: value });
  if (withNul !== undefined) throw new SeedRefused(where, `${withNul} must not contain a NUL character`);
  return value as Fixture;
}

type Validator = ((value: unknown) => boolean) & { errors?: SchemaViolation[] | null };

const validators = new WeakMap<readonly SeedSection[], Validator>();

function validatorOf(sections: readonly SeedSection[]): Validator {
  let validate = validators.get(sections);
  if (!validate) {
    validate = adminValidatorCompiler({ schema: fixtureSchema(sections), httpPart: 'body', method: 'POST', url: '' }) as unknown as Validator;
    validators.set(sections, validate);
  }
  return validate;
}

/**
 * Applies a fixture section by section, in the registry's order (accounts first, so the others
 * can name them). Idempotent; each entry is written atomically, so a refused entry leaves the
 * ones before it in place and applying the corrected fixture completes the rest.
 */
export async function applyFixture(app: AppContext, fixture: Fixture, sections: readonly SeedSection[]): Promise<Record<string, number>> {
  const ctx = seedContext(app, new Map());
  const created: Record<string, number> = {};
  for (const section of sections) {
    const value = fixture[section.key];
    if (value !== undefined) created[section.key] = await section.apply(ctx, value);
  }
  return created;
}
