import type { CallRecord } from './request-log.ts';

/** One API call as the console shows it. */
export interface RecentCall {
  /** 1, 2, 3, … per process: a stream resumes after the last one it saw. */
  readonly seq: number;
  /** Epoch milliseconds (real time) the answer went out. */
  readonly at: number;
  readonly cloud: CallRecord['cloud'];
  readonly accountId: string | null;
  readonly product: string;
  readonly action: string;
  readonly code: string;
  readonly latencyMs: number;
  readonly requestId: string;
}

export type RecentCallListener = (call: RecentCall) => void;

/**
 * The last `capacity` API calls this process answered, for the console. Recording is one slot
 * write into preallocated arrays (the gateway's record is kept as is, nothing is copied); the
 * console's view of a call is built only when it is read or someone is listening.
 */
export class RecentCalls {
  readonly #records: (CallRecord | undefined)[];
  readonly #seconds: Float64Array;
  readonly #at: Float64Array;
  readonly #listeners = new Set<RecentCallListener>();
  /** How many calls were ever recorded: the next call's seq is this plus one. */
  #count = 0;

  constructor(
    readonly capacity = 1_000,
    private readonly now: () => number = Date.now,
  ) {
    this.#records = new Array<CallRecord | undefined>(capacity).fill(undefined);
    this.#seconds = new Float64Array(capacity);
    this.#at = new Float64Array(capacity);
  }

  record(call: CallRecord, seconds: number): void {
    const slot = this.#count % this.capacity;
    this.#records[slot] = call;
    this.#seconds[slot] = seconds;
    this.#at[slot] = this.now();
    this.#count++;
    if (this.#listeners.size > 0) {
      const view = this.#view(this.#count);
      for (const listener of this.#listeners) listener(view);
    }
  }

  /** Calls newer than seq `after` (0: all kept), newest first, at most `limit`. */
  list(limit: number, after = 0): RecentCall[] {
    const oldest = Math.max(after, this.#count - this.capacity) + 1;
    const calls: RecentCall[] = [];
    for (let seq = this.#count; seq >= oldest && calls.length < limit; seq--) calls.push(this.#view(seq));
    return calls;
  }

  /** Calls `listener` with each call recorded from now on; answers the function that stops it. */
  subscribe(listener: RecentCallListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #view(seq: number): RecentCall {
    const slot = (seq - 1) % this.capacity;
    const call = this.#records[slot]!;
    return {
      seq,
      at: this.#at[slot]!,
      cloud: call.cloud,
      accountId: call.accountId ?? null,
      product: call.product,
      action: call.action,
      code: call.code,
      latencyMs: Math.round(this.#seconds[slot]! * 1e6) / 1e3,
      requestId: call.requestId,
    };
  }
}
