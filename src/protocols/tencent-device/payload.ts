import { createCipheriv } from 'node:crypto';

/**
 * The encrypted answer of dynamic registration (IoT Hub "Dynamic Registration API Description";
 * PROTOCOL.md §4.1): Base64(AES-128-CBC(key = first 16 characters of the ProductSecret, IV = 16
 * ASCII '0', plaintext JSON zero-padded to a multiple of 16)); Len = the plaintext's byte length,
 * which clients cut the decrypted bytes at.
 */
const IV = Buffer.from('0'.repeat(16), 'latin1');

/** The shortest ProductSecret the device SDKs accept (the C SDK refuses shorter: its AES key is its first 16 characters). */
const MIN_PRODUCT_SECRET_LENGTH = 16;

export function encryptRegisterPayload(productSecret: string, plaintext: string): { readonly Payload: string; readonly Len: number } {
  const key = Buffer.from(productSecret.slice(0, MIN_PRODUCT_SECRET_LENGTH), 'utf8');
  if (key.length !== 16) throw new RangeError('the ProductSecret must start with 16 one-byte characters to key AES-128');
  const plain = Buffer.from(plaintext, 'utf8');
  const padded = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]);
  const cipher = createCipheriv('aes-128-cbc', key, IV).setAutoPadding(false);
  return { Payload: Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64'), Len: plain.length };
}

/** The plaintext for a key product: `{"encryptionType":2,"psk":…}`. */
export const pskPlaintext = (psk: string): string => JSON.stringify({ encryptionType: 2, psk });

/** The plaintext for a certificate product: `{"encryptionType":1,"clientCert":…,"clientKey":…}`. */
export const certPlaintext = (clientCert: string, clientKey: string): string => JSON.stringify({ encryptionType: 1, clientCert, clientKey });
