import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Builds the bundle bin/fleetgate.js runs, once per test run, so the tests that spawn the CLI run
 * it as users do (a fraction of a second a command, against seconds through tsx) and never a
 * stale build.
 */
export default function buildOnce(): void {
  const root = resolve(import.meta.dirname, '..');
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed before the tests:\n${built.stdout}${built.stderr}`);
}
