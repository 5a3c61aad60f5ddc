/**
 * The connector's metrics. Names follow Feldera's DynamoDB connector where it has one; every
 * series carries an `endpoint` label with the connector name, so several connectors can share one
 * Prometheus registry. Each counter is kept twice: in prom-client for exposition, and as a plain
 * number so `metrics()` can return a synchronous snapshot.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

interface MetricDef {
  name: string;
  help: string;
}

/** Counters, by the key used in snapshots and in worker reports. */
export const COUNTERS = {
  records_written: { name: 'dynamodb_output_records_written_total', help: 'Items written (puts and deletes acknowledged by DynamoDB).' },
  puts_written: { name: 'dynamodb_output_puts_written_total', help: 'Put requests acknowledged by DynamoDB.' },
  deletes_written: { name: 'dynamodb_output_deletes_written_total', help: 'Delete requests acknowledged by DynamoDB.' },
  bytes_written: { name: 'dynamodb_output_bytes_written_total', help: 'DynamoDB item size of the written items, in bytes.' },
  write_chunks: { name: 'dynamodb_output_write_chunks_total', help: 'Chunks (BatchWriteItem or TransactWriteItems calls, before retries) submitted.' },
  write_requests: { name: 'dynamodb_output_write_requests_total', help: 'DynamoDB write API calls made, retries included.' },
  retries: { name: 'dynamodb_output_retries_total', help: 'Retry rounds of chunks; a rising value means throttling, conflicts or transient faults.' },
  throttled_items: { name: 'dynamodb_output_throttled_items_total', help: 'Items DynamoDB returned as unprocessed (throttled) and that were resent.' },
  transact_write_failures: { name: 'dynamodb_output_transact_write_failures_total', help: 'Failed TransactWriteItems calls.' },
  failed_items: { name: 'dynamodb_output_failed_items_total', help: 'Items given up on after retries or a non-retriable error; these changes are not in the table.' },
  oversized_items_dropped: { name: 'dynamodb_output_oversized_items_dropped_total', help: 'Records over the 400 KB item-size limit, dropped while encoding.' },
  invalid_items_dropped: { name: 'dynamodb_output_invalid_items_dropped_total', help: 'Records with a value DynamoDB cannot store (NaN, out-of-range number, NULL or empty key), dropped while encoding.' },
  duplicate_keys_skipped: { name: 'dynamodb_output_duplicate_keys_skipped_total', help: 'Keys skipped because the step changed them in a way that violates the index uniqueness.' },
  condition_check_failures: { name: 'dynamodb_output_condition_check_failures_total', help: 'Transactional writes suppressed because their condition expression failed.' },
  steps: { name: 'dynamodb_output_steps_total', help: 'Steps (change sets) written.' },
  coalesced_writes: { name: 'dynamodb_output_coalesced_writes_total', help: 'Writes not sent because a newer write of the same key replaced them while they waited (pipelined_steps).' },
  request_splits: {
    name: 'dynamodb_output_request_splits_total',
    help: 'Requests DynamoDB rejected as a whole (ValidationException) and that were split in two to isolate the items at fault; a rising value means records the table refuses.',
  },
  consumed_wcu: {
    name: 'dynamodb_output_consumed_wcu_total',
    help: 'Write capacity units DynamoDB reported as consumed (ReturnConsumedCapacity TOTAL) by successful write calls, '
      + 'transactional writes counting twice; its rate is what an on-demand table is billed for, or how much of its provisioned capacity is used.',
  },
  dead_letters: {
    name: 'dynamodb_output_dead_letters_total',
    help: 'Records appended to the dead-letter file (dead_letter_path): given up on, not in the table, kept for inspection and replay.',
  },
} as const satisfies Record<string, MetricDef>;

export const HISTOGRAMS = {
  semaphore_wait_microseconds: {
    name: 'dynamodb_output_semaphore_wait_microseconds',
    help: 'Time spent waiting for one of max_concurrent_requests write slots; high values mean DynamoDB is the bottleneck.',
  },
  write_call_latency_microseconds: {
    name: 'dynamodb_output_write_call_latency_microseconds',
    help: 'Latency of one chunk write, retries included.',
  },
} as const satisfies Record<string, MetricDef>;

export const GAUGES = {
  requests_in_flight: { name: 'dynamodb_output_requests_in_flight', help: 'Write requests currently in flight.' },
  concurrency_limit: {
    name: 'dynamodb_output_concurrency_limit',
    help: 'Write requests allowed in flight (summed over workers): max_concurrent_requests, lowered while DynamoDB throttles.',
  },
  provisioned_wcu: {
    name: 'dynamodb_output_provisioned_wcu',
    help: 'Provisioned write capacity units of the table, as DescribeTable reported them when the connector opened; 0 for an on-demand table.',
  },
} as const satisfies Record<string, MetricDef>;

export type CounterKey = keyof typeof COUNTERS;
export type HistogramKey = keyof typeof HISTOGRAMS;
export type GaugeKey = keyof typeof GAUGES;

/** Where a writer reports what it did. Implemented in the main thread, and by a forwarding sink in worker threads. */
export interface MetricsSink {
  count(key: CounterKey, n: number): void;
  observe(key: HistogramKey, value: number): void;
  /** Adds `delta` (may be negative) to a gauge. */
  shift(key: GaugeKey, delta: number): void;
}

export type MetricsSnapshot = Record<CounterKey | GaugeKey, number>;

// Microseconds, from 100 µs to about 100 s.
const LATENCY_BUCKETS = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
  1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 100_000_000];

interface PromMetrics {
  counters: Record<CounterKey, Counter<'endpoint'>>;
  histograms: Record<HistogramKey, Histogram<'endpoint'>>;
  gauges: Record<GaugeKey, Gauge<'endpoint'>>;
}

// prom-client refuses to register a name twice in one registry, so connectors sharing a registry share the metric objects.
const promMetricsByRegistry = new WeakMap<Registry, PromMetrics>();

function promMetricsFor(registry: Registry): PromMetrics {
  let metrics = promMetricsByRegistry.get(registry);
  if (!metrics) {
    const registers = [registry];
    metrics = {
      counters: mapValues(COUNTERS, (d) => new Counter({ ...d, labelNames: ['endpoint'], registers })),
      histograms: mapValues(HISTOGRAMS, (d) => new Histogram({ ...d, labelNames: ['endpoint'], buckets: LATENCY_BUCKETS, registers })),
      gauges: mapValues(GAUGES, (d) => new Gauge({ ...d, labelNames: ['endpoint'], registers })),
    };
    promMetricsByRegistry.set(registry, metrics);
  }
  return metrics;
}

function mapValues<K extends string, V, R>(record: Record<K, V>, f: (v: V) => R): Record<K, R> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as V)])) as Record<K, R>;
}

/** One connector's metrics. */
export class ConnectorMetrics implements MetricsSink {
  readonly registry: Registry;
  private readonly prom: PromMetrics;
  private readonly endpoint: string;
  private readonly totals: MetricsSnapshot;

  constructor(endpoint: string, registry: Registry = new Registry()) {
    this.registry = registry;
    this.endpoint = endpoint;
    this.prom = promMetricsFor(registry);
    this.totals = mapValues({ ...COUNTERS, ...GAUGES }, () => 0);
    // Make every series visible from the start, so dashboards and alerts see zeros rather than gaps.
    for (const counter of Object.values(this.prom.counters)) counter.inc({ endpoint }, 0);
    for (const gauge of Object.values(this.prom.gauges)) gauge.set({ endpoint }, 0);
  }

  count(key: CounterKey, n: number): void {
    if (n === 0) return;
    this.totals[key] += n;
    this.prom.counters[key].inc({ endpoint: this.endpoint }, n);
  }

  observe(key: HistogramKey, value: number): void {
    this.prom.histograms[key].observe({ endpoint: this.endpoint }, value);
  }

  shift(key: GaugeKey, delta: number): void {
    this.totals[key] += delta;
    this.prom.gauges[key].inc({ endpoint: this.endpoint }, delta);
  }

  snapshot(): MetricsSnapshot {
    return { ...this.totals };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
