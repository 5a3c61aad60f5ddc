/**
 * Cuts CSV bytes into records of fields, with the rules of the `csv` crate Feldera reads CSV with:
 * a record ends at a newline outside quotes (a CR before it is dropped); a field that starts with
 * the quote character is quoted, and inside it two quotes stand for one (`doubleQuote`) and the
 * escape character makes the next character literal; text after the closing quote is kept;
 * quote characters inside an unquoted field are ordinary. Blank lines are skipped, and lines that
 * start with the comment character. Every special character is ASCII, so the cut is on bytes and
 * positions stay exact. Only the record being read is kept.
 */
import type { CsvFormat } from '../format.js';
import type { Framer } from '../framer.js';
import { CR, LF, MovingPosition, type TextPosition } from '../text-position.js';

export interface CsvField {
  readonly text: string;
  /** Where the field starts (its opening quote, if quoted). */
  readonly line: number;
  readonly col: number;
}

export interface CsvRecord {
  readonly fields: readonly CsvField[];
  readonly start: TextPosition;
  /** Where the next record starts. */
  readonly end: TextPosition;
  /** The input ended inside a quoted field. */
  readonly unterminated: boolean;
}

type State =
  /** At the start of a line, before any byte of a record. */
  | 'line-start'
  | 'comment'
  | 'field-start'
  | 'unquoted'
  | 'quoted'
  /** In a quoted field, just after the escape character. */
  | 'escaped'
  /** In a quoted field, just after a quote: a doubled quote, or the closing one. */
  | 'quote-in-quoted';

export class CsvFramer implements Framer<CsvRecord> {
  private readonly delimiter: number;
  private readonly quote: number | null;
  private readonly escape: number | null;
  private readonly comment: number | null;
  private readonly position: MovingPosition;
  private state: State = 'line-start';
  private recordStart: TextPosition;
  private fields: CsvField[] = [];
  private fieldStart: TextPosition;
  /** The current field's text so far, as slices of the chunks (copied when a chunk ends inside the field). */
  private fieldPieces: Buffer[] = [];
  /** How many of `fieldPieces` are copies already. */
  private copiedPieces = 0;
  /** Whether the current field was quoted: an empty quoted field on its own line is a record, a blank line is not. */
  private fieldQuoted = false;

  constructor(private readonly format: CsvFormat, from: TextPosition) {
    this.delimiter = format.delimiter.charCodeAt(0);
    this.quote = format.quoting ? format.quote.charCodeAt(0) : null;
    this.escape = format.quoting && format.escape !== null ? format.escape.charCodeAt(0) : null;
    this.comment = format.comment === null ? null : format.comment.charCodeAt(0);
    this.position = new MovingPosition(from);
    this.recordStart = from;
    this.fieldStart = from;
  }

  *push(chunk: Buffer): Generator<CsvRecord> {
    let i = 0;
    while (i < chunk.length) {
      const text = this.textEnd(chunk, i);
      if (text > i) {
        this.fieldPieces.push(chunk.subarray(i, text));
        this.position.passAll(chunk, i, text);
        i = text;
        continue;
      }
      const byte = chunk[i]!;
      const record = this.read(byte);
      this.position.pass(byte);
      i += 1;
      if (record) yield { ...record, end: this.position.now };
    }
    // So that the chunk is not kept alive with the field.
    for (let p = this.copiedPieces; p < this.fieldPieces.length; p += 1) this.fieldPieces[p] = Buffer.from(this.fieldPieces[p]!);
    this.copiedPieces = this.fieldPieces.length;
  }

  /** Inside a field: where the run of bytes from `from` that are plain text ends (`from` if the byte there is special). */
  private textEnd(chunk: Buffer, from: number): number {
    let i = from;
    if (this.state === 'unquoted') {
      while (i < chunk.length && chunk[i] !== this.delimiter && chunk[i] !== LF) i += 1;
    } else if (this.state === 'quoted') {
      while (i < chunk.length && chunk[i] !== this.quote && chunk[i] !== this.escape) i += 1;
    }
    return i;
  }

  *finish(): Generator<CsvRecord> {
    if (this.state === 'line-start' || this.state === 'comment') return;
    const unterminated = this.state === 'quoted' || this.state === 'escaped';
    if (!unterminated) this.dropLineEndCr();
    const record = this.endRecord();
    if (record) yield { ...record, end: this.position.now, unterminated };
  }

  /** Takes one byte (not yet passed); returns the record it ends, if any. */
  private read(byte: number): Omit<CsvRecord, 'end'> | undefined {
    switch (this.state) {
      case 'line-start':
        if (byte === this.comment) {
          this.state = 'comment';
          return undefined;
        }
        this.recordStart = this.position.now;
        this.startField();
        return this.read(byte);
      case 'comment':
        if (byte === LF) this.state = 'line-start';
        return undefined;
      case 'field-start':
        // The field's first byte, or the byte that ends an empty field.
        this.fieldStart = this.position.now;
        if (byte === this.quote) {
          this.fieldQuoted = true;
          this.state = 'quoted';
          return undefined;
        }
        this.state = 'unquoted';
        return this.read(byte);
      case 'unquoted':
        return this.unquotedByte(byte);
      case 'quoted':
        // The quote first, as csv-core checks it: an escape character equal to it changes nothing.
        if (byte === this.quote) this.state = this.format.doubleQuote ? 'quote-in-quoted' : 'unquoted';
        else if (byte === this.escape) this.state = 'escaped';
        else this.fieldPieces.push(Buffer.of(byte));
        return undefined;
      case 'escaped':
        this.fieldPieces.push(Buffer.of(byte));
        this.state = 'quoted';
        return undefined;
      case 'quote-in-quoted':
        if (byte === this.quote) {
          this.fieldPieces.push(Buffer.of(byte));
          this.state = 'quoted';
          return undefined;
        }
        // The quote closed the field; what follows it is kept, as the csv crate does.
        this.state = 'unquoted';
        return this.unquotedByte(byte);
      default:
        return unreachable(this.state);
    }
  }

  private unquotedByte(byte: number): Omit<CsvRecord, 'end'> | undefined {
    if (byte === this.delimiter) {
      this.endField();
      this.startField();
      return undefined;
    }
    if (byte === LF) {
      this.dropLineEndCr();
      this.state = 'line-start';
      return this.endRecord();
    }
    this.fieldPieces.push(Buffer.of(byte));
    return undefined;
  }

  /** The CR of a CR LF line end is not part of the last field. */
  private dropLineEndCr(): void {
    const last = this.fieldPieces.at(-1);
    if (last?.at(-1) === CR) this.fieldPieces[this.fieldPieces.length - 1] = last.subarray(0, -1);
  }

  private startField(): void {
    this.fieldPieces = [];
    this.copiedPieces = 0;
    this.fieldQuoted = false;
    this.state = 'field-start';
  }

  private endField(): void {
    const pieces = this.fieldPieces;
    const text = pieces.length === 1 ? pieces[0]!.toString('utf8') : Buffer.concat(pieces).toString('utf8');
    this.fields.push({ text, line: this.fieldStart.line, col: this.fieldStart.col });
  }

  /** The record read so far; undefined for a blank line. */
  private endRecord(): Omit<CsvRecord, 'end'> | undefined {
    const blank = this.fields.length === 0 && this.fieldPieces.every((piece) => piece.length === 0) && !this.fieldQuoted;
    this.endField();
    const fields = this.fields;
    this.fields = [];
    this.fieldPieces = [];
    this.copiedPieces = 0;
    return blank ? undefined : { fields, start: this.recordStart, unterminated: false };
  }
}

function unreachable(state: never): never {
  throw new Error(`internal error: unexpected CSV state ${String(state)}`);
}
