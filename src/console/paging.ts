import { Type, type TProperties } from '@sinclair/typebox';
import type { Keyed, KeysetPage, KeysetPosition } from '../storage/keyset.ts';
import { ConsoleError } from './console-route.ts';

export const MAX_PAGE = 200;

/** `?limit=&cursor=` plus a list's own filters. */
export function PagedQuery<P extends TProperties>(filters: P) {
  return Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 }),
      cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000 })),
      ...filters,
    },
    { additionalProperties: false },
  );
}

/** `?q=`: a prefix of the list's search column. */
export const Prefix = Type.Optional(Type.String({ minLength: 1, maxLength: 128 }));

/** A cursor is the last row's keyset position, as base64url JSON: opaque to the browser. */
const encodeCursor = (position: KeysetPosition): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/** What each value of a list's keyset position is: its order columns' types (a bigint column is a number). */
export type CursorKinds = readonly ('number' | 'string')[];

const ofKind = (value: unknown, kind: CursorKinds[number]): boolean => (kind === 'number' ? Number.isSafeInteger(value) : typeof value === 'string');

/**
 * The keyset page a `?limit=&cursor=` asks for. A cursor no list of this shape gave is 400: each
 * value must be of its column's kind (PostgreSQL would fail a string against a bigint column).
 */
export function keysetPage(query: { readonly limit: number; readonly cursor?: string | undefined }, kinds: CursorKinds): KeysetPage {
  if (query.cursor === undefined) return { limit: query.limit };
  let after: unknown;
  try {
    after = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  } catch {
    after = undefined;
  }
  const valid = Array.isArray(after) && after.length === kinds.length && after.every((value, i) => ofKind(value, kinds[i]!));
  if (!valid) throw new ConsoleError(400, 'InvalidParameter', 'cursor is not one this list gave: start again from the first page');
  return { after: after as KeysetPosition, limit: query.limit };
}

/** A page as the console answers it. */
export function pageAnswer<Row, Item>(page: Keyed<Row>, view: (row: Row) => Item, extra: Record<string, unknown> = {}) {
  return { items: page.rows.map(view), nextCursor: page.next === undefined ? null : encodeCursor(page.next), ...extra };
}

/** A list small enough to answer whole (an account's keys, sub-users, vouchers): one page, no cursor. */
export const wholeList = <Item>(items: readonly Item[]) => ({ items, nextCursor: null });
