/**
 * The dead-letter file of runtime errors (`runtime_error_dead_letter_path`). With it, a row on
 * which an expression of a view fails (division by zero, overflow, a bad cast) does not fail the
 * step: the operator that evaluates the expression leaves the row out (see `engine/row-error.ts`),
 * and the row is appended here as one JSON line, once the step is journaled and before its changes
 * reach the outputs. A restart replays the journaled steps, which leave out the same rows again:
 * each journaled step records where its lines start, and the file is cut back to the first
 * replayed step's start before the replay appends them again, so every dead letter is there once.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { DroppedRow } from '../engine/row-error.js';
import { DeadLetterFile, deadLetterJson } from '../util/dead-letter-file.js';
import type { JournaledStep } from './step-journal.js';

export const RUNTIME_ERROR_DEAD_LETTER_OPTION = 'runtime_error_dead_letter_path';

/** Rising: rows of the view named by the label are missing from it; the file says which and why. */
export const RUNTIME_ERROR_DEAD_LETTERS_METRIC = {
  name: 'runtime_error_dead_letters_total',
  help: 'Rows left out of a view because one of its expressions failed on them, appended to the runtime-error dead-letter file.',
} as const;

export class RuntimeErrorDeadLetters {
  private written = 0;

  private constructor(private readonly file: DeadLetterFile, private readonly counter: Counter<'view'>, private readonly logger: Logger) {}

  /** Opens (creating it if missing) the file for appending; a path that cannot be written is a CONFIG_INVALID error. */
  static async open(path: string, registry: Registry, logger: Logger): Promise<RuntimeErrorDeadLetters> {
    const file = await DeadLetterFile.open(resolve(path), {
      subject: 'the pipeline', option: RUNTIME_ERROR_DEAD_LETTER_OPTION, failureCode: 'RUNTIME_ERROR_DEAD_LETTER_WRITE_FAILED', context: {},
    });
    const counter = new Counter({ ...RUNTIME_ERROR_DEAD_LETTERS_METRIC, labelNames: ['view'], registers: [registry] });
    return new RuntimeErrorDeadLetters(file, counter, logger);
  }

  /** The file's absolute path. */
  get path(): string {
    return this.file.path;
  }

  /** Where the next step's lines will start, journaled with the step. */
  get start(): { path: string; length: number } {
    return { path: this.file.path, length: this.file.length };
  }

  /** Dead letters this run appended. */
  get count(): number {
    return this.written;
  }

  /** Before replaying `steps`: cuts the file back to where the first of them wrote to this file started. */
  async resume(steps: readonly JournaledStep[]): Promise<void> {
    const first = steps.find((step) => step.dead_letters?.path === this.file.path);
    if (first?.dead_letters !== undefined) await this.file.truncate(first.dead_letters.length);
  }

  /** Appends the rows step `step` left out; with `sync`, resolves once they are on disk. */
  async record(step: number, rows: readonly DroppedRow[], sync: boolean): Promise<void> {
    if (rows.length === 0) return;
    const time = new Date().toISOString();
    await this.file.append(rows.map((row) => deadLetterJson({
      time,
      step,
      view: row.view,
      ...(row.column === undefined ? { clause: row.role } : { column: row.column }),
      position: row.position,
      message: row.message,
      weight: row.weight,
      row: row.row,
      ...(Object.keys(row.keys).length === 0 ? {} : { keys: row.keys }),
    })), { sync });
    if (this.written === 0) {
      const [first] = rows;
      this.logger.warn({ view: first!.view, step, file: this.file.path },
        `${first!.position}: view ${first!.view}, ${first!.role}: ${first!.message}: the row is left out of the view and written to ${this.file.path}`
          + `${rows.length > 1 ? ` (with ${rows.length - 1} more of step ${step})` : ''}; the run goes on`);
    }
    this.written += rows.length;
    for (const row of rows) this.counter.inc({ view: row.view });
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
