/**
 * What a running pipeline shows: a live line on a terminal, periodic structured log lines
 * otherwise, a final summary, and the JSON served at /status. Nothing here includes secrets:
 * connector settings are the redacted ones.
 */
import type { Logger } from 'pino';
import type { PipelineRun } from '../pipeline/run.js';
import { outputRunnerStatus, pipelineStatus } from './run-status.js';

const TERMINAL_REFRESH_MS = 250;
const LOG_INTERVAL_MS = 5_000;

export class Progress {
  private timer: NodeJS.Timeout | null = null;
  private lastWritten = 0;
  private lastAt = Date.now();
  private rate = 0;
  private readonly terminal: boolean;

  constructor(
    private readonly pipeline: PipelineRun,
    private readonly logger: Logger,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {
    this.terminal = Boolean(err.isTTY);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.terminal ? TERMINAL_REFRESH_MS : LOG_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.terminal) this.err.write('\r\x1b[K');
  }

  private tick(): void {
    const now = Date.now();
    const written = this.written();
    const seconds = (now - this.lastAt) / 1000;
    if (seconds > 0) this.rate = (written - this.lastWritten) / seconds;
    this.lastWritten = written;
    this.lastAt = now;
    if (this.terminal) {
      this.err.write(`\r\x1b[K${this.line()}`);
    } else {
      const stats = this.pipeline.stats;
      const written = Object.fromEntries(this.pipeline.outputs.map((o) => [o.endpoint.name, o.output.status().written]));
      this.logger.info({ steps: stats.steps, input_rows: stats.inputRows, written, rows_per_second: Math.round(this.rate) }, this.line());
    }
  }

  private written(): number {
    return this.pipeline.outputs.reduce((n, o) => n + o.output.status().written, 0);
  }

  /** One line: steps, input rows, rows written per connector, rate, retries and drops. */
  line(): string {
    const stats = this.pipeline.stats;
    const input = Object.values(stats.inputRows).reduce((a, b) => a + b, 0);
    const snapshots = this.pipeline.outputs.map((o) => ({ name: o.endpoint.name, status: o.output.status() }));
    const outputs = snapshots.map(({ name, status }) => `${name} ${status.written} written`);
    const retries = snapshots.reduce((n, { status }) => n + status.retries, 0);
    const dropped = snapshots.reduce((n, { status }) => n + status.dropped, 0);
    return `step ${stats.steps} | input ${input} rows | ${outputs.join(' | ')} | ${Math.round(this.rate)} rows/s | retries ${retries} | dropped ${dropped}`;
  }

  summary(): string {
    const stats = this.pipeline.stats;
    const seconds = (Date.now() - stats.startedAt) / 1000;
    const input = Object.entries(stats.inputRows).map(([name, rows]) => `${name} ${rows} rows`).join(', ') || 'no input';
    const lines = [
      `done in ${seconds.toFixed(1)}s: ${stats.steps} step${stats.steps === 1 ? '' : 's'}; input: ${input}`
        + `${stats.inputErrors > 0 ? `; ${stats.inputErrors} bad input record(s) skipped` : ''}`
        + `${stats.deadLetteredRows > 0 ? `; ${stats.deadLetteredRows} row(s) left out of views after runtime errors (dead-lettered)` : ''}`
        + `; peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    ];
    for (const { endpoint, output } of this.pipeline.outputs) {
      lines.push(`  ${endpoint.name} -> ${endpoint.connector.target}: ${output.status().summary}`);
    }
    return lines.join('\n');
  }

  status(): unknown {
    const stats = this.pipeline.stats;
    return {
      uptime_seconds: (Date.now() - stats.startedAt) / 1000,
      steps: stats.steps,
      input_rows: stats.inputRows,
      input_errors: stats.inputErrors,
      dead_lettered_rows: stats.deadLetteredRows,
      stalled_seconds: stats.stalledMsAt(Date.now()) / 1000,
      rows_per_second: this.rate,
      ...pipelineStatus(this.pipeline),
      outputs: Object.fromEntries(this.pipeline.outputs.map((o) => {
        const { metrics, capacity, hot_keys } = o.output.status();
        return [o.endpoint.name, {
          view: o.endpoint.view.name,
          ...(o.endpoint.index ? { index: o.endpoint.index.name } : {}),
          target: o.endpoint.connector.target,
          settings: o.endpoint.connector.settings,
          queued_records: o.queuedRecords,
          metrics,
          ...(capacity ? { capacity } : {}),
          ...(hot_keys ? { hot_keys } : {}),
          ...outputRunnerStatus(o),
        }];
      })),
    };
  }
}
