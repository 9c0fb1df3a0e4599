import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config.ts';

/** statfs f_type of the kernel's pseudo-filesystems: nothing written there is a file on a disk. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
]);

/** Creates the data dir (0700) or refuses, in one sentence, a path that cannot hold it. */
export function ensureDataDir(dataDir: string): void {
  // mkdirSync's recursive mode never returns under /proc (mkdir answers ENOENT for a parent that
  // exists, and Node retries the parent): find the nearest existing ancestor and create the rest.
  const missing: string[] = [];
  let existing = dataDir;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  const unusable = (why: string) => new ConfigError(`data dir ${dataDir} ${why}`, 'DataDirUnusable');
  const pseudo = PSEUDO_FILESYSTEMS.get(statfsSync(existing).type);
  if (pseudo) throw unusable(`is on the ${pseudo} pseudo-filesystem: choose a directory on a disk`);
  if (!statSync(existing).isDirectory()) throw unusable(existing === dataDir ? 'is a file, not a directory' : `cannot be created: ${existing} is a file`);
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      // Another process starting at the same moment created it first.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw unusable(`cannot be created: ${errnoText(error)}`);
    }
  }
  // No write check here: a data dir whose files all exist may be read-only (a mounted secret);
  // creating a missing file or the database reports its own failure in one line.
}

function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code} on ${e.path ?? 'it'}` : String(error);
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
    throw new ConfigError(`cannot create ${path}: ${errnoText(error)}`, 'DataDirUnusable');
  }
  chmodSync(path, 0o600);
  return { value, created: true };
}

/** The 32-byte master key: FLEETGATE_MASTER_KEY (base64 or 64 hex digits) or `<dataDir>/master.key`. */
export function loadMasterKey(configured: string | undefined, dataDir: string): Buffer {
  const text = configured ?? readOrCreateSecretFile(join(dataDir, 'master.key'), () => randomBytes(32).toString('base64')).value;
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    const source = configured === undefined ? join(dataDir, 'master.key') : 'FLEETGATE_MASTER_KEY';
    throw new ConfigError(`${source} must hold a 32-byte key, given as base64 or 64 hex digits (it holds ${key.length} bytes)`);
  }
  return key;
}

/** The admin bearer token: FLEETGATE_ADMIN_TOKEN or `<dataDir>/admin.token`. */
export function loadAdminToken(configured: string | undefined, dataDir: string): { token: string; created: boolean } {
  if (configured) return { token: configured, created: false };
  const { value, created } = readOrCreateSecretFile(join(dataDir, 'admin.token'), () => `fga_${randomBytes(24).toString('base64url')}`);
  return { token: value, created };
}
