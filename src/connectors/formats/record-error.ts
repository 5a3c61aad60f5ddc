/**
 * Errors about single input records. A bad record is skipped and reported, never thrown, so that
 * the rest of the input goes on; the report says where the record is (source, line, column, its
 * number in the source), which column or field is wrong, and what is wrong.
 */
import { DynaviewError, type ErrorContext } from '../../errors.js';

/** Where a record (or the part of it that is wrong) is. */
export interface RecordPlace {
  readonly line: number;
  readonly col: number;
  /** 1-based number of the record among the records the decoder was given (blank lines do not count). */
  readonly record: number;
  /** 0-based index of the event within a JSON array of events. */
  readonly event?: number;
}

/** A skipped record. The message reads `source:line:col: record N: what is wrong (record skipped)`. */
export class InputRecordError extends DynaviewError {
  /** The input the record came from, as the decoder was told: a file path, an HTTP request. */
  readonly source: string;
  readonly record: number;
  readonly event: number | undefined;
  /** What is wrong, without where. */
  readonly reason: string;

  constructor(code: string, reason: string, source: string, place: RecordPlace, context: ErrorContext) {
    const which = place.event === undefined ? `record ${place.record}` : `record ${place.record}, event ${place.event} of the array`;
    super(code, `${source}:${place.line}:${place.col}: ${which}: ${reason} (${place.event === undefined ? 'record' : 'event'} skipped)`, {
      context: { ...context, line: place.line, col: place.col },
    });
    this.source = source;
    this.record = place.record;
    this.event = place.event;
    this.reason = reason;
  }
}

/** Turns the problems of the records of one source into InputRecordErrors for its error callback. */
export class RecordErrors {
  constructor(
    private readonly source: string,
    private readonly context: ErrorContext,
    private readonly onError: (error: InputRecordError) => void,
  ) {}

  /** Reports a problem found while reading a record; `problem` is a DynaviewError whose context names the column, if any. */
  report(problem: DynaviewError, place: RecordPlace): void {
    this.onError(new InputRecordError(problem.code, problem.message, this.source, place, { ...this.context, ...problem.context }));
  }

  /** Reports a problem given by its code and reason. */
  reportReason(code: string, reason: string, place: RecordPlace): void {
    this.onError(new InputRecordError(code, reason, this.source, place, this.context));
  }
}
