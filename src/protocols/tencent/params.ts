import { Kind, OptionalKind } from '@sinclair/typebox';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { TencentError } from './errors.ts';
import { FlatNode, buildFlatTree } from './flat.ts';
import { constraintError } from './constraint-errors.ts';
import type { ParamSource } from './request.ts';
import { toBoolean, toInteger, toNumber, toStringValue } from './scalars.ts';
import type { IntegerMode } from './scalars.ts';

/** Types one value (a JSON value or a FlatNode) found at `path` (`Hardware.0.SN`). */
type Decoder = (input: unknown, path: string) => unknown;

interface Compiled {
  readonly decode: Decoder;
  readonly check: TypeCheck<TSchema>;
}

const decoders = new WeakMap<TSchema, Decoder>();
const compiled = new WeakMap<TSchema, Compiled>();

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function isJsonObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && !(input instanceof FlatNode);
}

/** A leaf of a form source must be a lone value: children or a repeat make it a type error. */
function leaf(scalar: (raw: unknown, path: string) => unknown): Decoder {
  return (input, path) => {
    if (input instanceof FlatNode) {
      if (input.children !== undefined || input.repeated || input.value === undefined) {
        throw new TencentError('InvalidParameter', { name: path });
      }
      return scalar(input.value, path);
    }
    return scalar(input, path);
  };
}

/**
 * A named member of an object source: a form node's child, or a JSON object's own property. A
 * module function rather than a closure per call: tsx (keepNames) gives every named closure it
 * creates its name through Object.defineProperty, about half a microsecond each.
 */
function member(input: FlatNode | Readonly<Record<string, unknown>>, name: string): unknown {
  if (input instanceof FlatNode) return input.children?.get(name);
  return Object.hasOwn(input, name) ? input[name] : undefined;
}

function objectDecoder(schema: TObject): Decoder {
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties).map(([name, property]) => ({
    name,
    required: required.has(name) && property[OptionalKind] !== 'Optional',
    decode: decoderOf(property),
  }));
  const known = new Set(properties.map((p) => p.name));
  return (input, path) => {
    if (input instanceof FlatNode) {
      if (input.value !== undefined) throw new TencentError('InvalidParameter', { name: path });
      for (const [name, node] of input.children ?? []) {
        if (!known.has(name)) throw new TencentError('UnknownParameter', { name: node.firstName() });
      }
    } else if (isJsonObject(input)) {
      for (const name of Object.keys(input)) {
        if (!known.has(name)) throw new TencentError('UnknownParameter', { name: child(path, name) });
      }
    } else {
      throw new TencentError('InvalidParameter', { name: path });
    }
    const out: Record<string, unknown> = {};
    for (const property of properties) {
      const value = member(input, property.name);
      // Null counts as absent: SDKs drop nulls, and a required null is still missing. The path is
      // only built for members present or missing (a 100-entry batch leaves most optional ones out).
      if (value === undefined || value === null) {
        if (property.required) throw new TencentError('MissingParameter', { name: child(path, property.name) });
        continue;
      }
      out[property.name] = property.decode(value, child(path, property.name));
    }
    return out;
  };
}

const INDEX = /^(?:0|[1-9]\d*)$/;

function arrayDecoder(items: TSchema): Decoder {
  const decodeItem = decoderOf(items);
  return (input, path) => {
    if (Array.isArray(input)) {
      return input.map((item: unknown, i) => {
        if (item === null || item === undefined) throw new TencentError('InvalidParameter', { name: child(path, String(i)) });
        return decodeItem(item, child(path, String(i)));
      });
    }
    if (!(input instanceof FlatNode) || input.value !== undefined) throw new TencentError('InvalidParameter', { name: path });
    // Form lists are 0-based and dense (Signature v1 doc, and every SDK): `Name.0`, `Name.1`, …
    const children = input.children ?? new Map<string, FlatNode>();
    const count = children.size;
    const out: unknown[] = new Array(count);
    for (const [index, node] of children) {
      if (!INDEX.test(index)) throw new TencentError('UnknownParameter', { name: node.firstName() });
      const i = Number(index);
      if (i >= count) {
        let gap = 0;
        while (children.has(String(gap))) gap++;
        throw new TencentError('MissingParameter', { name: child(path, String(gap)) });
      }
    }
    for (let i = 0; i < count; i++) out[i] = decodeItem(children.get(String(i)), child(path, String(i)));
    return out;
  };
}

type Literal = string | number | boolean;

function literalDecoder(literals: readonly Literal[]): Decoder {
  return leaf((raw, path) => {
    if (literals.includes(raw as Literal)) return raw;
    if (typeof raw === 'string') {
      const lowered = raw === 'True' ? 'true' : raw === 'False' ? 'false' : raw;
      const match = literals.find((l) => String(l) === lowered);
      if (match !== undefined) return match;
    } else if (!literals.some((l) => typeof l === typeof raw)) {
      throw new TencentError('InvalidParameter', { name: path });
    }
    throw new TencentError('InvalidParameterValue', { name: path, rule: 'enum' });
  });
}

function unionDecoder(schema: TSchema): Decoder {
  const members = (schema.anyOf ?? []) as TSchema[];
  const kinds = new Set(members.map((m) => m[Kind] as string));
  if (members.every((m) => m[Kind] === 'Literal')) return literalDecoder(members.map((m) => m.const as Literal));
  if (kinds.size === 2 && kinds.has('Integer') && kinds.has('BigInt')) return integerDecoder('number-or-bigint');
  throw new TypeError(`decodeParams: unsupported union of ${[...kinds].join(', ')}`);
}

function integerDecoder(mode: IntegerMode): Decoder {
  return leaf((raw, path) => toInteger(raw, mode, path));
}

function build(schema: TSchema): Decoder {
  switch (schema[Kind]) {
    case 'Object':
      return objectDecoder(schema as TObject);
    case 'Array':
      return arrayDecoder(schema.items as TSchema);
    case 'String':
      return leaf(toStringValue);
    case 'Integer':
      return integerDecoder('number');
    case 'BigInt':
      return integerDecoder('bigint');
    case 'Number':
      return leaf(toNumber);
    case 'Boolean':
      return leaf(toBoolean);
    case 'Literal':
      return literalDecoder([schema.const as Literal]);
    case 'Union':
      return unionDecoder(schema);
    default:
      throw new TypeError(`decodeParams: unsupported schema kind ${String(schema[Kind])}`);
  }
}

function decoderOf(schema: TSchema): Decoder {
  let decoder = decoders.get(schema);
  if (decoder === undefined) {
    decoder = build(schema);
    decoders.set(schema, decoder);
  }
  return decoder;
}

function compile(schema: TObject): Compiled {
  let entry = compiled.get(schema);
  if (entry === undefined) {
    entry = { decode: decoderOf(schema), check: TypeCompiler.Compile(schema) };
    compiled.set(schema, entry);
  }
  return entry;
}

/**
 * Types the API parameters of a request against an action's schema ("Common Error Codes" doc,
 * the SDKs' form encoding). Form pairs are first rebuilt into nested objects and 0-based lists; leaves are
 * coerced as scalars.ts describes. Errors, each naming the full dotted path:
 * an unexpected name → UnknownParameter; a required one absent (or null) → MissingParameter;
 * a value of the wrong type → InvalidParameter; a typed value breaking a schema constraint
 * (minLength, pattern, minimum, enum…), a string holding a NUL character, or an integer beyond
 * ±(2^53−1) → InvalidParameterValue.
 * Decoders and validators are compiled once per schema object.
 */
export function decodeParams<S extends TObject>(schema: S, source: ParamSource): Static<S> {
  const { decode, check } = compile(schema);
  const input = source.format === 'json' ? source.value : buildFlatTree(source.pairs);
  const value = decode(input, '');
  if (!check.Check(value)) {
    const first = check.Errors(value).First();
    throw first === undefined ? new TencentError('InvalidParameterValue') : constraintError(first);
  }
  return value as Static<S>;
}
