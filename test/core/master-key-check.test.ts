import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, openTestStore } from '../support/databases.ts';
import { runCli } from '../support/cli.ts';
import { SecretBox } from '../../src/core/secret-box.ts';
import { checkMasterKey, MasterKeyMismatch } from '../../src/core/master-key-check.ts';

describe.each(STORE_KINDS)('the master key check on %s', (kind) => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  beforeAll(async () => {
    opened = await openTestStore(kind);
  });
  afterAll(async () => opened.close());

  it('the first process leaves a marker, and later ones holding the same key pass', async () => {
    const masterKey = randomBytes(32);
    await checkMasterKey(opened.store.db, new SecretBox(masterKey), 1);
    await checkMasterKey(opened.store.db, new SecretBox(masterKey), 2);
  });

  it('a process holding another key is refused before it seals anything', async () => {
    await expect(checkMasterKey(opened.store.db, new SecretBox(randomBytes(32)), 4)).rejects.toBeInstanceOf(MasterKeyMismatch);
  });
});

describe.each(STORE_KINDS)('racing first starts with different keys on %s', (kind) => {
  it('exactly one key wins; the other process is refused', async () => {
    const { store, close } = await openTestStore(kind);
    try {
      const keys = [new SecretBox(randomBytes(32)), new SecretBox(randomBytes(32))];
      const results = await Promise.allSettled(keys.map((key) => checkMasterKey(store.db, key, 1)));
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    } finally {
      await close();
    }
  });
});

describe('a CLI command with another master key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits 1 explaining that every node needs the same FLEETGATE_MASTER_KEY', async () => {
    const first = await runCli(['accounts', 'list', '--data-dir', dataDir], { FLEETGATE_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(first.code, first.stderr).toBe(0);
    const other = await runCli(['accounts', 'list', '--data-dir', dataDir], { FLEETGATE_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/another master key.*FLEETGATE_MASTER_KEY/s);
  });
});
