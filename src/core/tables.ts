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
}

/** A fact every node of one database shares, such as the master key check. */
export interface CoreSettingRow {
  name: string;
  value: string;
  created_at: number;
}
