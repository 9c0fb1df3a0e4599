import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who holds an apply job's lease: `<host>/<pid>/<process id>/<runner id>`. A lease held by a
 * process of this host that no longer runs cannot be renewed by anyone, so a runner on the same
 * host takes the job over at once instead of waiting for the lease to expire: a server restarted
 * after a crash (kill -9, OOM, power loss of one node) resumes its jobs immediately. Leases of
 * other hosts, and of live processes, still wait for expiry.
 */

const HOST = hostname();
// Distinguishes this process from an earlier one with the same pid (pid 1 in a restarted container).
const PROCESS = randomUUID();

/** A fresh lease-owner id for one runner of this process. */
export const newRunnerId = (): string => `${HOST}/${process.pid}/${PROCESS}/${randomUUID()}`;

/** The prefix every lease owner of this host starts with (for a LIKE prefix search). */
export const HOST_PREFIX = `${HOST}/`;

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
  if (host !== HOST || !Number.isInteger(pid) || pid <= 0 || processId === undefined) return false;
  if (pid === process.pid) return processId !== PROCESS;
  return !isRunning(pid);
}
