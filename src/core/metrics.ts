import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, on a registry of its own (tests start several servers). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'fleetgate_api_requests_total',
    help: 'Cloud API requests by product, action and result code',
    labelNames: ['cloud', 'product', 'action', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'fleetgate_api_request_duration_seconds',
    help: 'Cloud API request latency',
    labelNames: ['cloud', 'product', 'action'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(labels: { cloud: string; product: string; action: string; code: string }, seconds: number): void {
    this.requests.inc(labels);
    this.latency.observe({ cloud: labels.cloud, product: labels.product, action: labels.action }, seconds);
  }
}
