import { createCipheriv, createHmac, generateKeyPair, sign } from 'node:crypto';
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

/** A fresh DataKey: 16 random bytes, base64. */
export const generateDataKey = (): string => secureRandomBytes(DATA_KEY_BYTES).toString('base64');

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

/**
 * The account's DataKey fingerprint: an HMAC under a sealed per-account key, so the schema can
 * keep DataKeys unique without storing anything a database reader could test guesses against.
 */
export function dataKeyDigester(ctx: ActionContext, keys: MnaAccountKeyRow): (dataKey: string) => string {
  const key = Buffer.from(ctx.secrets.open(keys.digest_key_sealed, digestAad(ctx.accountId)), 'base64');
  return (dataKey) => createHmac('sha256', key).update(dataKey, 'utf8').digest('hex');
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
