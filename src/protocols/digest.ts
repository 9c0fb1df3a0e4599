import { hash, timingSafeEqual } from 'node:crypto';

/** Lower-case hex SHA-256, the payload hash of both clouds' v3 signatures. */
export function sha256Hex(data: string | Buffer): string {
  // One-shot: no Hash object per call (two per TC3 request).
  return hash('sha256', data, 'hex');
}

/** Constant-time equality of two strings, for comparing signatures. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
