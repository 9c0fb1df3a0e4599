import type { Static, TSchema } from '@sinclair/typebox';
import type { ActionContext } from './action-context.ts';

/**
 * One Tencent Cloud API 3.0 action: its request schema (derived from the generated spec) and
 * its handler. The handler returns the fields of `Response` without `RequestId`, and signals a
 * documented failure by throwing `TencentError` (src/protocols/tencent/errors.ts).
 */
export interface TencentAction<S extends TSchema = TSchema> {
  readonly name: string;
  readonly request: S;
  // Method syntax on purpose: it lets a registry hold actions of different parameter types.
  handle(ctx: ActionContext, params: Static<S>): Promise<Record<string, unknown>>;
}

/** Identity helper that lets TypeScript infer the parameter type from the schema. */
export function defineTencentAction<S extends TSchema>(action: TencentAction<S>): TencentAction<S> {
  return action;
}

/** A product's implemented actions, registered by Version. */
export interface TencentProduct {
  readonly service: string;
  readonly version: string;
  readonly actions: readonly TencentAction[];
}
