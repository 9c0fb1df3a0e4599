import type { Generated } from 'kysely';

/** Tables of the shared core: tenants and their API credentials. Times are epoch milliseconds. */
export interface CoreTables {
  accounts: AccountRow;
  credentials: CredentialRow;
  core_settings: CoreSettingRow;
}

export interface AccountRow {
  /** Numeric-string account id shaped like a cloud UIN, e.g. "100000000001". */
  id: string;
  name: string;
  status: 'active' | 'disabled';
  created_at: number;
  /** 1 when the account's identity is verified (paying actions need it), else 0. */
  identity_verified: Generated<number>;
  /** 1 when the account may use MNA's paid service (its paying actions need it), else 0. */
  mna_authorized: Generated<number>;
}

export type Cloud = 'tencent' | 'alibaba';

export interface CredentialRow {
  /** Tencent SecretId or Alibaba AccessKeyId: the public half, also the primary key. */
  key_id: string;
  account_id: string;
  cloud: Cloud;
  /** SecretKey / AccessKeySecret sealed with the master key (see core/secret-box.ts). */
  secret_sealed: string;
  status: 'active' | 'disabled';
  created_at: number;
  /** The sub-user (billing_users.id) the key belongs to; null for the account's own keys. */
  user_id: Generated<string | null>;
}

/** A fact every node of one database shares, such as the master key check. */
export interface CoreSettingRow {
  name: string;
  value: string;
  created_at: number;
}
