import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './support/ports.ts';

const ROOT = resolve(import.meta.dirname, '..');
const README_DATA_DIR = '/tmp/fleetgate-walkthrough';
const README_ENDPOINT = '127.0.0.1:8080';

/** The README's Walkthrough section: its shell blocks in order, and the outputs it says they print. */
function walkthrough(): { commands: string[]; printed: unknown[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Walkthrough\n');
  expect(start, 'README has a Walkthrough section').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const blocks = fencedBlocks(section);
  const commands = blocks.filter((b) => b.language === 'sh').map((b) => b.text);
  const printed = blocks.filter((b) => b.language === '').flatMap((b) => b.text.split('\n').map((line) => JSON.parse(line) as unknown));
  return { commands, printed };
}

function fencedBlocks(markdown: string): { language: string; text: string }[] {
  const blocks: { language: string; text: string }[] = [];
  let open: { language: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (!open && line.startsWith('```')) open = { language: line.slice(3).trim(), lines: [] };
    else if (open && line === '```') {
      blocks.push({ language: open.language, text: open.lines.join('\n') });
      open = undefined;
    } else open?.lines.push(line);
  }
  return blocks;
}

/** A value's shape: field names and value types, recursively (ids, keys and RequestIds vary). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-walkthrough-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('README walkthrough', () => {
  it('runs as written on a fresh server: vendor registration, MNA activation, Alibaba batch import', async () => {
    const { commands, printed } = walkthrough();
    // `npm start` and `npx fleetgate` run the bundle: build it from the sources under test.
    expect(spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT }).status).toBe(0);
    expect(commands).toHaveLength(4);
    expect(commands[0]).toMatch(/\nnpm start$/);
    const port = await freePort();
    const local = (block: string) => block.replaceAll(README_DATA_DIR, dataDir).replaceAll(README_ENDPOINT, `127.0.0.1:${port}`);
    // A fresh shell: none of the test environment's Fleetgate settings.
    const shellEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FLEETGATE_')));

    // Step 1 on a free port (the only thing not taken from the README), in a process group of its own.
    const server = spawn('bash', ['-ec', local(commands[0]!)], { cwd: ROOT, env: { ...shellEnv, FLEETGATE_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let serverOutput = '';
    server.stdout.on('data', (chunk) => (serverOutput += chunk));
    server.stderr.on('data', (chunk) => (serverOutput += chunk));
    try {
      await expect.poll(() => serverOutput, { timeout: 30_000 }).toContain('fleetgate is serving');

      // Steps 2-4 in one shell, as a second terminal runs them one after another.
      const steps = spawn('bash', ['-ec', commands.slice(1).map(local).join('\n')], { cwd: ROOT, env: shellEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      steps.stdout.on('data', (chunk) => (stdout += chunk));
      steps.stderr.on('data', (chunk) => (stderr += chunk));
      const [code] = (await once(steps, 'exit')) as [number];
      expect(code, stderr).toBe(0);

      const outputs = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(outputs.map(shape)).toEqual(printed.map(shape));
      const [added, info, activated, checked, job] = outputs as [any, any, any, any, any]; // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted field by field
      expect(added.Hardware).toEqual([{ SN: 'SN0001', LicenseChargingMode: 1, Description: 'gateway', HardwareId: expect.stringMatching(/^cpe-/) }]);
      expect(info).toMatchObject({ Vendor: 'acme', SN: 'SN0001', LicensePayMode: -1, Payer: 0 });
      expect(activated.HardwareInfo[0]).toMatchObject({ Vendor: 'acme', SN: 'SN0001', DeviceName: 'gateway-1', DeviceId: expect.stringMatching(/^mna-/) });
      expect(checked.Success).toBe(true);
      expect(job).toEqual({ Status: 'CREATE_SUCCESS', ValidList: { Name: ['lamp-0001', 'lamp-0002'] }, InvalidList: { Name: [] } });
      expect(stdout).toMatch(/^acme\s+\d{12}\s/m);

      // The way out the README gives: SIGTERM, and the server finishes and exits cleanly.
      process.kill(-server.pid!, 'SIGTERM');
      await expect.poll(() => serverOutput, { timeout: 10_000 }).toContain('shutting down');
    } finally {
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }, 180_000);
});
