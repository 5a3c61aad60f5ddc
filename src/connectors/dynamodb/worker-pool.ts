/**
 * The connector's `threads` workers. Each owns a disjoint set of keys (by a hash of the key, so a
 * key always goes to the same worker), its own DynamoDB client, buffer and request slots. With one
 * thread the writer runs in the calling thread, which spares copying every row to a worker.
 */
import { Worker } from 'node:worker_threads';
import { DynaviewError } from '../../errors.js';
import type { Update } from '../../schema.js';
import type { RowEncoder } from './encode.js';
import { EMPTY_HOT_KEYS, type HotKeysSnapshot } from './hot-keys.js';
import type { ConnectorMetrics } from './metrics.js';
import type { PartitionWriter, StartedStep, StepReport } from './partition-writer.js';
import type { PartitionSetup } from './partition.js';
import { toStepColumns } from './step-columns.js';
import type { FromWorker, MetricsBatch, ToWorker } from './worker-protocol.js';

export interface Partition {
  startStep(updates: Update[], step: number): StartedStep;
  /** The partition's hot keys: current in the calling thread, at most a fraction of a second old from a worker thread. */
  hotKeys(): HotKeysSnapshot;
  close(): Promise<void>;
}

export class InProcessPartition implements Partition {
  constructor(private readonly writer: PartitionWriter, private readonly release: () => void) {}

  startStep(updates: Update[], step: number): StartedStep {
    return this.writer.startStep(updates, step);
  }

  hotKeys(): HotKeysSnapshot {
    return this.writer.hotKeySnapshot(performance.now());
  }

  async close(): Promise<void> {
    this.release();
  }
}

interface Waiter {
  staged: () => void;
  resolve: (report: StepReport) => void;
  reject: (error: Error) => void;
}

export class ThreadPartition implements Partition {
  private readonly worker: Worker;
  private readonly waiters = new Map<number, Waiter>();
  private readonly exited: Promise<void>;
  private crash: DynaviewError | undefined;
  private latestHotKeys = EMPTY_HOT_KEYS;
  private readonly columnNames: readonly string[];

  constructor(setup: PartitionSetup, private readonly metrics: ConnectorMetrics, ordinal: number) {
    this.columnNames = setup.view.columns.map((column) => column.name);
    this.worker = new Worker(new URL('./worker-thread.js', import.meta.url), { workerData: setup });
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (error) => {
      this.crash = new DynaviewError('DYNAMODB_WORKER_CRASHED',
        `connector ${setup.connector}: worker ${ordinal} stopped unexpectedly: ${error.message}`,
        { context: { connector: setup.connector }, cause: error });
      for (const waiter of this.waiters.values()) waiter.reject(this.crash);
      this.waiters.clear();
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  startStep(updates: Update[], step: number): StartedStep {
    if (this.crash) {
      const crashed = Promise.reject(this.crash);
      crashed.catch(() => undefined);
      return { staged: crashed, done: Promise.reject(this.crash) };
    }
    let staged!: () => void;
    let failStaged!: (error: Error) => void;
    const stagedPromise = new Promise<void>((resolve, reject) => { staged = resolve; failStaged = reject; });
    const done = new Promise<StepReport>((resolve, reject) => {
      this.waiters.set(step, {
        staged,
        resolve: (report) => { staged(); resolve(report); },
        reject: (error) => { failStaged(error); reject(error); },
      });
      const columns = toStepColumns(updates, this.columnNames);
      this.post({ type: 'step', step, columns }, [columns.weights.buffer as ArrayBuffer]);
    });
    // Whoever waits for `done` hears of a failure; `staged` must not report it a second time.
    stagedPromise.catch(() => undefined);
    return { staged: stagedPromise, done };
  }

  hotKeys(): HotKeysSnapshot {
    return this.latestHotKeys;
  }

  async close(): Promise<void> {
    if (!this.crash) this.post({ type: 'close' });
    await this.exited;
  }

  private post(message: ToWorker, transfer: readonly ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'metrics':
        applyMetrics(this.metrics, message.batch);
        return;
      case 'hot-keys':
        this.latestHotKeys = message.snapshot;
        return;
      case 'step-staged':
        this.waiters.get(message.step)?.staged();
        return;
      case 'step-done':
        this.settle(message.step)?.resolve(message.report);
        return;
      case 'step-failed':
        this.settle(message.step)?.reject(DynaviewError.fromJSON(message.error));
        return;
      case 'closed':
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unknown worker message ${String(unreachable)}`);
      }
    }
  }

  private settle(step: number): Waiter | undefined {
    const waiter = this.waiters.get(step);
    this.waiters.delete(step);
    return waiter;
  }
}

function applyMetrics(metrics: ConnectorMetrics, batch: MetricsBatch): void {
  for (const [key, n] of Object.entries(batch.counters)) metrics.count(key as keyof MetricsBatch['counters'], n);
  for (const [key, delta] of Object.entries(batch.gauges)) metrics.shift(key as keyof MetricsBatch['gauges'], delta);
  for (const [key, values] of Object.entries(batch.observations)) {
    for (const value of values) metrics.observe(key as keyof MetricsBatch['observations'], value);
  }
}

/** Splits a step's updates by worker: a key always lands in the same worker, whatever step it is in. */
export function routeByKey(updates: Iterable<Update>, encoder: RowEncoder, workers: number): Update[][] {
  const shares: Update[][] = Array.from({ length: workers }, () => []);
  for (const update of updates) {
    let slot = 0;
    try {
      slot = encoder.keyHashOf(update.row) % workers;
    } catch {
      // An invalid key is reported by the worker that gets it; any worker will do.
    }
    shares[slot]!.push(update);
  }
  return shares;
}
