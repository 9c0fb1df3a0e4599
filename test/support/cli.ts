import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

/**
 * The CLI as the tests run it: bin/fleetgate.js on the bundle test/global-setup.ts built from the
 * sources at the start of the run, as users run it.
 */
export const FLEETGATE_COMMAND: readonly string[] = [resolve(import.meta.dirname, '../../bin/fleetgate.js')];

/** Runs `fleetgate <args>` to completion and returns its exit code and output. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...FLEETGATE_COMMAND, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, stdout, stderr };
}

export interface ServingProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly endpoint: string;
  /** Everything the process wrote to stderr up to the moment it started serving. */
  readonly banner: string;
  logs(): string;
}

/** Starts `fleetgate serve --port 0 …` and resolves once it logs its address. */
export async function startServing(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ServingProcess> {
  const child = spawn(process.execPath, [...FLEETGATE_COMMAND, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const address = await new Promise<string>((resolveAddress, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /"address":"(http:\/\/[^"]+)"/.exec(stdout);
      if (match) resolveAddress(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`fleetgate exited with ${code}: ${stderr}`)));
  });
  return { child, url: address, endpoint: address.replace('http://', ''), banner: stderr, logs: () => stdout };
}
