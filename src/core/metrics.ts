import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

  /** realm: a registered realm's name or `unknown`; result: accepted, registered, bad_credentials, not_authorized, error. */
  readonly mqttConnects = new Counter({
    name: 'fleetgate_mqtt_connects_total',
    help: 'MQTT CONNECTs of devices by realm and result',
    labelNames: ['realm', 'result'] as const,
    registers: [this.registry],
  });
  readonly mqttConnected = new Gauge({
    name: 'fleetgate_mqtt_connected_devices',
    help: 'Devices holding an MQTT connection on this node',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  // Resolving label sets costs more than counting; there are few distinct ones, so keep them.
  readonly #series = new Map<string, { readonly counter: { inc(): void }; readonly histogram: { observe(seconds: number): void } }>();

  observe(labels: { cloud: string; product: string; action: string; code: string }, seconds: number): void {
    const key = `${labels.cloud}\0${labels.product}\0${labels.action}\0${labels.code}`;
    let series = this.#series.get(key);
    if (!series) {
      series = { counter: this.requests.labels(labels), histogram: this.latency.labels({ cloud: labels.cloud, product: labels.product, action: labels.action }) };
      if (this.#series.size < 10_000) this.#series.set(key, series);
    }
    series.counter.inc();
    series.histogram.observe(seconds);
  }
}
