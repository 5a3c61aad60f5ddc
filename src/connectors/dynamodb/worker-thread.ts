/**
 * Entry point of a worker thread: one partition writer with its own DynamoDB client, fed steps by
 * the connector. Metrics are batched and forwarded to the connector, which owns the registry.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DynaviewError } from '../../errors.js';
import type { CounterKey, GaugeKey, HistogramKey, MetricsSink } from './metrics.js';
import { buildPartition, type PartitionSetup } from './partition.js';
import { fromStepColumns } from './step-columns.js';
import type { FromWorker, MetricsBatch, ToWorker } from './worker-protocol.js';

const FORWARD_INTERVAL_MS = 200;

class ForwardingMetrics implements MetricsSink {
  private batch: MetricsBatch = { counters: {}, gauges: {}, observations: {} };
  private empty = true;

  constructor(private readonly post: (message: FromWorker) => void) {}

  count(key: CounterKey, n: number): void {
    this.batch.counters[key] = (this.batch.counters[key] ?? 0) + n;
    this.empty = false;
  }

  observe(key: HistogramKey, value: number): void {
    (this.batch.observations[key] ??= []).push(value);
    this.empty = false;
  }

  shift(key: GaugeKey, delta: number): void {
    this.batch.gauges[key] = (this.batch.gauges[key] ?? 0) + delta;
    this.empty = false;
  }

  flush(): void {
    if (this.empty) return;
    this.post({ type: 'metrics', batch: this.batch });
    this.batch = { counters: {}, gauges: {}, observations: {} };
    this.empty = true;
  }
}

const port = parentPort;
if (!port) throw new Error('worker-thread.js must run as a worker thread');
const post = (message: FromWorker): void => port.postMessage(message);
const metrics = new ForwardingMetrics(post);
const { writer, close } = buildPartition(workerData as PartitionSetup, metrics);
let hotKeysShown = false;
const ticker = setInterval(() => {
  metrics.flush();
  forwardHotKeys();
}, FORWARD_INTERVAL_MS);

/** Sends the hot keys while the window holds some, and once more when it has emptied. */
function forwardHotKeys(): void {
  const snapshot = writer.hotKeySnapshot(performance.now());
  const empty = snapshot.writesTotal === 0 && snapshot.throttledTotal === 0;
  if (empty && !hotKeysShown) return;
  post({ type: 'hot-keys', snapshot });
  hotKeysShown = !empty;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    clearInterval(ticker);
    metrics.flush();
    forwardHotKeys();
    close();
    post({ type: 'closed' });
    port.close();
    return;
  }
  const { step } = message;
  const started = writer.startStep(fromStepColumns(message.columns), step);
  // A failure is reported once, through `done`, which fails whenever `staged` does.
  started.staged.then(() => post({ type: 'step-staged', step }), () => undefined);
  started.done.then(
    (report) => {
      metrics.flush();
      post({ type: 'step-done', step, report });
    },
    (error: unknown) => {
      metrics.flush();
      const serialized = error instanceof DynaviewError
        ? error.toJSON()
        : { code: 'INTERNAL_ERROR', message: String(error instanceof Error ? error.stack : error), retriable: false, context: {} };
      post({ type: 'step-failed', step, error: serialized });
    },
  );
});
