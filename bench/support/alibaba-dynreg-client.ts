import { createHmac, randomBytes } from 'node:crypto';

/** HTTPS dynamic registrations of a product's devices, taken in turn, each with a fresh random. */
export interface AlibabaDynregSigning {
  readonly productKey: string;
  readonly productSecret: string;
  readonly deviceNames: readonly string[];
}

let next = 0;

/** A freshly signed form body (PROTOCOL 5.1, hmacsha256), written by hand: the client shares no code with the server. */
export function alibabaDynregBody(signing: AlibabaDynregSigning): string {
  const deviceName = signing.deviceNames[next++ % signing.deviceNames.length]!;
  const random = randomBytes(8).toString('hex');
  const sign = createHmac('sha256', signing.productSecret).update(`deviceName${deviceName}productKey${signing.productKey}random${random}`).digest('hex');
  return new URLSearchParams({ productKey: signing.productKey, deviceName, random, sign, signMethod: 'hmacsha256' }).toString();
}
