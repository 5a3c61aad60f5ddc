/**
 * Cuts bytes holding a sequence of JSON values (one array per line, or one array over many
 * lines) into the texts of the values, by bracket balance and without parsing them, so that one
 * malformed value can be reported at its line and skipped while the others are still read. A
 * value ends just after its closing bracket (a string after its closing quote, any other token at
 * the next blank), which is where reading can start again. Only the value being read is kept, so
 * a single giant array is held whole until its closing bracket.
 */
import type { FramedText, Framer } from '../framer.js';
import type { TextPosition } from '../text-position.js';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isBlank(byte: number): boolean {
  return byte === SPACE || byte === TAB || byte === CR || byte === LF;
}

export class JsonValueFramer implements Framer<FramedText> {
  // Where the next byte is. Every byte is looked at, so the scan keeps these in locals.
  private offset: number;
  private line: number;
  private col: number;
  /** Where the value being read starts; null between values. */
  private start: TextPosition | null = null;
  /** Its bytes in earlier chunks. */
  private pieces: Buffer[] = [];
  private bracketed = false;
  private depth = 0;
  private inString = false;
  /** The previous byte was a backslash in a string. */
  private escaped = false;

  constructor(from: TextPosition) {
    this.offset = from.offset;
    this.line = from.line;
    this.col = from.col;
  }

  push(chunk: Buffer): FramedText[] {
    const values: FramedText[] = [];
    let { offset, line, col, start, bracketed, depth, inString, escaped } = this;
    // Where the open value's bytes start in this chunk.
    let valueFrom = 0;
    const close = (end: number): void => {
      this.pieces.push(chunk.subarray(valueFrom, end));
      values.push(this.take(start!, { offset, line, col }));
      start = null;
    };
    let i = 0;
    while (i < chunk.length) {
      const byte = chunk[i]!;
      if (start === null) {
        if (!isBlank(byte)) {
          start = { offset, line, col };
          valueFrom = i;
          bracketed = byte === OPEN_BRACKET || byte === OPEN_BRACE;
          depth = 0;
          inString = false;
          escaped = false;
        }
      } else if (!inString && !bracketed && isBlank(byte)) {
        // A bare token ends before the blank, which is then read between values.
        close(i);
        continue;
      }
      // Pass the byte. Columns count characters: UTF-8 continuation bytes (10xxxxxx) add none.
      i += 1;
      offset += 1;
      if (byte === LF) {
        line += 1;
        col = 1;
      } else if ((byte & 0xc0) !== 0x80) {
        col += 1;
      }
      if (start === null) continue;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (!bracketed) close(i);
        }
      } else if (byte === QUOTE) {
        inString = true;
      } else if (bracketed && (byte === OPEN_BRACKET || byte === OPEN_BRACE)) {
        depth += 1;
      } else if (bracketed && (byte === CLOSE_BRACKET || byte === CLOSE_BRACE)) {
        depth -= 1;
        if (depth === 0) close(i);
      }
    }
    // A copy, so that the rest of the chunk is not kept alive with it.
    if (start !== null) this.pieces.push(Buffer.from(chunk.subarray(valueFrom)));
    this.offset = offset;
    this.line = line;
    this.col = col;
    this.start = start;
    this.bracketed = bracketed;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return values;
  }

  finish(): FramedText[] {
    // An unfinished value: its text is reported as invalid JSON by whoever parses it.
    return this.start === null ? [] : [this.take(this.start, { offset: this.offset, line: this.line, col: this.col })];
  }

  private take(start: TextPosition, end: TextPosition): FramedText {
    const bytes = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces);
    this.pieces = [];
    this.start = null;
    return { text: bytes.toString('utf8'), start, end };
  }
}
