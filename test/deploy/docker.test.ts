import { describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/** Why the image cannot be built here (no docker client, or a client without an engine), or undefined. */
function dockerUnavailable(): string | undefined {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 15_000 });
    return undefined;
  } catch (error) {
    const reason = `${(error as { stderr?: Buffer }).stderr?.toString() ?? ''}`.trim().split('\n').at(-1) || (error as Error).message;
    return reason;
  }
}

const unavailable = dockerUnavailable();
if (unavailable) console.warn(`Docker image test skipped: no Docker engine here (${unavailable})`);

describe.skipIf(unavailable !== undefined)('the Docker image (built from Dockerfile; needs a Docker engine)', () => {
  it('builds, runs as a non-root user with /data as a volume, and reports healthy once /readyz answers', async () => {
    const tag = `fleetgate-test:${process.pid}`;
    await run('docker', ['build', '-t', tag, root], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    const { stdout: id } = await run('docker', ['run', '-d', '--rm', '-p', '127.0.0.1::8080', '--health-interval', '1s', tag]);
    const container = id.trim();
    try {
      const inspect = JSON.parse((await run('docker', ['image', 'inspect', tag])).stdout)[0];
      expect(inspect.Config.User).toBe('node');
      expect(Object.keys(inspect.Config.Volumes)).toEqual(['/data']);
      let health = '';
      for (let tries = 0; tries < 120 && health !== 'healthy'; tries++) {
        health = (await run('docker', ['inspect', '--format', '{{.State.Health.Status}}', container])).stdout.trim();
        if (health !== 'healthy') await new Promise((done) => setTimeout(done, 500));
      }
      expect(health).toBe('healthy');
      const port = (await run('docker', ['port', container, '8080/tcp'])).stdout.trim().split(':').at(-1);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await run('docker', ['rm', '-f', container]).catch(() => undefined);
      await run('docker', ['rmi', '-f', tag]).catch(() => undefined);
    }
  }, 1_000_000);
});
