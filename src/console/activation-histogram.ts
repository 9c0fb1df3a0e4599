import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { activationsPerDay } from '../services/tencent/mna/store/hardware.ts';
import { ConsoleError } from './console-route.ts';

export type Bucket = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;
/** About three years of days: a chart's worth, and one grouped query stays small. */
const MAX_DAYS = 1_100;

/** The UTC start of the bucket holding `at`: midnight, the Monday of its week, the 1st of its month. */
export function bucketStart(bucket: Bucket, at: number): number {
  const date = new Date(at);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (bucket === 'day') return midnight;
  if (bucket === 'week') return midnight - ((date.getUTCDay() + 6) % 7) * DAY_MS;
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function nextBucket(bucket: Bucket, start: number): number {
  if (bucket === 'day') return start + DAY_MS;
  if (bucket === 'week') return start + 7 * DAY_MS;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * How many of a vendor's hardware were activated in each bucket from the one holding `from` to
 * the one holding `to` (empty buckets included): one query grouped by day, summed into buckets here.
 */
export async function activationHistogram(db: Kysely<Database>, vendorAccountId: string, bucket: Bucket, from: number, to: number) {
  if (to <= from) throw new ConsoleError(400, 'InvalidParameter', 'to must be after from');
  const first = bucketStart(bucket, from);
  const starts: number[] = [];
  for (let start = first; start < to; start = nextBucket(bucket, start)) starts.push(start);
  const end = nextBucket(bucket, starts[starts.length - 1]!);
  if ((end - first) / DAY_MS > MAX_DAYS) throw new ConsoleError(400, 'InvalidParameter', `the period must span at most ${MAX_DAYS} days`);
  const counts = new Array<number>(starts.length).fill(0);
  let index = 0;
  for (const { day, count } of (await activationsPerDay(db, vendorAccountId, first, end)).sort((a, b) => a.day - b.day)) {
    const at = first + day * DAY_MS;
    while (index + 1 < starts.length && starts[index + 1]! <= at) index++;
    counts[index]! += count;
  }
  return { bucket, from: first, to: end, buckets: starts.map((start, i) => ({ start, count: counts[i]! })) };
}
