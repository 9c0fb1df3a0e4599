import { lowerAlphanumeric } from '../core/ids.ts';

/** Matches any cloud, product, action or account. */
export const ANY = '*';

/** The call a fault is matched against: known once the gateway has authenticated and routed it. */
export interface FaultCall {
  readonly cloud: 'tencent' | 'alibaba';
  /** Tencent's service (`mna`, `iotcloud`), Alibaba's product in lower case (`iot`). */
  readonly product: string;
  readonly action: string;
  readonly account: string;
}

/** What a fault does to the calls it matches; each selector is a name or `*`. */
export interface FaultDefinition {
  readonly cloud: string;
  readonly product: string;
  readonly action: string;
  readonly account: string;
  /** A catalog code of the call's cloud, answered in its own envelope. */
  readonly error?: string;
  /** Milliseconds added before the answer (or before the error). */
  readonly latencyMs?: number;
  /** The share of matching calls the fault hits, in (0, 1]: the k-th call is hit when ⌊k·rate⌋ grows. */
  readonly rate: number;
  /** The fault expires once it has matched this many calls. */
  readonly calls?: number;
  /** The fault expires at this instant (epoch milliseconds). */
  readonly expiresAt?: number;
}

export interface Fault extends FaultDefinition {
  readonly id: string;
  readonly createdAt: number;
  /** Calls it has matched so far, and how many of those it hit. */
  readonly matched: number;
  readonly hits: number;
}

/** The effect on one call: the summed latency and the error of the oldest fault that has one. */
export interface FaultEffect {
  readonly latencyMs: number;
  readonly error: string | undefined;
}

/**
 * The emulator's injected faults, in process memory: each node of a cluster has its own. The
 * gateways ask `armed` first, so a call costs one size check while no fault is set.
 */
export class FaultTable {
  private readonly faults = new Map<string, Fault>();

  constructor(private readonly now: () => number) {}

  get armed(): boolean {
    return this.faults.size > 0;
  }

  /** `createdAt`: the instant a ttl was counted from, so the two never differ by a tick. */
  add(definition: FaultDefinition, createdAt: number): Fault {
    const fault: Fault = { ...definition, id: `fault-${lowerAlphanumeric(10)}`, createdAt, matched: 0, hits: 0 };
    this.faults.set(fault.id, fault);
    return fault;
  }

  /** The live faults, oldest first. */
  list(): Fault[] {
    this.dropExpired();
    return [...this.faults.values()];
  }

  remove(id: string): boolean {
    return this.faults.delete(id);
  }

  /** Removes every fault; returns how many there were. */
  clear(): number {
    const count = this.faults.size;
    this.faults.clear();
    return count;
  }

  /** Counts the call against every live fault it matches and returns what they do to it, if anything. */
  strike(call: FaultCall): FaultEffect | undefined {
    this.dropExpired();
    let latencyMs = 0;
    let error: string | undefined;
    let hit = false;
    for (const fault of this.faults.values()) {
      if (!matches(fault, call)) continue;
      const matched = fault.matched + 1;
      const selected = Math.floor(matched * fault.rate + 1e-9) > Math.floor((matched - 1) * fault.rate + 1e-9);
      const updated = { ...fault, matched, hits: fault.hits + (selected ? 1 : 0) };
      if (fault.calls !== undefined && matched >= fault.calls) this.faults.delete(fault.id);
      else this.faults.set(fault.id, updated);
      if (!selected) continue;
      hit = true;
      latencyMs += fault.latencyMs ?? 0;
      error ??= fault.error;
    }
    return hit ? { latencyMs, error } : undefined;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const fault of this.faults.values()) {
      if (fault.expiresAt !== undefined && fault.expiresAt <= now) this.faults.delete(fault.id);
    }
  }
}

function matches(fault: FaultDefinition, call: FaultCall): boolean {
  return (
    (fault.cloud === ANY || fault.cloud === call.cloud) &&
    (fault.product === ANY || fault.product === call.product) &&
    (fault.action === ANY || fault.action === call.action) &&
    (fault.account === ANY || fault.account === call.account)
  );
}

/**
 * Applies the faults matching a call: waits out their latency, then throws the cloud's error
 * built by `raise` (so it goes out through the gateway's normal error path).
 */
export async function injectFault(table: FaultTable, call: FaultCall, raise: (code: string) => Error): Promise<void> {
  const effect = table.strike(call);
  if (!effect) return;
  if (effect.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, effect.latencyMs));
  if (effect.error !== undefined) throw raise(effect.error);
}
