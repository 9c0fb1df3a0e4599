import type { DeviceCall } from '../../../device/device-endpoint.ts';
import { certPlaintext, encryptRegisterPayload, pskPlaintext } from '../../../protocols/tencent-device/index.ts';
import { StoreRefusal } from '../../../storage/store-refusal.ts';
import type { CertificateContext } from './certificates.ts';
import { certificateOfProductCa, issueCredentials, type IssuedCredentials } from './credentials.ts';
import { createDevice, findDevice, type AtomicWriter, openDevicePsk, updateDevice, type DeviceRefusal as DeviceStoreRefusal, type DeviceRow } from './store/devices.ts';
import { findProductForDevice, openProductSecret, type ProductRow } from './store/products.ts';

/**
 * IoT Hub dynamic registration, whatever protocol carried it (PROTOCOL.md §4.1–4.3): find the
 * product, check the device's signature with its ProductSecret, then RegisterType decides.
 *
 * - 0: refused. 1: only devices created beforehand (CreateDevice) answer. 2: an unknown
 *   DeviceName is created, while fewer than RegisterLimit devices were created that way.
 * - RegisterLimit counts only devices dynamic registration created (type 2), never the
 *   pre-created ones type 1 answers for; deleting such a device gives its place back.
 * - Re-registration of an existing, enabled device succeeds: a key device gets the same PSK
 *   again (a device that lost the answer can retry); a certificate device gets a new certificate
 *   and key, as the key is never stored, and the stored certificate is replaced.
 * - A certificate device may bring its own certificate (the C SDK's `clientCert`, sent when it
 *   holds one): it must be issued by the product's CA, be valid now and name this device
 *   (CN = ProductId + DeviceName), so another device's certificate never replaces it. It
 *   becomes the device's certificate and is answered back with an empty clientKey. Products bound to a private CA require it: Fleetgate
 *   holds only that CA's certificate (CreatePrivateCA takes no key), so it cannot issue theirs.
 */

/** Why a registration is refused; each protocol words it in its own envelope. */
export type RegisterRefusalReason =
  | 'missingField'
  | 'badField'
  | 'badSignature'
  | 'expired'
  | 'productNotExist'
  | 'productForbidden'
  | 'registrationDisabled'
  | 'deviceNotExist'
  | 'limitReached'
  | 'deviceDisabled';

export class RegisterRefused extends Error {
  constructor(
    readonly reason: RegisterRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** What a protocol read from its request; `verify` checks the signature with the product's secret. */
export interface RegisterRequest {
  readonly productId: string;
  readonly deviceName: string;
  /** Unix seconds the device signed. */
  readonly timestamp: number;
  readonly nonce: string;
  /** The device's own certificate (PEM), which only the current protocol carries (signed with the body). */
  readonly clientCert?: string;
  verify(productSecret: string): boolean;
}

/** IoT Hub DeviceName rule (api.json): 1–48 letters, digits, `:`, `_`, `-`. */
const DEVICE_NAME = /^[a-zA-Z0-9:_-]{1,48}$/;

/** Long enough to outlive any clock window a deployment sets, short enough to stay small. */
const MIN_NONCE_TTL_SECONDS = 600;

/** The encrypted answer: Payload and Len (the protocol names the fields). */
export type RegisterAnswer = Readonly<{ Payload: string; Len: number }>;

/** Registers the device a protocol read, or throws RegisterRefused; the answer is the encrypted credential. */
export async function registerDevice(call: DeviceCall, request: RegisterRequest): Promise<RegisterAnswer> {
  const { runtime } = call;
  const window = runtime.config.iothubRegisterWindowSeconds;
  if (window > 0 && Math.abs(runtime.clock.signatureNow() / 1000 - request.timestamp) > window) {
    throw new RegisterRefused('expired', `The signed timestamp ${request.timestamp} is more than ${window} seconds from the server time.`);
  }
  const product = await findProductForDevice(runtime.store.db, request.productId);
  if (!product) throw new RegisterRefused('productNotExist', `The product ${request.productId} does not exist.`);
  const secret = openProductSecret(runtime.secrets, product);
  if (!request.verify(secret)) throw new RegisterRefused('badSignature', 'The signature does not match the request signed with the ProductSecret.');
  // Only now is the request the product's own: its budget and its nonce are spent.
  await call.authenticated(product.product_id);
  await call.claimOnce(`${product.product_id}/${request.deviceName}/${request.timestamp}/${request.nonce}`, Math.max(2 * window, MIN_NONCE_TTL_SECONDS));
  if (product.forbidden === 1) throw new RegisterRefused('productForbidden', `The product ${product.product_id} is forbidden.`);
  if (product.register_type === 0) throw new RegisterRefused('registrationDisabled', `Dynamic registration is disabled for the product ${product.product_id} (RegisterType 0).`);
  if (!DEVICE_NAME.test(request.deviceName)) {
    throw new RegisterRefused('badField', 'DeviceName must be 1 to 48 letters, digits or the characters : _ -.');
  }
  const ctx: RegistrationContext = { db: runtime.store.db, secrets: runtime.secrets, now: runtime.now, writeAtomically: runtime.store.writeAtomically };
  const broughtCert = await broughtCertificate(ctx, product, request.deviceName, request.clientCert, runtime.clock.signatureNow());
  const plaintext = await credentials(ctx, product, request.deviceName, broughtCert);
  return encryptRegisterPayload(secret, plaintext);
}

/** The device's own certificate, checked against the product's CA, its validity (signature clock) and the device's name; required by products bound to a private CA. */
async function broughtCertificate(ctx: CertificateContext, product: ProductRow, deviceName: string, clientCert: string | undefined, atMs: number): Promise<string | undefined> {
  if (clientCert === undefined) {
    if (product.encryption_type === '1' && product.private_ca_name !== null) {
      throw new RegisterRefused(
        'missingField',
        `The product ${product.product_id} is bound to the private CA ${product.private_ca_name}: send the device certificate it issued as clientCert (on /device/register).`,
      );
    }
    return undefined;
  }
  if (product.encryption_type !== '1') throw new RegisterRefused('badField', `The product ${product.product_id} is a key product: only certificate products take a clientCert.`);
  const checked = await certificateOfProductCa(ctx, product, deviceName, clientCert, atMs);
  if ('problem' in checked) throw new RegisterRefused('badField', `The clientCert is refused: ${checked.problem}.`);
  return checked.cert;
}

/** The store, keys and clock registration works with: certificates', plus the store's one-round-trip atomic write. */
type RegistrationContext = CertificateContext & { readonly writeAtomically: AtomicWriter };

/** The device's credential as the payload's plaintext, creating the device under RegisterType 2. */
async function credentials(ctx: RegistrationContext, product: ProductRow, deviceName: string, broughtCert: string | undefined): Promise<string> {
  const existing = await findDevice(ctx.db, product.account_id, product.product_id, deviceName);
  if (existing) return credentialsOf(ctx, product, existing, broughtCert);
  if (product.register_type !== 2) {
    throw new RegisterRefused('deviceNotExist', `The device ${deviceName} does not exist under the product ${product.product_id}, which registers only devices created beforehand (RegisterType 1).`);
  }
  const issued = await credentialsFor(ctx, product, deviceName, broughtCert);
  const credential = 'psk' in issued ? { psk: issued.psk } : { cert: issued.cert };
  try {
    await createDevice(ctx.db, ctx.secrets, product.account_id, { productId: product.product_id, deviceName, ...credential, dynamic: true }, ctx.now(), ctx.writeAtomically);
  } catch (error) {
    if (!(error instanceof StoreRefusal)) throw error;
    const reason = (error as DeviceStoreRefusal).reason;
    if (reason === 'name-taken') {
      // A concurrent registration of the same name won: answer with the device it created.
      const winner = await findDevice(ctx.db, product.account_id, product.product_id, deviceName);
      if (winner) return credentialsOf(ctx, product, winner, broughtCert);
    }
    if (reason === 'product-gone') throw new RegisterRefused('productNotExist', `The product ${product.product_id} does not exist.`);
    throw new RegisterRefused(
      'limitReached',
      reason === 'quota'
        ? `The product ${product.product_id} has reached its device limit.`
        : `The product ${product.product_id} has created its RegisterLimit of ${product.register_limit} devices by dynamic registration.`,
    );
  }
  return plaintextOf(issued);
}

const plaintextOf = (issued: IssuedCredentials): string => ('psk' in issued ? pskPlaintext(issued.psk) : certPlaintext(issued.cert, issued.privateKey));

/** A brought certificate (with no key to hand out), else what the platform issues. */
const credentialsFor = async (ctx: CertificateContext, product: ProductRow, deviceName: string, broughtCert: string | undefined): Promise<IssuedCredentials> =>
  broughtCert === undefined ? issueCredentials(ctx, product, deviceName) : { cert: broughtCert, privateKey: '' };

async function credentialsOf(ctx: CertificateContext, product: ProductRow, device: DeviceRow, broughtCert: string | undefined): Promise<string> {
  if (device.enable_state !== 1) throw new RegisterRefused('deviceDisabled', `The device ${device.device_name} is disabled.`);
  const psk = openDevicePsk(ctx.secrets, device);
  if (psk !== undefined) return pskPlaintext(psk);
  const issued = await credentialsFor(ctx, product, device.device_name, broughtCert);
  if ('cert' in issued) await updateDevice(ctx.db, product.account_id, product.product_id, device.device_name, { cert: issued.cert, cert_state: 1 }, ctx.now());
  return plaintextOf(issued);
}
