import type { RawRequest } from '../protocols/raw-request.ts';
import type { Runtime } from '../runtime.ts';

/** The metric `cloud` label of device-side calls: bounded, and apart from the two API gateways'. */
export type DeviceSurface = 'device-tencent' | 'device-alibaba';

/** Failures the pipeline itself detects, before or around an endpoint's own work. */
export type PipelineFault = 'methodNotAllowed' | 'bodyTooLarge' | 'malformedBody' | 'rateLimited' | 'replayed' | 'internal';

/** A refusal in an envelope's own vocabulary: its code (string or number) and message. */
export class DeviceRefusal extends Error {
  constructor(
    readonly code: string | number,
    message: string,
  ) {
    super(message);
  }
}

/** What goes on the wire: always JSON. */
export interface DeviceAnswer {
  readonly status: number;
  readonly body: string;
}

/** How one device protocol answers: success bodies, refusals, and its words for the pipeline's own faults. */
export interface DeviceEnvelope {
  readonly surface: DeviceSurface;
  success(requestId: string, data: Readonly<Record<string, unknown>>): DeviceAnswer;
  refusal(requestId: string, refusal: DeviceRefusal): DeviceAnswer;
  fault(fault: PipelineFault, detail?: { readonly count: number; readonly limit: number }): DeviceRefusal;
}

/** One device request after the pipeline has read it. */
export interface DeviceCall {
  readonly requestId: string;
  /** The exact bytes and headers: device signatures are over them. */
  readonly raw: RawRequest;
  /** The body's top-level fields (a JSON object, or form fields as strings). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly runtime: Runtime;
  /**
   * Claims `key` (a nonce, or a device's random) for `ttlSeconds`, across nodes when Redis is
   * configured; a key claimed before is refused with the envelope's replay refusal. Call it only
   * once the request is known to be genuine, so forgeries cannot use up nonces.
   */
  claimOnce(key: string, ttlSeconds: number): Promise<void>;
  /**
   * Says the request is signed for `subject` (its product): charges the endpoint's budget for it
   * (the envelope's rate-limit refusal when spent) and names it in the log line. Call it as soon
   * as the signature has checked out with that subject's secret, before any write: until then the
   * subject is an unauthenticated body field, and charging forgeries to it would let anyone spend
   * another product's budget. A request that never gets this far is not charged.
   */
  authenticated(subject: string): Promise<void>;
}

/**
 * A device-side endpoint: served on its exact path by POST, without an API signature (each
 * protocol signs with a product secret of its own, checked by the endpoint).
 */
export interface DeviceEndpoint {
  readonly path: string;
  /** The metric `action` label and the log line's `endpoint`. */
  readonly name: string;
  /** The metric `product` label: the product the endpoint belongs to. */
  readonly product: string;
  readonly envelope: DeviceEnvelope;
  /** As the device SDKs send it, whatever Content-Type they claim (Tencent's legacy SDK labels JSON as a form). */
  readonly bodyFormat: 'json' | 'form';
  /** Defaults to DEVICE_BODY_LIMIT_BYTES. */
  readonly maxBodyBytes?: number;
  /**
   * Requests per second per signed subject (its product) unless FLEETGATE_RATE_LIMITS overrides
   * `<surface>:<name>`, charged when the endpoint calls `call.authenticated`.
   */
  readonly rateLimit: { readonly perSecond: number };
  /** Answers the envelope's success data, or throws a DeviceRefusal. */
  handle(call: DeviceCall): Promise<Readonly<Record<string, unknown>>>;
}

/** Device requests are a few fields (a PEM certificate at most): anything bigger is refused unread. */
export const DEVICE_BODY_LIMIT_BYTES = 16 * 1024;

/** Neither cloud documents a rate for its device endpoints: per product and endpoint, overridable. */
export const DEFAULT_DEVICE_RATE_LIMIT = 100;

/** A body field when it is a string. */
export const stringField = (params: Readonly<Record<string, unknown>>, name: string): string | undefined =>
  typeof params[name] === 'string' ? params[name] : undefined;
