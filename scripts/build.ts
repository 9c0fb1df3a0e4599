/**
 * `npm run build` (also run by `npm ci`/`npm install` and `npm pack` through `prepare`): bundles the
 * CLI into dist/cli/main.js, the file bin/fleetgate.js loads. One bundled file starts several times
 * faster than compiling TypeScript at every start, and faster than ~1,200 separate modules
 * (kysely and typebox alone ship ~480). The bundle sits at the same depth as src/cli/main.ts so
 * paths relative to a module (../../package.json) resolve alike from source and bundle.
 * It then builds the web console (console/, React + Vite) into dist/console, which the server
 * serves at /console.
 */
import { build } from 'esbuild';
import { build as buildWithVite } from 'vite';
import consoleConfig from '../console/vite.config.ts';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(root, 'dist');

export async function buildDist(): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    // The SQLite writer runs in a worker thread from a file of its own (see sqlite-writer.ts).
    entryPoints: ['src/cli/main.ts', 'src/storage/sqlite-writer.worker.js'],
    outbase: 'src',
    outdir: 'dist',
    bundle: true,
    // What only `serve` needs (main.ts imports it on demand) in chunks of its own, beside main.js
    // so that module-relative paths resolve alike from every chunk.
    splitting: true,
    chunkNames: 'cli/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // A native addon, and pg's optional native binding that pg loads only when asked for.
    external: ['better-sqlite3', 'pg-native'],
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __fleetgateRequire } from 'node:module'; const require = __fleetgateRequire(import.meta.url);" },
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  });
  // Vite picks React's build by NODE_ENV, which a caller may have set (vitest sets `test`): the
  // development build is twice the size and slower.
  process.env.NODE_ENV = 'production';
  await buildWithVite({ ...consoleConfig, configFile: false, mode: 'production' });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) await buildDist();
