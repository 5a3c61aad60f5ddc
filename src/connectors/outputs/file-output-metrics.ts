/**
 * The `file_output` connector's counters, each with an `endpoint` label, kept in prom-client for
 * /metrics and as plain numbers for status lines and the summary.
 */
import { Counter, type Registry } from 'prom-client';

export const FILE_OUTPUT_COUNTERS = {
  records_written: { name: 'file_output_records_written_total', help: 'Events written to the file (insert and delete lines).' },
  inserts_written: { name: 'file_output_inserts_written_total', help: 'Insert events written.' },
  deletes_written: { name: 'file_output_deletes_written_total', help: 'Delete events written.' },
  bytes_written: { name: 'file_output_bytes_written_total', help: 'Bytes appended to the file.' },
  steps: { name: 'file_output_steps_total', help: 'Batches written.' },
  failed_records: {
    name: 'file_output_failed_records_total',
    help: 'Records not written because their weight is beyond +/-1000000 (Feldera\'s limit); these changes are not in the file.',
  },
} as const;

export type FileOutputCounter = keyof typeof FILE_OUTPUT_COUNTERS;

export class FileOutputMetrics {
  private readonly totals = Object.fromEntries(Object.keys(FILE_OUTPUT_COUNTERS).map((key) => [key, 0])) as Record<FileOutputCounter, number>;
  private readonly counters: Record<FileOutputCounter, Counter<'endpoint'>>;

  constructor(private readonly endpoint: string, registry: Registry) {
    this.counters = Object.fromEntries(Object.entries(FILE_OUTPUT_COUNTERS).map(([key, def]) => {
      // Connectors sharing a registry share its metrics: prom-client refuses a name twice.
      const counter = (registry.getSingleMetric(def.name) as Counter<'endpoint'> | undefined)
        ?? new Counter({ ...def, labelNames: ['endpoint'], registers: [registry] });
      // Every series is visible from the start, so dashboards see zeros rather than gaps.
      counter.inc({ endpoint }, 0);
      return [key, counter];
    })) as Record<FileOutputCounter, Counter<'endpoint'>>;
  }

  count(key: FileOutputCounter, n: number): void {
    if (n === 0) return;
    this.totals[key] += n;
    this.counters[key].inc({ endpoint: this.endpoint }, n);
  }

  snapshot(): Record<FileOutputCounter, number> {
    return { ...this.totals };
  }
}
