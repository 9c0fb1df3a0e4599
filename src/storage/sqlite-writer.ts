import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';
import type { DirectRead } from './prepared-query.ts';
import type { GuardedStatement } from './atomic-write.ts';
import { failure, groupCommitter, openWritingConnection, statementCache, type AtomicStatement, type WriteFailure } from './sqlite-group-commit.js';

/** What the writer thread answers (see sqlite-writer.worker.js). */
interface WriterReply {
  readonly id: number;
  readonly rows?: unknown[];
  readonly changes?: number;
  readonly lastInsertRowid?: number | bigint;
  readonly error?: WriteFailure;
  /** An atomicBatch's outcome per write, in order: {} or { error }. */
  readonly outcomes?: readonly { readonly error?: WriteFailure }[];
}

type WriterRequest =
  | {
      readonly sql: string;
      readonly parameters: readonly unknown[];
      /** Refused unless the writer's connection is inside a transaction (see RoutedConnection.begin). */
      readonly inTransaction?: boolean;
    }
  | { readonly atomicBatch: readonly (readonly AtomicStatement[])[] };

/**
 * The thread that owns a file store's writing connection. Started on first use and again after
 * an unexpected exit (SQLite rolls back whatever transaction the lost thread had open).
 */
class WriterThread {
  readonly #file: string;
  /** Until the checkpointer thread is lost, commits leave the WAL to it. */
  #checkpointsElsewhere = true;
  readonly #onFailure: (error: unknown) => void;
  readonly #pending = new Map<number, { resolve(reply: WriterReply): void; reject(error: unknown): void }>();
  /** Requests waiting for the end of this turn of the event loop, to be posted together. */
  #outbox: ({ readonly id: number } & WriterRequest)[] = [];
  #worker: Worker | undefined;
  #exited: Promise<void> = Promise.resolve();
  #nextId = 1;
  #closing = false;

  constructor(file: string, onFailure: (error: unknown) => void) {
    this.#file = file;
    this.#onFailure = onFailure;
  }

  /** Sends the request at the end of this turn of the event loop, or with `now` at once, with whatever waits before it. */
  request(request: WriterRequest, now = false): Promise<WriterReply> {
    if (this.#closing) return Promise.reject(new Error('the SQLite store is closed'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Referenced only while it owes an answer, as an inline connection keeps nothing alive.
      if (this.#pending.size === 1) worker.ref();
      this.#outbox.push({ id, ...request });
      if (now) this.#send();
      else if (this.#outbox.length === 1) setImmediate(() => this.#send());
    });
  }

  /**
   * Posts what this turn of the event loop asked for as one message, in order: under load, many
   * requests' writes cost one message each way instead of one each (posting a message costs more
   * than a point write). The thread answers a batch with one message of replies.
   */
  #send(): void {
    const outbox = this.#outbox;
    this.#outbox = [];
    // A lost thread took its requests with it (#lost); those left are the current thread's.
    if (outbox.length > 0) this.#worker?.postMessage(outbox.length === 1 ? outbox[0] : { batch: outbox });
  }

  #start(): Worker {
    // Up one level and back into storage/: the same path from src/storage/ and from the bundle at
    // dist/cli/main.js, which keeps the worker at dist/storage/ (scripts/build.ts).
    const worker = new Worker(new URL('../storage/sqlite-writer.worker.js', import.meta.url), {
      workerData: { file: this.#file, checkpointsElsewhere: this.#checkpointsElsewhere },
    });
    worker.unref();
    worker.on('message', (message: WriterReply | { readonly batch: readonly WriterReply[] }) => {
      for (const reply of 'batch' in message ? message.batch : [message]) {
        const waiter = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        waiter?.resolve(reply);
      }
      if (this.#pending.size === 0) worker.unref();
    });
    worker.on('error', (error) => this.#lost(worker, error));
    this.#exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (!this.#closing) this.#lost(worker, new Error(`the SQLite writer thread exited with code ${code}`));
        resolve();
      }),
    );
    this.#worker = worker;
    return worker;
  }

  /** Makes commits checkpoint the WAL themselves, now and on any thread started later. */
  async checkpointInline(): Promise<void> {
    this.#checkpointsElsewhere = false;
    if (this.#worker) await runOnWriter(this, { sql: 'pragma wal_autocheckpoint = 1000', parameters: [] });
  }

  #lost(worker: Worker, error: unknown): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
    this.#outbox = [];
    this.#onFailure(error);
  }

  async close(): Promise<void> {
    this.#closing = true;
    const worker = this.#worker;
    if (!worker) return;
    worker.ref();
    this.#send();
    worker.postMessage('close');
    await this.#exited;
  }
}

/** An error from the writer thread, with the code callers match on (`SQLITE_CONSTRAINT_UNIQUE`, …). */
class WriterError extends Error {
  readonly code: string | undefined;
  /** Which statement of an atomic write missed its expected change count (see atomic-write.ts). */
  readonly statement: number | undefined;

  constructor(error: WriteFailure) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
    this.statement = error.statement;
  }
}

async function runOnWriter(writer: WriterThread, request: WriterRequest, now = false): Promise<WriterReply> {
  const reply = await writer.request(request, now);
  if (reply.error) throw new WriterError(reply.error);
  return reply;
}

/** An atomic write waiting for its group to commit. */
interface WaitingWrite {
  readonly atomic: readonly AtomicStatement[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Atomic writes of at most this many statements and parameters in all (an order, a device added:
 * a few rows) commit on the event loop's own writing connection; larger ones (a batch of 100
 * activations) on the writer thread. A small group spends less time in SQLite than handing it to
 * the thread costs (two messages, two thread wake-ups, the pages the thread's cache lost to the
 * last commit): measured with bench/support/order-path.ts, 34 instead of 71 µs of CPU per order.
 */
const SMALL_WRITE = { statements: 16, parameters: 256 };

/** An event-loop group stops gathering at this many parameters, so one commit never holds the loop long. */
const SMALL_GROUP_PARAMETERS = 16_384;

const parameterCount = (atomic: readonly AtomicStatement[]): number => atomic.reduce((sum, statement) => sum + statement.parameters.length, 0);
const isSmall = (atomic: readonly AtomicStatement[], parameters: number): boolean => atomic.length <= SMALL_WRITE.statements && parameters <= SMALL_WRITE.parameters;

interface WritingConnection {
  readonly db: ReturnType<typeof openWritingConnection>;
  readonly committer: ReturnType<typeof groupCommitter>;
}

/**
 * The event loop's writing connection, for groups of small atomic writes (SMALL_WRITE), opened on
 * first use. It never waits for another process's write lock (busy_timeout 0): a group that
 * cannot begin goes to the writer thread, which waits off the event loop.
 */
class EventLoopWriter {
  readonly #file: string;
  #checkpointsElsewhere = true;
  #connection: WritingConnection | undefined;
  #closed = false;

  constructor(file: string) {
    this.#file = file;
  }

  /** The group's outcomes, or undefined when it could not begin (nothing was written). */
  writeGroup(writes: readonly (readonly AtomicStatement[])[]): readonly { readonly error?: WriteFailure }[] | undefined {
    if (this.#closed) throw new Error('the SQLite store is closed');
    const { committer } = this.#connection ?? this.#open();
    const written = committer.writeGroup(writes);
    if (written.notBegun === undefined) return written.outcomes;
    // SQLITE_BUSY and its extended codes: another connection holds the write lock.
    if ((written.notBegun as { code?: string }).code?.startsWith('SQLITE_BUSY')) return undefined;
    throw written.notBegun;
  }

  #open(): WritingConnection {
    const db = openWritingConnection(this.#file, { busyTimeoutMs: 0, checkpointsElsewhere: this.#checkpointsElsewhere });
    this.#connection = { db, committer: groupCommitter(db, statementCache(db)) };
    return this.#connection;
  }

  checkpointInline(): void {
    this.#checkpointsElsewhere = false;
    this.#connection?.db.pragma('wal_autocheckpoint = 1000');
  }

  close(): void {
    this.#closed = true;
    this.#connection?.db.close();
    this.#connection = undefined;
  }
}

/**
 * Who may write: SQLite lets one connection write at a time, and a process has two writing
 * connections (the writer thread's, the event loop's). The writer thread runs each message whole
 * and in order, so lone statements share it: many can be in flight, not one round trip after
 * another. A transaction spans several messages and a group of atomic writes is answered only
 * once it has committed, so each holds the writing side alone, once the messages sent before it
 * are answered (while a group commits, the next one gathers). First come, first served: a waiting
 * holder holds back the messages asked for after it.
 */
class WriteLock {
  readonly #waiting: { readonly alone: boolean; grant(release: () => void): void }[] = [];
  #inFlight = 0;
  #heldAlone = false;

  /** Nobody holds or waits for the connection: an acquire now is granted at once. */
  get free(): boolean {
    return !this.#heldAlone && this.#inFlight === 0 && this.#waiting.length === 0;
  }

  /** Resolves, once the connection is ours alone (a transaction), to the function that hands it on. */
  acquire(): Promise<() => void> {
    return this.#take(true);
  }

  /** Resolves, once no transaction holds the connection, to the function that ends this message's share. */
  share(): Promise<() => void> {
    return this.#take(false);
  }

  #take(alone: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.#waiting.push({ alone, grant: resolve });
      this.#grant();
    });
  }

  #grant(): void {
    while (!this.#heldAlone && this.#waiting.length > 0) {
      const next = this.#waiting[0]!;
      if (next.alone && this.#inFlight > 0) return;
      this.#waiting.shift();
      if (next.alone) {
        this.#heldAlone = true;
        next.grant(() => {
          this.#heldAlone = false;
          this.#grant();
        });
      } else {
        this.#inFlight++;
        next.grant(() => {
          this.#inFlight--;
          this.#grant();
        });
      }
    }
  }
}

/** Atomic writes gathering for one commit, with their parameters in all. */
interface Gathering {
  readonly writes: WaitingWrite[];
  parameters: number;
}

/** Which writing connection a group commits on: the event loop's (small writes) or the writer thread's. */
type GroupKind = 'small' | 'large';

export interface SplitSqliteOptions {
  readonly file: string;
  /** The main thread's connection, used for reads outside transactions. */
  readonly reader: SqliteDatabase;
  readonly onWriterFailure: (error: unknown) => void;
}

/**
 * A Kysely dialect for a SQLite file that writes large things on a thread of its own. A 100-device
 * batch spends more time inside SQLite (B-tree inserts, WAL frames) than in JavaScript; on the
 * event loop that time blocked every other request. Here transactions, lone statements and large
 * atomic writes run on the writer thread while the event loop goes on; small atomic writes (an
 * order) commit on the event loop's own writing connection, where they cost less than the
 * thread's messages (SMALL_WRITE); reads outside transactions stay on the main thread's reading
 * connection, where a point read is cheaper than a message round trip. WAL gives those reads the
 * last committed state, as a separate PostgreSQL connection would see it. Commits leave the WAL to
 * a checkpointer thread (sqlite-checkpointer.ts) until told otherwise.
 */
export class SplitSqliteDialect implements Dialect {
  readonly #options: SplitSqliteOptions;
  readonly #writer: WriterThread;
  readonly #eventLoopWriter: EventLoopWriter;
  readonly #lock = new WriteLock();
  /**
   * The atomic writes waiting for the write lock and the end of the turn, which later ones join
   * until then: small ones for the event loop's connection, large ones for the writer thread.
   */
  readonly #gathering: Record<GroupKind, Gathering | undefined> = { small: undefined, large: undefined };

  constructor(options: SplitSqliteOptions) {
    this.#options = options;
    this.#writer = new WriterThread(options.file, options.onWriterFailure);
    this.#eventLoopWriter = new EventLoopWriter(options.file);
  }

  /** Runs a SELECT at once on the main thread's connection (its statements cached), outside any transaction. */
  readonly read: DirectRead = (sql, parameters) => this.#options.reader.prepare(sql).all(parameters);

  /**
   * Runs the statements as one transaction (see atomic-write.ts): small writes on the event loop's
   * writing connection, large ones on the writer thread (SMALL_WRITE). Atomic writes
   * that arrive in the same turn of the event loop, or while the write lock is taken, wait
   * together and commit once (group commit): each still commits or fails alone (the group runs
   * again with a savepoint per write when one fails), and none is answered before the commit that
   * holds it. Under load this costs one commit (and for the thread one round trip) per group
   * instead of per write. A group holds the writing side alone, so the next group gathers while
   * one commits.
   */
  writeAtomically(statements: readonly GuardedStatement[]): Promise<void> {
    const atomic = statements.map(({ query, expectedChanges }) => ({ sql: query.sql, parameters: query.parameters, expectedChanges }));
    return new Promise((resolve, reject) => {
      const waiting = { atomic, resolve, reject };
      const parameters = parameterCount(atomic);
      const kind: GroupKind = isSmall(atomic, parameters) ? 'small' : 'large';
      const gathering = this.#gathering[kind];
      // Only an event-loop group has a size limit: the thread's commits never hold the event loop.
      if (gathering && (kind === 'large' || gathering.parameters + parameters <= SMALL_GROUP_PARAMETERS)) {
        gathering.parameters += parameters;
        return void gathering.writes.push(waiting);
      }
      const group = { writes: [waiting], parameters };
      this.#gathering[kind] = group;
      void this.#commitGroup(kind, group);
    });
  }

  /** Commits a gathered group once the write lock is its own. */
  async #commitGroup(kind: GroupKind, group: Gathering): Promise<void> {
    const lockWasFree = this.#lock.free;
    const release = await this.#lock.acquire();
    // A group that found the lock free stays open to the end of this turn of the event loop: the
    // requests handled in the same turn join it (each request is a callback of its own, and the
    // free lock would otherwise close the group after the first). One that waited for the lock has
    // gathered meanwhile, and holding it longer would leave the writing side idle.
    if (lockWasFree) await new Promise((resolve) => setImmediate(resolve));
    // A full event-loop group has been replaced by the next already.
    if (this.#gathering[kind] === group) this.#gathering[kind] = undefined;
    try {
      const writes = group.writes.map((write) => write.atomic);
      const outcomes = await (kind === 'small' ? this.#commitOnEventLoop(writes) : this.#commitOnThread(writes));
      group.writes.forEach((write, i) => {
        const error = outcomes[i]!.error;
        if (error) write.reject(new WriterError(error));
        else write.resolve();
      });
    } catch (error) {
      // The whole group rolled back (or the thread was lost): none of its writes happened.
      for (const write of group.writes) write.reject(error);
    } finally {
      release();
    }
  }

  async #commitOnThread(writes: readonly (readonly AtomicStatement[])[]): Promise<readonly { readonly error?: WriteFailure }[]> {
    return (await runOnWriter(this.#writer, { atomicBatch: writes }, true)).outcomes!;
  }

  /** On the event loop, unless another process holds SQLite's write lock: the thread then waits for it. */
  async #commitOnEventLoop(writes: readonly (readonly AtomicStatement[])[]): Promise<readonly { readonly error?: WriteFailure }[]> {
    let outcomes;
    try {
      outcomes = this.#eventLoopWriter.writeGroup(writes);
    } catch (error) {
      throw new WriterError(failure(error));
    }
    return outcomes ?? this.#commitOnThread(writes);
  }

  /** For when the checkpointer thread is gone: commits copy the WAL back themselves again. */
  checkpointInline(): Promise<void> {
    this.#eventLoopWriter.checkpointInline();
    return this.#writer.checkpointInline();
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new SplitSqliteDriver(this.#options.reader, this.read, this.#writer, this.#eventLoopWriter, this.#lock);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

class SplitSqliteDriver implements Driver {
  readonly #reader: SplitSqliteOptions['reader'];
  readonly #read: DirectRead;
  readonly #writer: WriterThread;
  readonly #eventLoopWriter: EventLoopWriter;
  readonly #lock: WriteLock;

  constructor(reader: SplitSqliteOptions['reader'], read: DirectRead, writer: WriterThread, eventLoopWriter: EventLoopWriter, lock: WriteLock) {
    this.#reader = reader;
    this.#read = read;
    this.#writer = writer;
    this.#eventLoopWriter = eventLoopWriter;
    this.#lock = lock;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<RoutedConnection> {
    return new RoutedConnection(this.#read, this.#writer, this.#lock);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).begin();
  }

  // A transaction ends at COMMIT or ROLLBACK, not when Kysely releases the connection: inside
  // db.connection() (as the Migrator uses on SQLite) one connection runs a transaction and then
  // more statements on its own.
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
    // A failed COMMIT leaves the transaction open for the ROLLBACK Kysely sends next.
    (connection as RoutedConnection).end();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (error) {
      // SQLite already rolled back (some errors end the transaction), BEGIN failed, or the writer thread was lost.
      if (!(error instanceof Error && /no transaction is active|did not begin/.test(error.message))) throw error;
    } finally {
      (connection as RoutedConnection).end();
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as RoutedConnection).end();
  }

  async destroy(): Promise<void> {
    // Writes and transactions already queued finish first; anything queued later is refused.
    const release = await this.#lock.acquire();
    await this.#writer.close();
    this.#eventLoopWriter.close();
    release();
    this.#reader.close();
  }
}

/**
 * One Kysely connection: a transaction holds the write lock alone from begin to release and runs
 * every statement on the writer; outside one, SELECTs run here and anything else shares the lock
 * for one statement.
 */
class RoutedConnection implements DatabaseConnection {
  readonly #read: DirectRead;
  readonly #writer: WriterThread;
  readonly #lock: WriteLock;
  #release: (() => void) | undefined;
  /** The BEGIN sent ahead of the transaction's first statement, until that statement has heard of it. */
  #begun: Promise<WriterReply> | undefined;

  constructor(read: DirectRead, writer: WriterThread, lock: WriteLock) {
    this.#read = read;
    this.#writer = writer;
    this.#lock = lock;
  }

  /**
   * Takes the write lock and sends BEGIN without waiting for it: the first statement follows in
   * the same queue, which saves the transaction a round trip to the writer thread while it holds
   * the lock. Statements are marked as belonging to a transaction, and the writer refuses them
   * outside one, so a failed BEGIN can never let them run on their own.
   */
  async begin(): Promise<void> {
    this.#release = await this.#lock.acquire();
    // IMMEDIATE takes SQLite's write lock up front: another process's writer (a CLI command) makes
    // this wait for busy_timeout instead of failing halfway when a read turns into a write.
    this.#begun = runOnWriter(this.#writer, { sql: 'begin immediate', parameters: [] });
    // Heard by the first statement; until then, not an unhandled rejection.
    this.#begun.catch(() => {});
  }

  end(): void {
    this.#begun = undefined;
    this.#release?.();
    this.#release = undefined;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.#release && SelectQueryNode.is(compiled.query)) {
      return { rows: this.#read(compiled.sql, compiled.parameters) as R[] };
    }
    if (this.#release) {
      const reply = runOnWriter(this.#writer, { sql: compiled.sql, parameters: compiled.parameters, inTransaction: true });
      const begun = this.#begun;
      this.#begun = undefined;
      if (begun) {
        // A failed BEGIN is the error to report; the statement's refusal only follows from it.
        reply.catch(() => {});
        await begun;
      }
      return toResult(await reply);
    }
    const release = await this.#lock.share();
    try {
      return toResult(await runOnWriter(this.#writer, { sql: compiled.sql, parameters: compiled.parameters }));
    } finally {
      release();
    }
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the SQLite store');
  }
}

function toResult<R>(reply: WriterReply): QueryResult<R> {
  if (reply.rows) return { rows: reply.rows as R[] };
  return {
    rows: [],
    numAffectedRows: reply.changes === undefined ? undefined : BigInt(reply.changes),
    insertId: reply.lastInsertRowid === undefined ? undefined : BigInt(reply.lastInsertRowid),
  };
}
