import { defineAction } from '../../cloud-action.ts';
import { mnaSpec } from '../../../protocols/tencent/specs/mna-2021-01-19.ts';
import { accountKeys, rotatePresetKey, signingKey } from './key-material.ts';

/**
 * CreateEncryptedKey: sets or replaces the caller's preset key (32 random bytes, base64), which
 * AddDevice with Encrypted=true uses to encrypt the DataKey it returns.
 */
export const CreateEncryptedKey = defineAction({
  name: 'CreateEncryptedKey',
  request: mnaSpec.actions.CreateEncryptedKey.request,
  async handle(ctx) {
    return { EncryptedKey: await rotatePresetKey(ctx) };
  },
});

/** GetPublicKey: the caller's RSA public key (PKCS#1 PEM), generated once, that verifies AddDevice signatures. */
export const GetPublicKey = defineAction({
  name: 'GetPublicKey',
  request: mnaSpec.actions.GetPublicKey.request,
  async handle(ctx) {
    return { PublicKey: (await signingKey(ctx, await accountKeys(ctx))).publicKey };
  },
});
