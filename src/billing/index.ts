export { billingAdminModule } from './admin-routes.ts';
export { billingCliModule } from './cli.ts';
export { billingSeed } from './seed.ts';
export { subUsersSeed } from './users-seed.ts';
