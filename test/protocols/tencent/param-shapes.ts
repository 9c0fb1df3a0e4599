import fc from 'fast-check';
import { Type } from '@sinclair/typebox';
import type { TObject, TSchema } from '@sinclair/typebox';

/** A parameter type as the specs have them, plus the 64-bit union decodeParams supports. */
export type Shape =
  | { readonly kind: 'string' | 'integer' | 'int64' | 'number' | 'boolean' }
  | { readonly kind: 'array'; readonly item: Shape }
  | { readonly kind: 'object'; readonly props: readonly Prop[] };
export interface Prop {
  readonly name: string;
  readonly optional: boolean;
  readonly shape: Shape;
}

// Names never collide with v1 common parameters (Action, Nonce…), which all start otherwise.
const name = fc.stringMatching(/^P[A-Za-z0-9]{0,5}$/);

function props(shape: fc.Arbitrary<Shape>, mustRequire: boolean): fc.Arbitrary<Prop[]> {
  return fc
    .uniqueArray(fc.record({ name, optional: fc.boolean(), shape }), { minLength: mustRequire ? 1 : 0, maxLength: 4, selector: (p) => p.name })
    // A nested struct keeps one required member so it never flattens to nothing.
    .map((list) => (mustRequire ? [{ ...list[0]!, optional: false }, ...list.slice(1)] : list));
}

const { shape } = fc.letrec<{ shape: Shape; leaf: Shape; array: Shape; object: Shape }>((tie) => ({
  shape: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.constantFrom<Shape>({ kind: 'string' }, { kind: 'integer' }, { kind: 'int64' }, { kind: 'number' }, { kind: 'boolean' }),
  array: tie('shape').map((item): Shape => ({ kind: 'array', item })),
  object: props(tie('shape'), true).map((p): Shape => ({ kind: 'object', props: p })),
}));

/** A top-level parameter object type (may be empty). */
export const rootShape: fc.Arbitrary<Prop[]> = props(shape, false);

export function schemaOf(s: Shape): TSchema {
  switch (s.kind) {
    case 'string':
      return Type.String();
    case 'integer':
      return Type.Integer();
    case 'int64':
      return Type.Union([Type.Integer(), Type.BigInt()]);
    case 'number':
      return Type.Number();
    case 'boolean':
      return Type.Boolean();
    case 'array':
      return Type.Array(schemaOf(s.item));
    case 'object':
      return objectSchema(s.props);
  }
}

export function objectSchema(list: readonly Prop[]): TObject {
  return Type.Object(Object.fromEntries(list.map((p) => [p.name, p.optional ? Type.Optional(schemaOf(p.shape)) : schemaOf(p.shape)])));
}

// Strings decodeParams accepts: anything but a NUL character, which it refuses (test/gateway/nul-characters.test.ts).
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }).filter((s) => !s.includes('\0')),
  fc.string({ unit: fc.constantFrom('&', '=', '+', '%', '.', ' ', '#', '?', "'", '(', '*', 'é', '😀', '\u0001', 'a'), maxLength: 6 }),
);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A value of the shape, already in the form decodeParams returns it. */
export function valueOf(s: Shape): fc.Arbitrary<unknown> {
  switch (s.kind) {
    case 'string':
      return text;
    case 'integer':
      return fc.maxSafeInteger();
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).map((v) => (v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v));
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(s.item), { minLength: 1, maxLength: 3 });
    case 'object':
      return objectValue(s.props);
  }
}

export function objectValue(list: readonly Prop[]): fc.Arbitrary<Record<string, unknown>> {
  const entries = list.map((p) =>
    (p.optional ? fc.option(valueOf(p.shape), { nil: undefined }) : valueOf(p.shape)).map((v) => [p.name, v] as const),
  );
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)));
}
