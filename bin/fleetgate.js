#!/usr/bin/env node
// Runs the JavaScript that `npm run build` compiled from src/ (`npm ci` and `npm pack` build it through
// `prepare`): loading compiled modules takes a fraction of what compiling TypeScript at every start did.
// `npm run dev -- <command>` runs the sources instead, without a build.
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/dist/cli/main.js')) throw error;
  process.stderr.write('fleetgate is not built: run `npm run build` (or `npm ci`, which builds it), or `npm run dev -- <command>` to run the sources\n');
  process.exitCode = 1;
}
