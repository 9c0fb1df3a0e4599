import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

type CallLabels = { readonly cloud: string; readonly product: string; readonly action: string; readonly code: string };

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

/** Label sets kept beyond this are still counted, but each call resolves its series again. */
const CACHED_SERIES = 10_000;

/** What prom-client's registry reads from a metric to format it (the shape its own metrics' `get` gives). */
interface Exported {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: readonly {
    readonly labels: Readonly<Record<string, string | number>>;
    readonly sharedLabels?: Readonly<Record<string, string>>;
    readonly value: number;
    readonly metricName?: string;
  }[];
}

/** One (cloud, product, action) latency series. */
interface LatencySeries {
  readonly labels: { readonly cloud: string; readonly product: string; readonly action: string };
  /** Observations per bucket (not cumulative); the last slot is above the largest bound. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/** One (cloud, product, action, code) request counter. */
interface RequestSeries {
  readonly labels: CallLabels;
  value: number;
}

/**
 * `fleetgate_api_requests_total` and `fleetgate_api_request_duration_seconds`, exported as
 * prom-client's Counter and Histogram export them (same names, labels, buckets and text: the
 * registry formats both). prom-client hashes the label object on every `inc`/`observe`, even
 * through a `labels()` child (about 3.5 µs per call); here a call finds its series in one map
 * lookup and adds to plain numbers. `test/core/metrics.test.ts` pins the text to prom-client's.
 */
class CallMetrics {
  readonly #requests = new Map<string, RequestSeries>();
  readonly #latency = new Map<string, LatencySeries>();
  /** The call's label key → both its series: what `observe` looks up. */
  readonly #calls = new Map<string, { readonly request: RequestSeries; readonly latency: LatencySeries }>();

  observe(labels: CallLabels, seconds: number): void {
    const key = `${labels.cloud}\0${labels.product}\0${labels.action}\0${labels.code}`;
    let call = this.#calls.get(key);
    if (!call) {
      call = { request: this.#request(key, labels), latency: this.#latencySeries(labels) };
      if (this.#calls.size < CACHED_SERIES) this.#calls.set(key, call);
    }
    call.request.value += 1;
    const latency = call.latency;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
    latency.buckets[bucket]! += 1;
    latency.sum += seconds;
    latency.count += 1;
  }

  #request(key: string, labels: CallLabels): RequestSeries {
    let series = this.#requests.get(key);
    if (!series) {
      series = { labels: { cloud: labels.cloud, product: labels.product, action: labels.action, code: labels.code }, value: 0 };
      this.#requests.set(key, series);
    }
    return series;
  }

  #latencySeries(labels: CallLabels): LatencySeries {
    const key = `${labels.cloud}\0${labels.product}\0${labels.action}`;
    let series = this.#latency.get(key);
    if (!series) {
      series = { labels: { cloud: labels.cloud, product: labels.product, action: labels.action }, buckets: new Float64Array(LATENCY_BUCKETS.length + 1), sum: 0, count: 0 };
      this.#latency.set(key, series);
    }
    return series;
  }

  /** The counter as a prom-client metric (what the registry reads to format it). */
  readonly requests = {
    name: 'fleetgate_api_requests_total',
    help: 'Cloud API requests by product, action and result code',
    type: 'counter',
    aggregator: 'sum',
    get: async (): Promise<Exported> => ({
      name: this.requests.name,
      help: this.requests.help,
      type: 'counter',
      aggregator: 'sum',
      values: [...this.#requests.values()].map(({ labels, value }) => ({ labels: { ...labels }, value })),
    }),
    reset: () => {
      this.#requests.clear();
      this.#calls.clear();
    },
  };

  /** The histogram as a prom-client metric: per series, cumulative `_bucket`s up to `+Inf`, `_sum`, `_count`. */
  readonly latency = {
    name: 'fleetgate_api_request_duration_seconds',
    help: 'Cloud API request latency',
    type: 'histogram',
    aggregator: 'sum',
    /** What /metrics formats: the series' labels apart from `le` (prom-client's `getForPromString`). */
    getForPromString: async (): Promise<Exported> => {
      const name = this.latency.name;
      const values: Exported['values'][number][] = [];
      for (const { labels, buckets, sum, count } of this.#latency.values()) {
        let cumulative = 0;
        LATENCY_BUCKETS.forEach((bound, i) => {
          cumulative += buckets[i]!;
          values.push({ labels: { le: bound }, sharedLabels: labels, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push(
          { labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: `${name}_bucket` },
          { labels: {}, sharedLabels: labels, value: sum, metricName: `${name}_sum` },
          { labels: {}, sharedLabels: labels, value: count, metricName: `${name}_count` },
        );
      }
      return { name, help: this.latency.help, type: 'histogram', aggregator: 'sum', values };
    },
    /** The JSON view (`registry.getMetricsAsJSON()`): each value's labels with its series' merged in, as prom-client gives. */
    get: async (): Promise<Exported> => {
      const exported = await this.latency.getForPromString();
      return { ...exported, values: exported.values.map(({ sharedLabels, labels, ...value }) => ({ ...value, labels: { ...labels, ...sharedLabels } })) };
    },
    reset: () => {
      this.#latency.clear();
      this.#calls.clear();
    },
  };

  /** Registers both, in this order, on the registry. */
  registerOn(registry: Registry): this {
    // prom-client's Registry takes any object with a name and `get`; its types list its own classes only.
    for (const metric of [this.requests, this.latency]) registry.registerMetric(metric as unknown as Counter);
    return this;
  }
}

/** Prometheus metrics of one process, on a registry of its own (tests start several servers). */
export class Metrics {
  readonly registry = new Registry();
  // Registered first, as the prom-client metrics they replace were: /metrics keeps its order.
  readonly #calls = new CallMetrics().registerOn(this.registry);

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

  /** Counts one API call under its labels and records its latency under (cloud, product, action). */
  observe(labels: CallLabels, seconds: number): void {
    this.#calls.observe(labels, seconds);
  }
}
