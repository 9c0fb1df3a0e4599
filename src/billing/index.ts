export type { BillingTables } from './tables.ts';
export { billingAdminModule } from './admin-routes.ts';
export { billingCliModule } from './cli.ts';
