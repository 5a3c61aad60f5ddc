/**
 * The last minutes of the figures the web console draws over time, sampled from /status once a
 * second, so that a console opened during a run shows what led up to now and not only what
 * happens after it is opened. A sample keeps only the totals rates and banners are computed from
 * (by the same field names as /status), so the history stays small.
 */
const SAMPLE_INTERVAL_MS = 1_000;
const KEPT_SAMPLES = 300;

type Figures = Record<string, unknown>;

export class StatusHistory {
  private readonly samples: Figures[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly status: () => unknown) {}

  start(): void {
    this.take();
    this.timer = setInterval(() => this.take(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Oldest first. */
  list(): readonly Figures[] {
    return this.samples;
  }

  private take(): void {
    this.samples.push(sampleOf(this.status() as StatusFigures));
    if (this.samples.length > KEPT_SAMPLES) this.samples.shift();
  }
}

/** The fields of /status a sample keeps; the rest of /status is left out. */
interface StatusFigures {
  time: string;
  steps: number;
  step_ms: unknown;
  inputs: Record<string, { rows: number; errors: number }>;
  graph: { nodes: Array<{ id: string; total: number }> };
  outputs: Record<string, { written: number; failed_items: number; capacity?: { consumed_wcu_total: number } }>;
}

function sampleOf(status: StatusFigures): Figures {
  const pick = <T, R>(record: Record<string, T>, f: (value: T) => R): Record<string, R> =>
    Object.fromEntries(Object.entries(record).map(([name, value]) => [name, f(value)]));
  return {
    time: status.time,
    steps: status.steps,
    step_ms: status.step_ms,
    inputs: pick(status.inputs, ({ rows, errors }) => ({ rows, errors })),
    graph: { nodes: status.graph.nodes.map(({ id, total }) => ({ id, total })) },
    outputs: pick(status.outputs, ({ written, failed_items: failed, capacity }) => ({
      written,
      failed_items: failed,
      ...(capacity === undefined ? {} : { capacity: { consumed_wcu_total: capacity.consumed_wcu_total } }),
    })),
  };
}
