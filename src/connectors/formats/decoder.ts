/**
 * The streaming input decoder: bytes in any chunks -> the changes of the complete records in them,
 * for every transport (a file, an HTTP request body) and every input format. A transport creates
 * one decoder per stream, hands it each chunk as it arrives, and ends it when the stream ends:
 *
 * ```ts
 * const decoder = createInputDecoder(format, table, { source: 'POST /ingress/t', onError: (e) => errors.push(e) });
 * for await (const chunk of body) await push(decoder.write(chunk).changes);
 * await push(decoder.end().changes);
 * ```
 *
 * A bad record is not thrown: it goes to `onError` as an `InputRecordError` naming its place
 * (source, line, column, record number), column and problem, and decoding goes on with the next
 * record. Only the record not yet complete is kept between chunks, so memory follows the size of a
 * record, not of the stream (with JSON `array`, a record is a whole array).
 */
import type { ErrorContext } from '../../errors.js';
import type { Update } from '../../schema.js';
import type { InputTable } from '../inputs/input.js';
import { CsvDecoder } from './csv/csv-decoder.js';
import type { InputFormat } from './format.js';
import { JsonDecoder } from './json/json-decoder.js';
import { RecordErrors, type InputRecordError } from './record-error.js';
import { INPUT_START, type TextPosition } from './text-position.js';

export interface DecoderOptions {
  /** Names the input in messages: a file path, `POST /ingress/t`. */
  readonly source: string;
  /** Receives every record that is skipped, in input order. */
  readonly onError: (error: InputRecordError) => void;
  /**
   * Where in the input the first byte written is (default: the start). Line, column and record
   * numbers count from here. Only at the start is a UTF-8 byte order mark skipped, and CSV headers.
   */
  readonly from?: TextPosition;
  /** Added to the context of every error, e.g. `{ connector, table, file }`. */
  readonly context?: ErrorContext;
}

/**
 * The changes of complete records (of one, record by record; of all those a chunk completes, from
 * write()), none for records skipped or blank, and where the next record starts.
 */
export interface Decoded {
  readonly changes: Update[];
  readonly end: TextPosition;
}

/** What each format implements: records from bytes, problems reported to the RecordErrors it was made with. */
export interface RecordDecoder {
  /** The records `chunk` completes. Drain each result before the next push. */
  push(chunk: Buffer): Iterable<Decoded>;
  /** At the end of the input: the record it ends without a terminator, if any. */
  finish(): Iterable<Decoded>;
}

const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

export class InputDecoder {
  private readonly errors: RecordErrors;
  private readonly from: TextPosition;
  private records: RecordDecoder | null = null;
  /** At the start of the input: the bytes seen while they may still be the start of a byte order mark. */
  private head: Buffer | null;
  private last: TextPosition;
  private ended = false;

  constructor(private readonly format: InputFormat, private readonly table: InputTable, options: DecoderOptions) {
    this.errors = new RecordErrors(options.source, options.context ?? {}, options.onError);
    this.from = options.from ?? INPUT_START;
    this.last = this.from;
    this.head = this.from.offset === 0 ? Buffer.alloc(0) : null;
    if (this.head === null) this.records = this.recordDecoder(this.from);
  }

  /** Where the next record starts: just after the last complete record returned. */
  get position(): TextPosition {
    return this.last;
  }

  /** The changes of the records `chunk` completes. */
  write(chunk: Buffer): Decoded {
    return this.collect(this.recordsIn(chunk));
  }

  /** At the end of the input: the changes of the last record, if the input ends without ending it. No write() after this. */
  end(): Decoded {
    return this.collect(this.lastRecords());
  }

  /** As write(), record by record, for a transport that cuts its pushes at record boundaries. Drain it before the next call. */
  *recordsIn(chunk: Buffer): Generator<Decoded> {
    if (this.ended) throw new Error('internal error: input decoder written after end()');
    let bytes = chunk;
    if (this.head !== null) {
      const head = Buffer.concat([this.head, chunk]);
      if (head.length < BYTE_ORDER_MARK.length && BYTE_ORDER_MARK.subarray(0, head.length).equals(head)) {
        this.head = head;
        return;
      }
      bytes = this.start(head);
    }
    yield* this.track(this.records!.push(bytes));
  }

  /** As end(), record by record. */
  *lastRecords(): Generator<Decoded> {
    if (this.ended) return;
    this.ended = true;
    if (this.head !== null) {
      const rest = this.start(this.head);
      yield* this.track(this.records!.push(rest));
    }
    yield* this.track(this.records!.finish());
  }

  /** Creates the format's decoder past a byte order mark at the start of `head`; returns the bytes after it. */
  private start(head: Buffer): Buffer {
    this.head = null;
    const marked = head.subarray(0, BYTE_ORDER_MARK.length).equals(BYTE_ORDER_MARK);
    // The mark is invisible: the first character after it is still in column 1.
    this.records = this.recordDecoder(marked ? { offset: BYTE_ORDER_MARK.length, line: 1, col: 1 } : this.from);
    return marked ? head.subarray(BYTE_ORDER_MARK.length) : head;
  }

  private recordDecoder(from: TextPosition): RecordDecoder {
    const atInputStart = this.from.offset === 0;
    switch (this.format.name) {
      case 'json':
        return new JsonDecoder(this.format, this.table, from, this.errors);
      case 'csv':
        return new CsvDecoder(this.format, this.table, from, atInputStart, this.errors);
      default:
        return unreachable(this.format);
    }
  }

  private collect(records: Iterable<Decoded>): Decoded {
    const changes: Update[] = [];
    // A record (an array) can hold more changes than a spread's arguments may.
    for (const record of records) for (const change of record.changes) changes.push(change);
    return { changes, end: this.last };
  }

  private *track(records: Iterable<Decoded>): Generator<Decoded> {
    for (const record of records) {
      this.last = record.end;
      yield record;
    }
  }
}

export function createInputDecoder(format: InputFormat, table: InputTable, options: DecoderOptions): InputDecoder {
  return new InputDecoder(format, table, options);
}

function unreachable(format: never): never {
  throw new Error(`internal error: unexpected input format ${JSON.stringify(format)}`);
}
