import { fstatSync } from 'node:fs';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

/** What one API call's log line says besides pino's own fields (level, time, pid, hostname, service). */
export interface CallLine {
  readonly requestId: string;
  readonly cloud: string;
  /** Left out of the line when undefined (the call was refused before its key was known), as pino leaves it out. */
  readonly account: string | undefined;
  readonly product: string;
  readonly action: string;
  readonly code: string;
  readonly latencyMs: number;
}

const CALL_MESSAGE = 'api call';

/** Whether `fd` is a regular file (not a pipe, socket, terminal or device). */
function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

const written: Promise<void> = Promise.resolve();

/**
 * A server's JSON log on a file descriptor (stdout) that can say when a line has reached the
 * kernel. It is pino's own destination (sonic-boom), plus a count of the bytes handed to it and
 * the bytes it reports written. A caller that must not answer before its line is written awaits
 * {@link written}: the gateways do, so no call is answered without its line in the kernel's hands,
 * whatever happens to the process after.
 *
 * On a pipe, socket or terminal, whose reader may fall behind, sonic-boom writes asynchronously:
 * one `write` at a time on a libuv thread, lines arriving meanwhile gathered into the next, EAGAIN
 * retried on a timer, EPIPE ends logging, pending lines written on exit. Waiting never blocks the
 * event loop there: a slow reader delays the answers waiting for their lines, not health checks,
 * timers or other work. The answers released by one completed write go out together.
 *
 * On a regular file (`serve >> fleetgate.log`), which has no reader to wait for, the event loop
 * writes each line itself as it is logged, as the SQLite store writes its small transactions: under
 * load the thread's hand-offs cost more than the writes, each a wake-up of a libuv thread and one of
 * the event loop (0.05 context switches per order instead of 0.3-0.7; bench/README.md, fourth
 * pass). A disk that stalls then stalls the event loop, as it would the store.
 */
export class CallLogDestination implements DestinationStream {
  readonly #destination: ReturnType<typeof pino.destination>;
  #handed = 0;
  #written = 0;
  /** Callers waiting for the bytes up to `upTo`, in order. */
  readonly #waiting: { readonly upTo: number; readonly promise: Promise<void>; readonly resolve: () => void }[] = [];
  /** Set once the destination failed (EPIPE and the like): nothing more will be written, nobody waits for it. */
  #failed = false;
  /** Lines are written by write() itself (a regular file). */
  readonly #sync: boolean;

  constructor(fd: number) {
    this.#sync = isRegularFile(fd);
    this.#destination = pino.destination({ dest: fd, sync: this.#sync });
    this.#destination.on('write', (bytes: number) => {
      this.#written += bytes;
      while (this.#waiting.length > 0 && this.#waiting[0]!.upTo <= this.#written) this.#waiting.shift()!.resolve();
    });
    this.#destination.on('error', (error: Error) => {
      if (!this.#failed) process.stderr.write(`fleetgate: the log can no longer be written (${error.message}); calls are answered without it\n`);
      this.#failed = true;
      for (const waiting of this.#waiting.splice(0)) waiting.resolve();
    });
  }

  write(line: string): void {
    if (this.#failed) return;
    this.#handed += Buffer.byteLength(line);
    this.#destination.write(line);
    // A synchronous write returns with the whole line written or has failed: sonic-boom reports
    // only the first part of a line the kernel took in two writes.
    if (this.#sync && !this.#failed) this.#written = this.#handed;
  }

  /** Resolves once every line given so far is written. */
  written(): Promise<void> {
    if (this.#failed || this.#written >= this.#handed) return written;
    const last = this.#waiting.at(-1);
    if (last?.upTo === this.#handed) return last.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.#waiting.push({ upTo: this.#handed, promise, resolve });
    return promise;
  }

  /** pino's `logger.flush()`. */
  flush(callback?: (error?: Error) => void): void {
    this.#destination.flush(callback);
  }
}

/** The API calls' log lines, on the runtime's logger. */
export interface CallLog {
  readonly logger: Logger;
  /** Logs one call at level info. */
  write(line: CallLine): void;
  /** Resolves once the lines of the calls logged so far are written (at once for a logger of the caller's own). */
  written(): Promise<void>;
}

/** The log of a server or CLI command: pino on a {@link CallLogDestination} of `fd`. */
export function openLog(level: Level | 'silent', base: Record<string, string>, fd = 1): CallLog {
  const sink = new CallLogDestination(fd);
  return { ...callLogOn(pino({ level, base }, sink)), written: () => sink.written() };
}

/** API call lines on a logger of the caller's (tests, a CLI command's): through pino as any other line. */
export function callLogOn(logger: Logger): CallLog {
  return {
    logger,
    write: (line) => logger.info(line, CALL_MESSAGE),
    written: () => written,
  };
}
