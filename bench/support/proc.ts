import { readFileSync, readdirSync } from 'node:fs';

/** Kernel clock ticks per second of /proc's stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a /proc `stat` line; utime and stime are its 14th and 15th fields. */
function cpuSecondsOfStat(stat: string): number {
  // The fields after the parenthesised command name, which may itself hold spaces.
  const fields = stat.replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU time (user + system, all threads) process `pid` has used so far, in seconds (Linux /proc). */
export function cpuSecondsOf(pid: number): number {
  return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** Each thread's `file` under /proc/<pid>/task/<tid>/, by tid; a thread that ended between the listing and the read is left out. */
function* threadFiles(pid: number | 'self', file: 'stat' | 'status'): Generator<[tid: string, text: string]> {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let text;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/${file}`, 'utf8');
    } catch {
      continue;
    }
    yield [tid, text];
  }
}

/** CPU seconds so far of each thread of process `pid` ('self': this one), by tid, with the thread's name. */
export function threadCpuSeconds(pid: number | 'self'): Map<string, { readonly name: string; readonly seconds: number }> {
  const threads = new Map<string, { name: string; seconds: number }>();
  for (const [tid, stat] of threadFiles(pid, 'stat')) {
    threads.set(tid, { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: cpuSecondsOfStat(stat) });
  }
  return threads;
}

/**
 * Read and write system calls of process `pid` so far, all threads (Linux /proc/<pid>/io: syscr
 * counts read, pread, recv and the like, syscw write, pwrite, writev, send): unlike CPU time, the
 * same for the same work on a busy machine.
 */
export function ioSyscallsOf(pid: number): { readonly reads: number; readonly writes: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return { reads: field('syscr'), writes: field('syscw') };
}

/** Context switches so far (voluntary: the thread waited; involuntary: it was preempted) summed over process `pid`'s threads. */
export function contextSwitchesOf(pid: number): { readonly voluntary: number; readonly involuntary: number } {
  let voluntary = 0;
  let involuntary = 0;
  for (const [, status] of threadFiles(pid, 'status')) {
    voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
    involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
  }
  return { voluntary, involuntary };
}
