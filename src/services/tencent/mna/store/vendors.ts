import type { Kysely } from 'kysely';
import type { Database } from '../../../../storage/schema.ts';
import type { MnaVendorRow } from '../tables.ts';
import { isForeignKeyViolation } from '../../../../storage/constraints.ts';
import { StoreRefusal } from '../../../../storage/store-refusal.ts';
import { brokenUniqueRule } from './constraints.ts';
import { preparedQuery } from '../../../../storage/prepared-query.ts';

/** A registered hardware vendor. */
export interface Vendor {
  readonly accountId: string;
  readonly name: string;
  readonly createdAt: number;
}

/** What a vendor name may be: the Vendor parameter customers type into ActivateHardware. */
export const VENDOR_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';

/** Why a vendor registration was refused. */
export class VendorRegistrationError extends StoreRefusal<'InvalidVendorName' | 'AccountNotFound' | 'VendorNameTaken' | 'AlreadyVendor'> {}

const toVendor = (row: MnaVendorRow): Vendor => ({ accountId: row.account_id, name: row.name, createdAt: row.created_at });

/** Registers `accountId` as the vendor `name`; the schema keeps both the account and the name unique. */
export async function registerVendor(db: Kysely<Database>, accountId: string, name: string, now: number): Promise<Vendor> {
  if (!new RegExp(VENDOR_NAME_PATTERN).test(name)) {
    throw new VendorRegistrationError('InvalidVendorName', `a vendor name is 1 to 64 letters, digits or the characters _ . - (got "${name}")`);
  }
  const row: MnaVendorRow = { account_id: accountId, name, created_at: now };
  try {
    await db.insertInto('mna_vendors').values(row).execute();
    return toVendor(row);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new VendorRegistrationError('AccountNotFound', `no account ${accountId}`);
    const rule = brokenUniqueRule(error);
    if (rule === 'mna_vendors_name_unique') throw new VendorRegistrationError('VendorNameTaken', `the vendor name "${name}" is taken`);
    if (rule === 'mna_vendors_pk') throw new VendorRegistrationError('AlreadyVendor', `account ${accountId} is already a registered vendor`);
    throw error;
  }
}

export async function listVendors(db: Kysely<Database>): Promise<Vendor[]> {
  const rows = await db.selectFrom('mna_vendors').selectAll().orderBy('name').execute();
  return rows.map(toVendor);
}

export async function findVendorByName(db: Kysely<Database>, name: string): Promise<Vendor | undefined> {
  const row = await db.selectFrom('mna_vendors').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toVendor(row);
}

/** The vendor registration of the caller's own account, if it has one. */
export async function findVendorOfAccount(db: Kysely<Database>, accountId: string): Promise<Vendor | undefined> {
  const row = await db.selectFrom('mna_vendors').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row && toVendor(row);
}

/** Vendor account ids by vendor name, for the names that are registered. */
export async function vendorAccountsByName(db: Kysely<Database>, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await vendorsByName(db, ...new Set(names));
  return new Map(rows.map((row) => [row.name, row.account_id]));
}

// Every ActivateHardware batch asks (usually for one name): compiled once per count of names.
const vendorsByName = preparedQuery((db: Kysely<Database>, ...names: string[]) => db.selectFrom('mna_vendors').select(['name', 'account_id']).where('name', 'in', names));
