import { createCipheriv, createDecipheriv, createHmac, generateKeyPair, sign } from 'node:crypto';
import { secureRandomBytes } from '../../../core/random.ts';
import { promisify } from 'node:util';
import type { ActionContext } from '../../action-context.ts';
import type { SecretBox } from '../../../core/secret-box.ts';
import type { MnaAccountKeyRow } from './tables.ts';
import { findAccountKeys, insertAccountKeysIfAbsent, setPresetKey, setSigningKeyIfAbsent } from './store/account-keys.ts';

const generateRsa = promisify(generateKeyPair);

const DATA_KEY_BYTES = 16;
const PRESET_KEY_BYTES = 32;
const DIGEST_KEY_BYTES = 32;
const GCM_IV_BYTES = 12;

const digestAad = (accountId: string) => `mna.digest-key:${accountId}`;
const signingAad = (accountId: string) => `mna.signing-key:${accountId}`;
const presetAad = (accountId: string) => `mna.preset-key:${accountId}`;
const deviceAad = (deviceId: string) => `mna.device:${deviceId}`;

/** Seals a device's DataKey to its row (AAD `mna.device:<DeviceId>`). */
export const sealDataKey = (secrets: SecretBox, deviceId: string, dataKey: string): string => secrets.seal(dataKey, deviceAad(deviceId));

/** The caller's key row, created (with its digest key) on first use; the first insert wins a race. */
export async function accountKeys(ctx: ActionContext): Promise<MnaAccountKeyRow> {
  const { db } = ctx.store;
  const existing = await findAccountKeys(db, ctx.accountId);
  if (existing) return existing;
  const digestKey = secureRandomBytes(DIGEST_KEY_BYTES).toString('base64');
  await insertAccountKeysIfAbsent(db, ctx.accountId, ctx.secrets.seal(digestKey, digestAad(ctx.accountId)), ctx.now());
  const created = await findAccountKeys(db, ctx.accountId);
  if (!created) throw new Error(`mna_account_keys row of ${ctx.accountId} vanished`);
  return created;
}

/** An account's DataKeys: their fingerprints, and fresh keys. */
export interface DataKeys {
  /**
   * The fingerprint the (account, fingerprint) unique index keeps DataKeys unique by: a function
   * of the key string alone under the account's sealed digest key, so the schema can keep keys
   * unique without storing anything a database reader could test guesses against.
   */
  digest(dataKey: string): string;
  /** A fresh DataKey (16 bytes, base64) with its fingerprint. */
  generate(): { readonly dataKey: string; readonly digest: string };
}

/**
 * A generated DataKey is the AES-256 encryption, under a key derived from the account's digest
 * key, of an ordering block: GENERATED_MARK ‖ the run's 6 random bytes ‖ a 4-byte counter. Without
 * that key it is indistinguishable from 16 random bytes; its fingerprint is `g` + the block in hex,
 * so the keys generated one after the other sit together in the unique index (random HMACs cost
 * an activation batch one index page write per device: three quarters of its pages on SQLite).
 * Every other key (given ones, and those generated before as plain random bytes) is fingerprinted
 * by HMAC-SHA256 in hex: 64 characters, never equal to a 33-character `g` fingerprint.
 */
const GENERATED_MARK = Buffer.from('6d6e612d646b', 'hex');
const RUN_BYTES = 6;
const COUNTER_LIMIT = 2 ** 32;
const generatedRun: { prefix: Buffer; next: number } = { prefix: Buffer.alloc(0), next: COUNTER_LIMIT };

function nextOrderingBlock(): Buffer {
  if (generatedRun.next === COUNTER_LIMIT) {
    generatedRun.prefix = secureRandomBytes(RUN_BYTES);
    generatedRun.next = 0;
  }
  const block = Buffer.alloc(DATA_KEY_BYTES);
  GENERATED_MARK.copy(block, 0);
  generatedRun.prefix.copy(block, GENERATED_MARK.length);
  block.writeUInt32BE(generatedRun.next++, GENERATED_MARK.length + RUN_BYTES);
  return block;
}

const CANONICAL_16_BYTES_BASE64 = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/**
 * AES-256 on single blocks under one key (ECB: a keyed permutation of 16 bytes). ECB without
 * padding turns each whole block it is given into its output at once and keeps no state between
 * blocks, so one cipher of each direction serves every block of a batch: a cipher per block cost
 * an activation about a third of its main thread's crypto.
 */
function aesBlocks(key: Buffer): { encrypt(block: Buffer): Buffer; decrypt(block: Buffer): Buffer } {
  const cipher = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  return { encrypt: (block) => cipher.update(block), decrypt: (block) => decipher.update(block) };
}

/** The account's DataKeys, under its digest key (opened once per call: once per batch). */
export function accountDataKeys(ctx: ActionContext, keys: MnaAccountKeyRow): DataKeys {
  const digestKey = Buffer.from(ctx.secrets.open(keys.digest_key_sealed, digestAad(ctx.accountId)), 'base64');
  const blocks = aesBlocks(createHmac('sha256', digestKey).update('mna.generated-data-key').digest());
  const generatedDigest = (block: Buffer) => `g${block.toString('hex')}`;
  return {
    digest(dataKey) {
      if (CANONICAL_16_BYTES_BASE64.test(dataKey)) {
        const block = blocks.decrypt(Buffer.from(dataKey, 'base64'));
        if (block.subarray(0, GENERATED_MARK.length).equals(GENERATED_MARK)) return generatedDigest(block);
      }
      return createHmac('sha256', digestKey).update(dataKey, 'utf8').digest('hex');
    },
    generate() {
      const block = nextOrderingBlock();
      return { dataKey: blocks.encrypt(block).toString('base64'), digest: generatedDigest(block) };
    },
  };
}

export interface SigningKey {
  /** RSA-2048 public key, PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`), as GetPublicKey returns it. */
  readonly publicKey: string;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over the UTF-8 message, base64. */
  sign(message: string): string;
}

/**
 * The account's signing key pair, generated on first use. Concurrent first uses may each
 * generate a pair, but only the first stored one is ever kept and used.
 */
export async function signingKey(ctx: ActionContext, keys: MnaAccountKeyRow): Promise<SigningKey> {
  let row = keys;
  if (row.signing_public_key === null) {
    const pair = await generateRsa('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await setSigningKeyIfAbsent(ctx.store.db, ctx.accountId, pair.publicKey, ctx.secrets.seal(pair.privateKey, signingAad(ctx.accountId)));
    row = await accountKeys(ctx);
  }
  const { signing_public_key: publicKey, signing_private_key_sealed: sealed } = row;
  if (publicKey === null || sealed === null) throw new Error(`signing key of ${ctx.accountId} was not stored`);
  const privateKey = ctx.secrets.open(sealed, signingAad(ctx.accountId));
  return { publicKey, sign: (message) => sign('sha256', Buffer.from(message, 'utf8'), privateKey).toString('base64') };
}

/** Replaces the account's preset key with a fresh one and returns it (base64, 32 bytes). */
export async function rotatePresetKey(ctx: ActionContext): Promise<string> {
  await accountKeys(ctx);
  const presetKey = secureRandomBytes(PRESET_KEY_BYTES).toString('base64');
  await setPresetKey(ctx.store.db, ctx.accountId, ctx.secrets.seal(presetKey, presetAad(ctx.accountId)));
  return presetKey;
}

/**
 * Encrypts a DataKey for delivery under the account's preset key: AES-256-GCM over the DataKey's
 * UTF-8 bytes (a DataKey need not be base64), returned as base64(iv ‖ ciphertext ‖ tag), so
 * decrypting gives back exactly the DataKey string. Undefined when no preset key was created.
 */
export function presetKeyEncrypter(ctx: ActionContext, keys: MnaAccountKeyRow): ((dataKey: string) => string) | undefined {
  const sealed = keys.preset_key_sealed;
  if (sealed === null) return undefined;
  const key = Buffer.from(ctx.secrets.open(sealed, presetAad(ctx.accountId)), 'base64');
  return (dataKey) => {
    const iv = secureRandomBytes(GCM_IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(Buffer.from(dataKey, 'utf8')), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  };
}
