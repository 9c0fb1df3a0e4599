import type { CoreTables } from '../core/tables.ts';

/**
 * Every table Fleetgate has, so Kysely types every query against the whole schema. Each product
 * declares its tables next to its code and merges them into this interface (`declare module` in
 * its tables.ts), so storage never imports a product.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the products' tables merge into it
export interface Database extends CoreTables {}
