/**
 * One record per line: lines end with LF or CR LF. A record ends after its line end, so a reader
 * that stops after any record starts again at the next line.
 */
import type { FramedText, Framer } from './framer.js';
import { LF, recordText, type TextPosition } from './text-position.js';

export class LineFramer implements Framer<FramedText> {
  /** The current line's bytes so far, when it spans chunks. */
  private pieces: Buffer[] = [];
  private start: TextPosition;

  constructor(from: TextPosition) {
    this.start = from;
  }

  *push(chunk: Buffer): Generator<FramedText> {
    let from = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, from)) {
      yield this.line(chunk.subarray(from, lf), 1);
      from = lf + 1;
    }
    // A copy, so that the rest of the chunk is not kept alive with it.
    if (from < chunk.length) this.pieces.push(Buffer.from(chunk.subarray(from)));
  }

  *finish(): Generator<FramedText> {
    if (this.pieces.length > 0) yield this.line(Buffer.alloc(0), 0);
  }

  private line(last: Buffer, lineEndBytes: number): FramedText {
    this.pieces.push(last);
    const bytes = this.pieces.length === 1 ? last : Buffer.concat(this.pieces);
    this.pieces = [];
    const start = this.start;
    this.start = { offset: start.offset + bytes.length + lineEndBytes, line: start.line + 1, col: 1 };
    return { text: recordText(bytes), start, end: this.start };
  }
}
