import type { CoreTables } from '../core/tables.ts';
import type { MnaTables } from '../services/tencent/mna/tables.ts';
import type { IotTables } from '../services/alibaba/iot/tables.ts';
import type { BillingTables } from '../billing/tables.ts';

/**
 * Every table Fleetgate has. Each part of the system declares its own tables next to its code
 * and joins them here, so Kysely types every query against the whole schema.
 */
export interface Database extends CoreTables, BillingTables, MnaTables, IotTables {}
