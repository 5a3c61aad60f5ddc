/**
 * Prometheus series for the pipeline as a whole (the connectors register their own). Each is read
 * from the pipeline's figures when scraped, so /metrics and /status always agree; the step
 * duration histogram is the one series observed as steps happen. Inputs and outputs carry the
 * `endpoint` label with the connector name, as the connectors' own series do.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DynaviewError } from '../errors.js';
import type { OutputRunner } from './output-runner.js';
import type { InputStats, PipelineStats } from './pipeline-stats.js';

interface MetricDef {
  readonly name: string;
  readonly help: string;
}

/** Counters per input, by the field of its figures they expose. */
export const INPUT_COUNTERS = {
  rows: { name: 'pipeline_input_rows_total', help: 'Changes an input connector pushed into its table.' },
  bytes: { name: 'pipeline_input_bytes_total', help: 'Bytes an input connector read from its source (file_input, HTTP ingress).' },
  errors: { name: 'pipeline_input_errors_total', help: 'Input records skipped because they could not be read.' },
} as const satisfies Partial<Record<keyof InputStats, MetricDef>>;

/** Gauges per output, by what they measure. */
export const OUTPUT_GAUGES = {
  queuedRecords: { name: 'pipeline_output_queued_records', help: 'Changes queued for an output connector (up to max_queued_records, then steps wait).' },
  bufferedRecords: { name: 'pipeline_output_buffered_records', help: 'Changes held in an output buffer (enable_output_buffer) until its size or age limit.' },
} as const satisfies Partial<Record<keyof OutputRunner, MetricDef>>;

export const PIPELINE_COUNTERS = {
  steps: { name: 'pipeline_steps_total', help: 'Steps run: each turns the input gathered since the previous step into every view\'s changes.' },
  stalled: { name: 'pipeline_stalled_seconds_total', help: 'Time steps waited because an output queue was full (backpressure).' },
} as const satisfies Record<string, MetricDef>;

export const PIPELINE_HISTOGRAMS = {
  step: { name: 'pipeline_step_duration_seconds', help: 'Time one step takes, from its input to its changes queued for the outputs.' },
} as const satisfies Record<string, MetricDef>;

/** From 100 µs to 30 s: a small step takes well under a millisecond, a large join seconds. */
const STEP_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Registers the pipeline's series in `registry`; with `processMetrics`, prom-client's default
 * process series too (memory, CPU, event loop lag), which a registry may hold only once per process.
 */
export function registerPipelineMetrics(registry: Registry, stats: PipelineStats, outputs: readonly OutputRunner[], processMetrics: boolean): void {
  if (registry.getSingleMetric(PIPELINE_COUNTERS.steps.name) !== undefined) {
    throw new DynaviewError('METRICS_REGISTRY_SHARED', 'the metrics registry already holds the series of another pipeline: give each pipeline its own registry');
  }
  const registers = [registry];
  for (const [field, def] of Object.entries(INPUT_COUNTERS) as Array<[keyof typeof INPUT_COUNTERS, MetricDef]>) {
    new Counter({
      ...def, labelNames: ['endpoint'], registers,
      collect() {
        this.reset();
        for (const [endpoint, input] of Object.entries(stats.inputs)) this.inc({ endpoint }, input[field]);
      },
    });
  }
  for (const [field, def] of Object.entries(OUTPUT_GAUGES) as Array<[keyof typeof OUTPUT_GAUGES, MetricDef]>) {
    new Gauge({
      ...def, labelNames: ['endpoint'], registers,
      collect() {
        for (const output of outputs) this.set({ endpoint: output.endpoint.name }, output[field]);
      },
    });
  }
  new Counter({ ...PIPELINE_COUNTERS.steps, registers, collect() { this.reset(); this.inc(stats.steps); } });
  new Counter({ ...PIPELINE_COUNTERS.stalled, registers, collect() { this.reset(); this.inc(stats.stalledMsAt(Date.now()) / 1000); } });
  const steps = new Histogram({ ...PIPELINE_HISTOGRAMS.step, buckets: STEP_BUCKETS, registers });
  stats.onStep((ms) => steps.observe(ms / 1000));
  if (processMetrics) collectDefaultMetrics({ register: registry });
}
