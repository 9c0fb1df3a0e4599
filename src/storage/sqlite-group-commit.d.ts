import type { Database } from 'better-sqlite3';

export interface AtomicStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly expectedChanges?: number;
}

/** An error as it crosses a thread: what callers inspect of it. */
export interface WriteFailure {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly statement?: number;
}

export type GroupWritten = { readonly outcomes: readonly { readonly error?: WriteFailure }[]; readonly notBegun?: undefined } | { readonly notBegun: unknown; readonly outcomes?: undefined };

export function openWritingConnection(file: string, options: { readonly busyTimeoutMs: number; readonly checkpointsElsewhere: boolean }): Database;
export function statementCache(db: Database): (sql: string) => ReturnType<Database['prepare']>;
export function failure(error: unknown): WriteFailure;
export function groupCommitter(db: Database, prepare: (sql: string) => ReturnType<Database['prepare']>): { writeGroup(writes: readonly (readonly AtomicStatement[])[]): GroupWritten };
