/** What the emulator clock reports: business time, the real time and the offset between them. */
export interface ClockState {
  /** Business time, ISO 8601. */
  readonly now: string;
  readonly realNow: string;
  readonly offsetMs: number;
  /** Whether signature freshness follows business time too (off unless asked). */
  readonly signatures: boolean;
}

/**
 * The emulator's clock: business time (`now`, what handlers read as ctx.now) runs `offsetMs`
 * ahead of (or behind) the real clock. Everything that guards the service itself (signature and
 * replay windows, key caches, rate limits, fault expiry) stays on real time, so moving the clock
 * cannot lock clients out; signature freshness follows business time only when asked.
 */
export class EmulatorClock {
  #offsetMs = 0;
  #signatures = false;

  constructor(readonly realNow: () => number = Date.now) {}

  /** Business time in epoch milliseconds. */
  readonly now = (): number => this.realNow() + this.#offsetMs;

  /** What a request's timestamp is judged against. */
  readonly signatureNow = (): number => (this.#signatures ? this.now() : this.realNow());

  get offsetMs(): number {
    return this.#offsetMs;
  }

  set(offsetMs: number, signatures = this.#signatures): void {
    this.#offsetMs = offsetMs;
    this.#signatures = signatures;
  }

  reset(): void {
    this.set(0, false);
  }

  state(): ClockState {
    const real = this.realNow();
    return { now: new Date(real + this.#offsetMs).toISOString(), realNow: new Date(real).toISOString(), offsetMs: this.#offsetMs, signatures: this.#signatures };
  }
}
