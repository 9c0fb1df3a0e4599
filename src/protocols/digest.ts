import { createHash, timingSafeEqual } from 'node:crypto';

/** Lower-case hex SHA-256, the payload hash of both clouds' v3 signatures. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Constant-time equality of two strings, for comparing signatures. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
