import type { Static, TSchema } from '@sinclair/typebox';
import type { CompiledQuery, Kysely } from 'kysely';
import type { AppContext } from '../../core/app-context.ts';
import type { Database } from '../../storage/schema.ts';
import { actionContext, type ActionContext } from '../../services/action-context.ts';
import type { CloudAction } from '../../services/cloud-action.ts';
import { TencentError } from '../../protocols/tencent/errors.ts';
import { AlibabaError } from '../../protocols/alibaba/errors.ts';

/** A fixture entry that cannot be applied: the message names the entry (`mna.devices[2]`) and why. */
export class SeedRefused extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'SeedRefused';
  }
}

/** What a section applies its entries with. */
export interface SeedContext {
  readonly app: AppContext;
  /** The id of the account named `name` (the `accounts` section's or one already in the database); refuses an unknown one. */
  accountId(name: string, path: string): Promise<string>;
  /**
   * Runs a cloud action as `accountId` would call it, so a fixture entry gets the action's own
   * checks and writes; its documented refusal becomes a SeedRefused naming the entry.
   */
  call<S extends TSchema>(path: string, accountId: string, action: CloudAction<S>, params: Static<S>): Promise<Record<string, unknown>>;
}

/**
 * One part of a fixture, contributed by the product or module that owns its tables (see
 * SEED_SECTIONS in services/registry.ts and src/emulator/README.md). Applying is idempotent: an
 * entry whose natural key already exists is left as it is, so applying a fixture twice changes
 * nothing.
 */
export interface SeedSection<S extends TSchema = TSchema> {
  /** The fixture's top-level key. */
  readonly key: string;
  /** The section's schema: part of the fixture schema, published in the OpenAPI document. */
  readonly schema: S;
  /** Creates what the section lists and the database lacks; returns how many things it created. */
  apply(ctx: SeedContext, section: Static<S>): Promise<number>;
  /**
   * Statements run before an account's rows are dropped (reset of one account): what other
   * accounts' rows pointing at them must become. Rows with the account's `account_id` are
   * deleted generically.
   */
  detachAccount?(db: Kysely<Database>, accountId: string): CompiledQuery[];
  /**
   * Statements that put back, after a full reset, the rows a freshly migrated database holds
   * (reference data a migration inserted, such as the default price list).
   */
  baseline?(db: Kysely<Database>): CompiledQuery[];
}

/** Identity helper that lets TypeScript infer a section's value type from its schema. */
export function defineSeedSection<S extends TSchema>(section: SeedSection<S>): SeedSection<S> {
  return section;
}

let seedCalls = 0;

/** The SeedContext of one application of a fixture. */
export function seedContext(app: AppContext, accounts: Map<string, string>): SeedContext {
  return {
    app,
    async accountId(name, path) {
      const known = accounts.get(name);
      if (known !== undefined) return known;
      const row = await app.store.db.selectFrom('accounts').select('id').where('name', '=', name).executeTakeFirst();
      if (!row) throw new SeedRefused(path, `no account named ${name} (list it under accounts)`);
      accounts.set(name, row.id);
      return row.id;
    },
    async call(path, accountId, action, params) {
      const ctx: ActionContext = actionContext(app, { accountId, userId: null, requestId: `seed-${++seedCalls}`, region: undefined });
      try {
        return await action.handle(ctx, params);
      } catch (error) {
        if (error instanceof TencentError || error instanceof AlibabaError) throw new SeedRefused(path, `${action.name} refused it: ${error.code}: ${error.message}`);
        throw error;
      }
    },
  };
}
