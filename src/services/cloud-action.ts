import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { ActionContext } from './action-context.ts';

/**
 * One cloud API action, Tencent or Alibaba alike: its request schema (taken from the product's
 * generated spec) and its handler. The handler returns the response fields without `RequestId`
 * (Tencent: the fields of `Response`; Alibaba IoT: the whole body, `Success: true` included) and
 * signals a documented failure by throwing the cloud's error (`TencentError`, `AlibabaError`).
 */
export interface CloudAction<S extends TSchema = TSchema> {
  readonly name: string;
  readonly request: S;
  // Method syntax on purpose: it lets a product hold actions of different parameter types.
  handle(ctx: ActionContext, params: Static<S>): Promise<Record<string, unknown>>;
}

/** Identity helper that lets TypeScript infer the parameter type from the schema. */
export function defineAction<S extends TSchema>(action: CloudAction<S>): CloudAction<S> {
  return action;
}

/** What every product spec holds: its API version and, by name, every action the cloud documents. */
export interface ProductSpec<A = unknown> {
  readonly version: string;
  readonly actions: Readonly<Record<string, A>>;
}

/** A product as a gateway serves it: the spec of the whole API and the actions Fleetgate implements. */
export interface CloudProduct<Spec extends ProductSpec = ProductSpec> {
  readonly spec: Spec;
  readonly actions: readonly CloudAction[];
}

/** A Tencent product spec: routing needs the service, each action's schema and Region rule. */
export type TencentProductSpec = ProductSpec<{ readonly request: TObject; readonly regionRequired: boolean }> & { readonly service: string };

/** An Alibaba product spec: throttling needs each action's documented QPS, when there is one. */
export type AlibabaProductSpec = ProductSpec<{ readonly qps?: number }> & { readonly product: string };

export type TencentProduct = CloudProduct<TencentProductSpec>;
export type AlibabaProduct = CloudProduct<AlibabaProductSpec>;

/**
 * A product's implemented actions by name. Throws at start-up, naming the product, when one is
 * registered twice or is not in the product’s spec (a typo would otherwise never be routed).
 */
export function implementedActions(product: CloudProduct, label: string): ReadonlyMap<string, CloudAction> {
  const byName = new Map<string, CloudAction>();
  for (const action of product.actions) {
    if (!Object.hasOwn(product.spec.actions, action.name)) {
      throw new Error(`${label} ${product.spec.version}: action ${action.name} is not in the product’s spec`);
    }
    if (byName.has(action.name)) throw new Error(`${label} ${product.spec.version}: action ${action.name} is registered twice`);
    byName.set(action.name, action);
  }
  return byName;
}
