import type { Static, TSchema } from '@sinclair/typebox';
import type { ActionContext } from './action-context.ts';

/**
 * One Alibaba Cloud RPC action: its request schema (derived from api-summary.json) and its
 * handler. The handler returns the whole response body without `RequestId` (for IoT Platform
 * that includes `Success: true` and `Data`); it signals a documented failure by throwing
 * `AlibabaError` (src/protocols/alibaba/errors.ts).
 */
export interface AlibabaAction<S extends TSchema = TSchema> {
  readonly name: string;
  readonly request: S;
  // Method syntax on purpose: it lets a registry hold actions of different parameter types.
  handle(ctx: ActionContext, params: Static<S>): Promise<Record<string, unknown>>;
}

export function defineAlibabaAction<S extends TSchema>(action: AlibabaAction<S>): AlibabaAction<S> {
  return action;
}

/** A product's implemented actions for one API version. */
export interface AlibabaProduct {
  readonly product: string;
  readonly version: string;
  readonly actions: readonly AlibabaAction[];
}
