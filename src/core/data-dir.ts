import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/**
 * Reads a secret file of the data dir, creating it (mode 0600) with `generate()` the first time.
 * Returns whether it was created, so the caller can print a freshly generated value once.
 */
export function readOrCreateSecretFile(path: string, generate: () => string): { value: string; created: boolean } {
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), created: false };
  const value = generate();
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it between our check and write: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { value: readFileSync(path, 'utf8').trim(), created: false };
    throw error;
  }
  chmodSync(path, 0o600);
  return { value, created: true };
}

/** The 32-byte master key: FLEETGATE_MASTER_KEY (base64 or 64 hex digits) or `<dataDir>/master.key`. */
export function loadMasterKey(configured: string | undefined, dataDir: string): Buffer {
  const text = configured ?? readOrCreateSecretFile(join(dataDir, 'master.key'), () => randomBytes(32).toString('base64')).value;
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('the master key must be 32 bytes, given as base64 or 64 hex digits');
  return key;
}

/** The admin bearer token: FLEETGATE_ADMIN_TOKEN or `<dataDir>/admin.token`. */
export function loadAdminToken(configured: string | undefined, dataDir: string): { token: string; created: boolean } {
  if (configured) return { token: configured, created: false };
  const { value, created } = readOrCreateSecretFile(join(dataDir, 'admin.token'), () => `fga_${randomBytes(24).toString('base64url')}`);
  return { token: value, created };
}
