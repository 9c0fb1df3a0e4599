import { Kind } from '@sinclair/typebox';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { AlibabaError, isAlibabaErrorCode } from './errors.ts';

const INVALID = Symbol('invalid');

type Plan =
  | { readonly kind: 'scalar'; readonly coerce: (raw: string) => unknown }
  | { readonly kind: 'array'; readonly item: Plan }
  | { readonly kind: 'object'; readonly props: ReadonlyMap<string, Plan> };

interface Compiled {
  readonly plan: Plan & { readonly kind: 'object' };
  readonly check: TypeCheck<TObject>;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

// No field holds a NUL character, and PostgreSQL refuses one in text: Invalid<Name> on both engines.
const asString = (raw: string): unknown => (raw.includes('\0') ? INVALID : raw);
const asInteger = (raw: string): unknown => (INTEGER.test(raw) ? Number(raw) : INVALID);
const asNumber = (raw: string): unknown => (NUMBER.test(raw) ? Number(raw) : INVALID);
const asBoolean = (raw: string): unknown => {
  const lower = raw.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : INVALID;
};

function planOf(schema: TSchema): Plan {
  switch (schema[Kind]) {
    case 'Object':
      return { kind: 'object', props: new Map(Object.entries((schema as TObject).properties).map(([name, s]) => [name, planOf(s)])) };
    case 'Array':
      return { kind: 'array', item: planOf(schema.items as TSchema) };
    case 'Integer':
      return { kind: 'scalar', coerce: asInteger };
    case 'Number':
      return { kind: 'scalar', coerce: asNumber };
    case 'Boolean':
      return { kind: 'scalar', coerce: asBoolean };
    default:
      // Strings, literals and unions of literals arrive as strings; the validator judges them.
      return { kind: 'scalar', coerce: asString };
  }
}

const cache = new WeakMap<TObject, Compiled>();

function compiled(schema: TObject): Compiled {
  let entry = cache.get(schema);
  if (entry === undefined) {
    entry = { plan: planOf(schema) as Compiled['plan'], check: TypeCompiler.Compile(schema) };
    cache.set(schema, entry);
  }
  return entry;
}

/** Missing<Name> / Invalid<Name> as the POP gateway words them (errors.json); the classic code otherwise. */
function paramError(prefix: 'Missing' | 'Invalid', wireName: string): AlibabaError {
  const code = `${prefix}${wireName}`;
  return new AlibabaError(isAlibabaErrorCode(code) ? code : `${prefix}Parameter`, { name: wireName });
}

// Lists are collected as they arrive (pairs come in any order) and checked for gaps at the end.
interface ListBuilder {
  readonly items: unknown[];
  size: number;
}

// Pair names are walked by offset rather than split('.'): a 10,000-row list has 30,000 names, and
// the wire path of any segment is simply the name's prefix up to it.
function put(plan: Plan, existing: unknown, name: string, start: number, raw: string): unknown {
  if (plan.kind === 'scalar') {
    if (start !== name.length + 1) throw paramError('Invalid', name.slice(0, start - 1));
    const value = plan.coerce(raw);
    if (value === INVALID) throw paramError('Invalid', name);
    return value;
  }
  const dot = name.indexOf('.', start);
  const end = dot < 0 ? name.length : dot;
  if (start > name.length) throw paramError('Invalid', name);
  if (plan.kind === 'array') {
    const index = indexAt(name, start, end);
    if (index === 0) throw paramError('Invalid', name.slice(0, start - 1));
    const list = (existing as ListBuilder | undefined) ?? { items: [], size: 0 };
    const before = list.items[index - 1];
    if (before === undefined) list.size += 1;
    list.items[index - 1] = put(plan.item, before, name, end + 1, raw);
    return list;
  }
  const obj = (existing as Record<string, unknown> | undefined) ?? {};
  const member = name.slice(start, end);
  const child = plan.props.get(member);
  // Members the schema does not know are ignored, as top-level unknown parameters are.
  if (child !== undefined) obj[member] = put(child, obj[member], name, end + 1, raw);
  return obj;
}

/** The 1-based index in name[start, end), or 0 when it is not one (RPC lists are 1-based). */
function indexAt(name: string, start: number, end: number): number {
  // Nine digits at most keep the number exact; a leading zero is not an index.
  if (end === start || end - start > 9 || name.charCodeAt(start) === 48) return 0;
  let index = 0;
  for (let i = start; i < end; i++) {
    const digit = name.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return 0;
    index = index * 10 + digit;
  }
  return index;
}

function finish(plan: Plan, value: unknown, path: string): unknown {
  if (plan.kind === 'scalar') return value;
  if (plan.kind === 'object') {
    const obj = value as Record<string, unknown>;
    for (const [name, child] of plan.props) {
      // Scalars are final already: no call, and no wire path built for them.
      if (child.kind !== 'scalar' && obj[name] !== undefined) obj[name] = finish(child, obj[name], path === '' ? name : `${path}.${name}`);
    }
    return obj;
  }
  const { items, size } = value as ListBuilder;
  // Indices must run 1..N without gaps, so a list position always names its wire index.
  if (size !== items.length) throw paramError('Invalid', path);
  if (plan.item.kind !== 'scalar') for (let i = 0; i < items.length; i++) items[i] = finish(plan.item, items[i], `${path}.${i + 1}`);
  return items;
}

/** Turns a validator path (`/DeviceList/2/DeviceName`) into the wire name (`DeviceList.3.DeviceName`). */
function wireName(plan: Plan, pointer: string): string {
  const out: string[] = [];
  let at: Plan | undefined = plan;
  for (const seg of pointer.split('/').slice(1)) {
    if (at?.kind === 'array') {
      out.push(String(Number(seg) + 1));
      at = at.item;
    } else {
      out.push(seg);
      at = at?.kind === 'object' ? at.props.get(seg) : undefined;
    }
  }
  return out.join('.');
}

/**
 * Decodes flat RPC parameters into the schema's shape: 1-based RepeatLists
 * (`DeviceList.1.DeviceName`) become arrays of structs or strings, Integer/Long/Boolean strings
 * are coerced, unknown names are ignored. Throws `Missing<Name>` for an absent required
 * parameter and `Invalid<Name>` for a value or shape the schema rejects (or a string holding a
 * NUL character), naming the wire
 * parameter (`MissingDeviceList.3.DeviceSecret`); MissingParameter / InvalidParameter when a
 * name cannot form such a code.
 */
export function decodeParams<S extends TObject>(schema: S, pairs: ReadonlyMap<string, string>): Static<S> {
  const { plan, check } = compiled(schema);
  const root: Record<string, unknown> = {};
  for (const [name, raw] of pairs) {
    const dot = name.indexOf('.');
    const top = dot < 0 ? name : name.slice(0, dot);
    const child = plan.props.get(top);
    if (child !== undefined) root[top] = put(child, root[top], name, top.length + 1, raw);
  }
  const value = finish(plan, root, '');
  if (check.Check(value)) return value as Static<S>;
  const first = check.Errors(value).First();
  if (first === undefined) throw new TypeError('decodeParams: validator rejected a value without an error');
  const prefix = first.type === ValueErrorType.ObjectRequiredProperty ? 'Missing' : 'Invalid';
  throw paramError(prefix, wireName(plan, first.path));
}
