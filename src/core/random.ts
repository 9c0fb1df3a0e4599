import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 16 * 1024;
const LARGEST_POOLED = 256;

// One CSPRNG call per 16 KiB instead of one per id, key or IV: a small randomBytes() call costs
// about as much as a big one, and a 100-device activation needs hundreds of them. Every byte is
// handed out once and copied out, so callers never share memory with the pool.
let pool = Buffer.alloc(0);
let offset = 0;

/** `n` bytes from the operating system's CSPRNG (pooled for small requests). */
export function secureRandomBytes(n: number): Buffer {
  if (n > LARGEST_POOLED) return randomBytes(n);
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + n));
  pool.fill(0, offset, offset + n);
  offset += n;
  return bytes;
}
