/**
 * Drives ActivateHardware through tencentcloud-sdk-nodejs from its own process, so the client's
 * JSON building, signing and response parsing never share the server's event loop (as in
 * production). Input: a JSON ActivateClientSpec as argv[2]; output: one JSON line.
 */
import tencentcloud from 'tencentcloud-sdk-nodejs';

export interface ActivateClientSpec {
  readonly endpoint: string;
  readonly secretId: string;
  readonly secretKey: string;
  readonly vendor: string;
  /** SNs and DeviceNames are `<prefix>-<batch>-<i>`; batch 0 warms up and is not timed. */
  readonly prefix: string;
  readonly batches: number;
  readonly batchSize: number;
  readonly concurrency: number;
}

export interface ActivateClientResult {
  readonly devicesPerSecond: number;
}

const spec = JSON.parse(process.argv[2]!) as ActivateClientSpec;
const client = new tencentcloud.mna.v20210119.Client({
  credential: { secretId: spec.secretId, secretKey: spec.secretKey },
  region: 'ap-guangzhou',
  profile: { httpProfile: { protocol: 'http://', endpoint: spec.endpoint } },
});
const activate = (k: number) =>
  client.ActivateHardware({
    Hardware: Array.from({ length: spec.batchSize }, (_, i) => ({ Vendor: spec.vendor, SN: `${spec.prefix}-${k}-${i}`, DeviceName: `${spec.prefix}-${k}-${i}` })),
  });

await activate(0);
let next = 1;
const started = performance.now();
await Promise.all(
  Array.from({ length: spec.concurrency }, async () => {
    while (next <= spec.batches) await activate(next++);
  }),
);
const result: ActivateClientResult = { devicesPerSecond: (spec.batches * spec.batchSize) / ((performance.now() - started) / 1000) };
process.stdout.write(`${JSON.stringify(result)}\n`);
