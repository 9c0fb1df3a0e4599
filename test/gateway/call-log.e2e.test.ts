import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as tencentcloud from 'tencentcloud-sdk-nodejs';
import { startServing, type ServingProcess } from '../support/cli.ts';

let serving: ServingProcess | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  if (serving && serving.child.exitCode === null && serving.child.signalCode === null) {
    serving.child.kill('SIGKILL');
    await once(serving.child, 'exit');
  }
  serving = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the API call log of fleetgate serve', () => {
  it('has the line of every answered call even when the process is killed right after answering', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-call-log-'));
    serving = await startServing(['--data-dir', dataDir]);
    const [, secretId, secretKey] = /SecretId=(AKID\w+)\s+SecretKey=(\w+)/.exec(serving.banner)!;
    const client = new tencentcloud.mna.v20210119.Client({
      credential: { secretId: secretId!, secretKey: secretKey! },
      profile: { httpProfile: { protocol: 'http://', endpoint: serving.endpoint } },
    });
    const answered: string[] = [];
    const call = async () => {
      // Errors are answered calls too: their RequestId is in the error.
      const answer = await client.GetHardwareInfo({ Vendor: 'nobody', SN: 'none' }).catch((error: { requestId: string }) => ({ RequestId: error.requestId }));
      answered.push(answer.RequestId!);
    };
    await Promise.all(Array.from({ length: 40 }, call));
    // Killed the moment the last answer arrived: no shutdown, no exit handler.
    serving.child.kill('SIGKILL');
    await once(serving.child, 'exit');
    const logged = new Set(
      serving
        .logs()
        .split('\n')
        .filter((line) => line.includes('"msg":"api call"'))
        .map((line) => (JSON.parse(line) as { requestId: string }).requestId),
    );
    expect(answered).toHaveLength(40);
    expect(answered.filter((requestId) => !logged.has(requestId))).toEqual([]);
  });
});
