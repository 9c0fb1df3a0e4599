/**
 * This process's signal that device access was revoked (a device deleted, disabled or reset, a
 * product forbidden, ClientIds deleted): the MQTT listener revalidates its connections at once
 * instead of at its next periodic check, which is what covers other nodes.
 */
export class AccessRevocations {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
