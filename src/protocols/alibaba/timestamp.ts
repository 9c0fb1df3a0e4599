import { AlibabaError } from './errors.ts';

/** `Timestamp` / `x-acs-date` may differ from server time by at most 15 minutes (InvalidTimeStamp.Expired). */
export const ALIBABA_TIME_WINDOW_MS = 15 * 60 * 1000;

/**
 * How long a nonce must be remembered: a request stamped 15 minutes ahead stays acceptable
 * until 15 minutes after that, so a shorter memory would let it be replayed.
 */
export const ALIBABA_NONCE_TTL_SECONDS = (2 * ALIBABA_TIME_WINDOW_MS) / 1000;

// ISO 8601 UTC `yyyy-MM-ddTHH:mm:ssZ` (common parameters doc); both SDKs drop milliseconds, others may not.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/**
 * Parses a request time and checks it against the window. Throws InvalidTimeStamp.Format for
 * anything but a real UTC date-time, InvalidTimeStamp.Expired beyond 15 minutes either way.
 */
export function checkRequestTime(value: string, nowMs: number): number {
  const ms = value === lastParsed.value ? lastParsed.ms : parseRequestTime(value);
  if (Math.abs(ms - nowMs) > ALIBABA_TIME_WINDOW_MS) throw new AlibabaError('InvalidTimeStamp.Expired');
  return ms;
}

// Requests of one second share their Timestamp: parsing and checking it once saves a Date round trip per request.
let lastParsed = { value: '', ms: Number.NaN };

function parseRequestTime(value: string): number {
  const ms = ISO_UTC.test(value) ? Date.parse(value) : Number.NaN;
  // Date.parse rolls impossible dates over (Feb 30 → Mar 2); the round trip catches that.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== value.slice(0, 19)) {
    throw new AlibabaError('InvalidTimeStamp.Format');
  }
  lastParsed = { value, ms };
  return ms;
}
