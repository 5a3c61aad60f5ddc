/** Messages between the connector and its worker threads. */
import type { SerializedError } from '../../errors.js';
import type { HotKeysSnapshot } from './hot-keys.js';
import type { CounterKey, GaugeKey, HistogramKey } from './metrics.js';
import type { StepReport } from './partition-writer.js';
import type { StepColumns } from './step-columns.js';

export type ToWorker =
  | { type: 'step'; step: number; columns: StepColumns }
  | { type: 'close' };

export interface MetricsBatch {
  counters: Partial<Record<CounterKey, number>>;
  gauges: Partial<Record<GaugeKey, number>>;
  observations: Partial<Record<HistogramKey, number[]>>;
}

export type FromWorker =
  | { type: 'metrics'; batch: MetricsBatch }
  | { type: 'hot-keys'; snapshot: HotKeysSnapshot }
  | { type: 'step-staged'; step: number }
  | { type: 'step-done'; step: number; report: StepReport }
  | { type: 'step-failed'; step: number; error: SerializedError }
  | { type: 'closed' };
