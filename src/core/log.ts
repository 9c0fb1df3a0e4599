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
const written: Promise<void> = Promise.resolve();

/**
 * A server's JSON log on a file descriptor (stdout), written synchronously but once per event-loop
 * turn: the lines of a turn are gathered and go out in one `write` as it ends (pino's default
 * destination instead hands each line to a libuv worker thread and answers go out before it is
 * written, so a crash could lose the lines of calls already answered). A caller that must not
 * answer before its line is written awaits {@link written}: the gateways do, so no call is ever
 * answered without its line in the kernel's hands, whatever happens to the process after. The
 * answers of a turn then go out together after its write, which also costs the server less CPU
 * per answer than writing each as it is ready (fewer wake-ups of the clients; bench/README.md).
 * On exit (a shutdown's `process.exit`, an uncaught exception) the lines still gathered are written.
 */
export class TurnLog implements DestinationStream {
  readonly #destination: ReturnType<typeof pino.destination>;
  #pending = '';
  #turn: Promise<void> | undefined;
  #endTurn: (() => void) | undefined;
  readonly #flush = () => this.flushSync();

  constructor(fd: number) {
    this.#destination = pino.destination({ dest: fd, sync: true });
    openLogs.add(this);
  }

  write(line: string): void {
    if (this.#pending === '') setImmediate(this.#flush);
    this.#pending += line;
  }

  /** Resolves once every line given so far is written. */
  written(): Promise<void> {
    if (this.#pending === '') return written;
    this.#turn ??= new Promise((resolve) => (this.#endTurn = resolve));
    return this.#turn;
  }

  /** Writes the lines gathered so far, now. */
  flushSync(): void {
    if (this.#pending === '') return;
    const lines = this.#pending;
    this.#pending = '';
    this.#destination.write(lines);
    const endTurn = this.#endTurn;
    this.#turn = this.#endTurn = undefined;
    endTurn?.();
  }

  /** pino's `logger.flush()`. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }
}

/** Every TurnLog of the process, flushed when it exits. */
const openLogs = new Set<TurnLog>();
process.on('exit', () => {
  for (const log of openLogs) log.flushSync();
});

/** The API calls' log lines, on the runtime's logger. */
export interface CallLog {
  readonly logger: Logger;
  /** Logs one call at level info. */
  write(line: CallLine): void;
  /** Resolves once the lines of the calls logged so far are written (at once for a logger of the caller's own). */
  written(): Promise<void>;
}

/** The log of a server or CLI command: pino on a {@link TurnLog} of `fd`. */
export function openLog(level: Level | 'silent', base: Record<string, string>, fd = 1): CallLog {
  const sink = new TurnLog(fd);
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
