import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../runtime.ts';
import { dropAccountState, dropAllState, restoreSnapshot, saveSnapshot } from '../storage/state.ts';
import { applyFixture, readFixture, type Fixture } from './seed/fixture.ts';
import type { SeedSection } from './seed/seed-section.ts';

/** What a snapshot may be called: it names a file in the data dir's snapshots folder. */
export const SNAPSHOT_NAME_PATTERN = '^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$';

export interface SnapshotInfo {
  readonly name: string;
  readonly bytes: number;
  readonly savedAt: string;
}

/** A snapshot asked for by a name that has none. */
export class SnapshotNotFound extends Error {}

/**
 * The emulator's whole-state controls: fixtures, reset and snapshots. One runs at a time in this
 * process (a restore in the middle of a seed would interleave both). After a reset or restore the
 * key ring forgets what it cached, so a dropped key stops working at once and a restored one
 * works at once.
 */
export class EmulatorState {
  static readonly #ofRuntime = new WeakMap<Runtime, EmulatorState>();

  /** The runtime's one state: every route that changes it (emulator controls, console) queues on the same lock. */
  static of(runtime: Runtime, sections: readonly SeedSection[]): EmulatorState {
    let state = EmulatorState.#ofRuntime.get(runtime);
    if (!state) EmulatorState.#ofRuntime.set(runtime, (state = new EmulatorState(runtime, sections)));
    return state;
  }

  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runtime: Runtime,
    private readonly sections: readonly SeedSection[],
  ) {}

  seed(fixture: Fixture): Promise<Record<string, number>> {
    return this.#exclusive(() => applyFixture(this.runtime, fixture, this.sections));
  }

  /** Drops every account's state, or one account's (the account and its keys stay), then applies the start-up fixture again, if there was one. */
  reset(accountId?: string): Promise<{ seeded: Record<string, number> | null }> {
    return this.#exclusive(async () => {
      const { store } = this.runtime;
      if (accountId === undefined) await dropAllState(store);
      else await dropAccountState(store, accountId, this.sections.flatMap((section) => section.detachAccount?.(store.db, accountId) ?? []));
      this.runtime.keyRing.forget();
      const file = this.runtime.config.seedFile;
      return { seeded: file ? await applyFixture(this.runtime, readFixture(file, this.sections), this.sections) : null };
    });
  }

  saveSnapshot(name: string): Promise<SnapshotInfo> {
    return this.#exclusive(async () => {
      mkdirSync(this.#directory(), { recursive: true, mode: 0o700 });
      await saveSnapshot(this.runtime.store, this.#file(name));
      return this.#info(name);
    });
  }

  restoreSnapshot(name: string): Promise<SnapshotInfo> {
    return this.#exclusive(async () => {
      const info = this.#info(name);
      await restoreSnapshot(this.runtime.store, this.#file(name));
      this.runtime.keyRing.forget();
      return info;
    });
  }

  listSnapshots(): SnapshotInfo[] {
    const suffix = this.#suffix();
    let names: string[];
    try {
      names = readdirSync(this.#directory());
    } catch {
      return [];
    }
    return names
      .filter((file) => file.endsWith(suffix))
      .map((file) => this.#info(file.slice(0, -suffix.length)))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  #info(name: string): SnapshotInfo {
    try {
      const stat = statSync(this.#file(name));
      return { name, bytes: stat.size, savedAt: stat.mtime.toISOString() };
    } catch {
      throw new SnapshotNotFound(`no snapshot ${name}`);
    }
  }

  #directory(): string {
    return join(this.runtime.config.dataDir, 'snapshots');
  }

  /** SQLite snapshots are database files; PostgreSQL ones JSON (storage/state.ts): one engine's cannot be restored on the other. */
  #suffix(): string {
    return this.runtime.store.dialect === 'sqlite' ? '.sqlite' : '.json';
  }

  #file(name: string): string {
    return join(this.#directory(), `${name}${this.#suffix()}`);
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
