/**
 * `npm run bench [-- name …]`: runs every benchmark in bench/ (or the named ones) one after the
 * other, each in its own process so one run's heap and caches never colour the next. Each
 * benchmark prints its own figures against a reference measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const here = import.meta.dirname;
const all = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => basename(file, '.ts'))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}

let failed = false;
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n=== ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${name} exited with ${result.status ?? result.signal}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
