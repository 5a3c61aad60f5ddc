/** A metrics sink for unit tests of the writers: keeps the counters, ignores the rest. */
import type { CounterKey, MetricsSink } from '../../src/connectors/dynamodb/metrics.js';

export class CountingMetrics implements MetricsSink {
  readonly counts = new Map<CounterKey, number>();
  count(key: CounterKey, n: number): void { this.counts.set(key, (this.counts.get(key) ?? 0) + n); }
  observe(): void {}
  shift(): void {}
  get(key: CounterKey): number { return this.counts.get(key) ?? 0; }
}
