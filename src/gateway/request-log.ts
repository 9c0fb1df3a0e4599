import type { Runtime } from '../runtime.ts';

/** What one cloud API call leaves in the log and in the metrics. Never a secret or a signature. */
export interface CallRecord {
  readonly cloud: 'tencent' | 'alibaba';
  readonly requestId: string;
  readonly accountId: string | undefined;
  /** '-' until the request was routed to a product. */
  readonly product: string;
  readonly action: string;
  /** The code answered, logged as is. */
  readonly code: string;
  /**
   * The code's catalog entry, the metric label: a bounded set, where `code` may carry the
   * caller's parameter path (Alibaba's `InvalidDeviceList.123456789.DeviceName`).
   */
  readonly codeLabel: string;
  readonly startedAt: bigint;
}

/** Logs and counts the call; resolves once its line is written: a gateway answers after that, so no answered call goes unlogged. */
export function recordCall(runtime: Runtime, call: CallRecord): Promise<void> {
  const seconds = Number(process.hrtime.bigint() - call.startedAt) / 1e9;
  // Until a request is routed its Action is whatever the caller typed: keep it out of the metric
  // labels (one series per made-up name would grow without bound) but in the log line.
  const action = call.product === '-' ? '-' : call.action;
  runtime.metrics.observe({ cloud: call.cloud, product: call.product, action, code: call.codeLabel }, seconds);
  runtime.recentCalls.record(call, seconds);
  runtime.callLog.write({
    requestId: call.requestId,
    cloud: call.cloud,
    account: call.accountId,
    product: call.product,
    action: call.action,
    code: call.code,
    latencyMs: Math.round(seconds * 1e6) / 1e3,
  });
  return runtime.callLog.written();
}
