import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { Metrics } from '../../src/core/metrics.ts';

/** The API call metrics as prom-client's own Counter and Histogram defined them before. */
function promClientReference() {
  const registry = new Registry();
  const requests = new Counter({
    name: 'fleetgate_api_requests_total',
    help: 'Cloud API requests by product, action and result code',
    labelNames: ['cloud', 'product', 'action', 'code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'fleetgate_api_request_duration_seconds',
    help: 'Cloud API request latency',
    labelNames: ['cloud', 'product', 'action'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    observe(labels: { cloud: string; product: string; action: string; code: string }, seconds: number) {
      requests.inc(labels);
      latency.observe({ cloud: labels.cloud, product: labels.product, action: labels.action }, seconds);
    },
  };
}

const apiCallMetrics = async (registry: Registry) =>
  (await Promise.all(['fleetgate_api_requests_total', 'fleetgate_api_request_duration_seconds'].map((name) => registry.getSingleMetricAsString(name)))).join('\n\n');

describe('API call metrics', () => {
  it('export the same names, labels, buckets and values as prom-client Counter and Histogram', async () => {
    const metrics = new Metrics();
    const reference = promClientReference();
    const calls = [
      [{ cloud: 'tencent', product: 'mna', action: 'GetHardwareInfo', code: 'Success' }, 0.0003],
      [{ cloud: 'tencent', product: 'mna', action: 'GetHardwareInfo', code: 'Success' }, 0.0005],
      [{ cloud: 'tencent', product: 'mna', action: 'GetHardwareInfo', code: 'OperationDenied.HardwareNotExist' }, 0.012],
      [{ cloud: 'tencent', product: '-', action: '-', code: 'AuthFailure.SignatureFailure' }, 3],
      [{ cloud: 'alibaba', product: 'Iot', action: 'BatchCheckImportDevice', code: 'Invalid{Param}' }, 2.5],
      [{ cloud: 'alibaba', product: 'Iot', action: 'Quote"d\\Action', code: 'Success' }, 0.1],
    ] as const;
    for (const [labels, seconds] of calls) {
      metrics.observe(labels, seconds);
      reference.observe(labels, seconds);
    }
    const text = await apiCallMetrics(metrics.registry);
    expect(text).toBe(await apiCallMetrics(reference.registry));
    // Exemplars are off (prom-client leaves a null or an empty one): the rest must match.
    const asJson = async (registry: Registry) =>
      (await registry.getMetricsAsJSON())
        .filter((metric) => metric.name.startsWith('fleetgate_api_'))
        .map(({ values, ...metric }) => ({ ...metric, values: values.map((entry) => ({ labels: entry.labels, value: entry.value, metricName: (entry as { metricName?: string }).metricName })) }));
    expect(await asJson(metrics.registry)).toEqual(await asJson(reference.registry));
    expect(text).toContain('fleetgate_api_request_duration_seconds_bucket{le="0.0005",cloud="tencent",product="mna",action="GetHardwareInfo"} 2');
  });

  it('come first on /metrics, counted again from zero after a registry reset', async () => {
    const metrics = new Metrics();
    const labels = { cloud: 'tencent', product: 'mna', action: 'GetDevice', code: 'Success' };
    metrics.observe(labels, 0.001);
    expect((await metrics.registry.metrics()).indexOf('# HELP fleetgate_api_requests_total')).toBe(0);
    metrics.registry.resetMetrics();
    metrics.observe(labels, 0.001);
    expect(await metrics.registry.getSingleMetricAsString('fleetgate_api_requests_total')).toMatch(/code="Success"\} 1$/);
    expect(await metrics.registry.getSingleMetricAsString('fleetgate_api_request_duration_seconds')).toMatch(/_count\{[^}]*\} 1$/);
  });
});
