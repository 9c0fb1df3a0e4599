import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/ports.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
/** What npm says when it cannot reach the registry (and its cache lacks a package). */
const UNREACHABLE = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH/;

describe('the npm pack tarball installs and runs as a CLI without the repository', () => {
  it('pack, install into an empty directory, fleetgate --version, serve answers /readyz and serves the web console', async (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetgate-pack-'));
    try {
      // `npm pack` runs `prepare`, so the tarball carries a fresh bundle; packed from a copy of what
      // the build reads, so this never rewrites the checkout's dist/ under another test's feet.
      const source = join(dir, 'source');
      for (const path of ['package.json', 'README.md', 'bin', 'src', 'console', 'scripts/build.ts']) cpSync(join(root, path), join(source, path), { recursive: true });
      symlinkSync(join(root, 'node_modules'), join(source, 'node_modules'));
      const { stdout: tarball } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: source });
      writeFileSync(join(dir, 'package.json'), '{ "name": "pack-check", "private": true }');
      try {
        // The npm cache first; the registry only for what it lacks. No install scripts: the
        // native SQLite addon is taken from this checkout below, instead of compiled or downloaded.
        await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, tarball.trim())], { cwd: dir, timeout: 180_000 });
      } catch (error) {
        const output = `${(error as { stderr?: string }).stderr ?? ''}${(error as Error).message}`;
        if (!UNREACHABLE.test(output)) throw error;
        context.skip(`npm registry unreachable and its packages not in the npm cache: ${output.match(UNREACHABLE)![0]}`);
      }
      cpSync(join(root, 'node_modules/better-sqlite3/build'), join(dir, 'node_modules/better-sqlite3/build'), { recursive: true });
      const bin = join(dir, 'node_modules/.bin/fleetgate');
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
      expect((await run(bin, ['--version'], { cwd: dir })).stdout.trim()).toBe(version);

      const port = await freePort();
      const server = spawn(bin, ['serve', '--port', String(port), '--data-dir', join(dir, 'data')], { cwd: dir, stdio: 'ignore', env: { ...process.env, FLEETGATE_LOG_LEVEL: 'warn' } });
      try {
        let status = 0;
        for (let tries = 0; tries < 150 && status !== 200; tries++) {
          status = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.status, () => 0);
          if (status !== 200) await new Promise((done) => setTimeout(done, 100));
        }
        expect(status).toBe(200);
        // The tarball ships the built web console (dist/console).
        const consolePage = await fetch(`http://127.0.0.1:${port}/console/`);
        expect(consolePage.status).toBe(200);
        expect(await consolePage.text()).toContain('<div id="root">');
      } finally {
        server.kill('SIGINT');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
