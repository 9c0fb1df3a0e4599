import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds an apply job's lease: `<host>/<pid>/<process id>/<runner id>`. A lease held by a
 * process of this host that no longer runs cannot be renewed by anyone, so a runner on the same
 * host takes the job over at once instead of waiting for the lease to expire: a server restarted
 * after a crash (kill -9, OOM) resumes its jobs immediately. Leases of other hosts, and of live
 * processes, still wait for expiry.
 *
 * "This host" is the hostname, the kernel's boot id and the pid namespace together: a pid is only
 * meaningful there. Two machines that share a hostname, or two containers with host networking
 * (one hostname, separate pid namespaces), never judge each other's pids. Where these cannot be
 * read (no /proc) no holder is ever judged dead.
 */

function hostKey(): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const pidNamespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    return pidNamespace === undefined ? undefined : `${hostname()}:${boot}:${pidNamespace}`;
  } catch {
    return undefined;
  }
}

const HOST = hostKey();
// Distinguishes this process from an earlier one with the same pid (pid 1 in a restarted container).
const PROCESS = randomUUID();

/** A fresh lease-owner id for one runner of this process. */
export const newRunnerId = (): string => `${HOST ?? hostname()}/${process.pid}/${PROCESS}/${randomUUID()}`;

/** The prefix of every lease owner of this host, for a LIKE search; undefined when this host cannot tell. */
export const HOST_PREFIX: string | undefined = HOST === undefined ? undefined : `${HOST}/`;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user has that pid, so it may be the holder.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `owner` names a process of this host that has ended. */
export function isDeadLocalRunner(owner: string): boolean {
  const [host, pidText, processId] = owner.split('/');
  const pid = Number(pidText);
  if (HOST === undefined || host !== HOST || !Number.isInteger(pid) || pid <= 0 || processId === undefined) return false;
  if (pid === process.pid) return processId !== PROCESS;
  return !isRunning(pid);
}
