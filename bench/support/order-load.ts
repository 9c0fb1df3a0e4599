/**
 * Drives OrderPerLicense from `processes` SDK client processes (order-client.ts) that share the
 * connections and start their timed orders together, and measures the server around that phase.
 * The SDK client is single-threaded and needs about as much CPU per order as the server, so one
 * process at 5,000 orders/s would need a whole core. Measured on 2 cores, two processes did worse
 * than one all the same (4,010 and 4,051 against 4,406 orders/s, one account): each batches
 * fewer answers per wake-up, and three busy processes share two cores. One is the default.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { OrderClientReport, OrderClientSpec } from './order-client.ts';
import { contextSwitchesOf, ioSyscallsOf, threadCpuSeconds } from './proc.ts';

export interface OrderLoadSpec {
  readonly endpoint: string;
  readonly accounts: readonly { readonly secretId: string; readonly secretKey: string }[];
  /** Timed orders per account, over all processes. */
  readonly ordersPerAccount: number;
  /** Connections over all processes. */
  readonly connections: number;
  readonly processes: number;
  /** The server's pid: its threads' CPU time, system calls and context switches are read (Linux /proc) at the timed phase's bounds. */
  readonly serverPid: number;
  /** Profile the timed phase: each client writes its CPU profile there, and the server (preloaded with phase-profile.mjs) is signalled to profile itself. */
  readonly profileDir?: string;
}

export interface OrderLoadResult {
  readonly ordersPerSecond: number;
  /** Orders the server refused, by error code. */
  readonly failed: Record<string, number>;
  /**
   * CPU µs per timed order (user + system, from /proc, which counts in 10 ms ticks): the server's
   * main thread, its busiest other threads by name (V8's GC helpers; on PostgreSQL, libuv's), all
   * of it, and the client processes' together.
   */
  readonly cpuPerOrder: { readonly serverMain: number; readonly serverOther: Record<string, number>; readonly server: number; readonly client: number };
  /**
   * Per timed order, the server's read and write system calls and context switches (all threads):
   * counts that, unlike CPU time, stay the same for the same work on a busy machine.
   */
  readonly serverPerOrder: { readonly reads: number; readonly writes: number; readonly voluntarySwitches: number; readonly involuntarySwitches: number };
  /** The 1-minute load average at the end of the timed phase. */
  readonly load: number;
}

/** A client process, once it has printed `ready`: its next line is its report. */
async function startClient(spec: OrderClientSpec): Promise<{ child: ChildProcess; report: Promise<OrderClientReport> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'order-client.ts'), JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Ends (done) when the process's stdout closes, after every line it wrote.
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`an order client said ${JSON.stringify(first.value ?? '(nothing)')} instead of ready`);
  const report = lines.next().then(({ value, done }) => {
    if (done) throw new Error('an order client ended without its report');
    return JSON.parse(value) as OrderClientReport;
  });
  return { child, report };
}

export async function orderLoad(spec: OrderLoadSpec): Promise<OrderLoadResult> {
  const { processes, accounts } = spec;
  // With as many accounts as processes or more, each process pays with accounts of its own;
  // otherwise every process pays with every account, for devices of its own.
  const shared = accounts.length < processes;
  const perProcess = { connections: spec.connections / processes, accounts: shared ? accounts.length : Math.ceil(accounts.length / processes) };
  if (!Number.isInteger(perProcess.connections)) throw new Error(`${spec.connections} connections cannot be shared evenly by ${processes} client processes`);
  // Each account needs a connection of its own in each process that pays with it.
  if (perProcess.connections < perProcess.accounts) throw new Error(`${perProcess.connections} connections per client process cannot serve ${perProcess.accounts} accounts`);
  const clients = await Promise.all(
    Array.from({ length: processes }, (_, p) =>
      startClient({
        endpoint: spec.endpoint,
        accounts: shared ? accounts : accounts.filter((_, a) => a % processes === p),
        ordersPerAccount: shared ? spec.ordersPerAccount / processes : spec.ordersPerAccount,
        connections: perProcess.connections,
        devicePrefix: `p${p}-`,
        profileDir: spec.profileDir,
      }),
    ),
  );

  if (spec.profileDir) process.kill(spec.serverPid, 'SIGUSR2');
  const threadsBefore = threadCpuSeconds(spec.serverPid);
  const ioBefore = ioSyscallsOf(spec.serverPid);
  const switchesBefore = contextSwitchesOf(spec.serverPid);
  const started = performance.now();
  for (const { child } of clients) child.stdin!.write('go\n');
  const reports = await Promise.all(clients.map(({ report }) => report));
  const seconds = (performance.now() - started) / 1000;
  const threadsAfter = threadCpuSeconds(spec.serverPid);
  const ioAfter = ioSyscallsOf(spec.serverPid);
  const switchesAfter = contextSwitchesOf(spec.serverPid);
  const load = loadavg()[0]!;
  if (spec.profileDir) {
    process.kill(spec.serverPid, 'SIGUSR2');
    // The server writes its profiles meanwhile; it is stopped once this returns.
    await new Promise((done) => setTimeout(done, 3000));
  }

  const count = reports.reduce((sum, report) => sum + report.orders, 0);
  const failed: Record<string, number> = {};
  for (const report of reports) for (const [code, n] of Object.entries(report.failed)) failed[code] = (failed[code] ?? 0) + n;
  const perOrder = (cpuSeconds: number) => Math.round((cpuSeconds * 1e6) / count);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  const serverOther: Record<string, number> = {};
  let server = 0;
  for (const [tid, { name, seconds: after }] of threadsAfter) {
    const used = after - (threadsBefore.get(tid)?.seconds ?? 0);
    server += used;
    if (tid === String(spec.serverPid)) continue;
    serverOther[`${name}#${tid}`] = perOrder(used);
  }
  const busiest = Object.fromEntries(
    Object.entries(serverOther)
      .filter(([, us]) => us > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4),
  );
  const mainUsed = (threadsAfter.get(String(spec.serverPid))?.seconds ?? 0) - (threadsBefore.get(String(spec.serverPid))?.seconds ?? 0);
  return {
    ordersPerSecond: count / seconds,
    failed,
    cpuPerOrder: {
      serverMain: perOrder(mainUsed),
      serverOther: busiest,
      server: perOrder(server),
      client: Math.round(reports.reduce((sum, report) => sum + report.cpuMicros, 0) / count),
    },
    serverPerOrder: {
      reads: round2((ioAfter.reads - ioBefore.reads) / count),
      writes: round2((ioAfter.writes - ioBefore.writes) / count),
      voluntarySwitches: round2((switchesAfter.voluntary - switchesBefore.voluntary) / count),
      involuntarySwitches: round2((switchesAfter.involuntary - switchesBefore.involuntary) / count),
    },
    load,
  };
}
