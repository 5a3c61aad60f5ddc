/**
 * Framers cut a stream of bytes into records, whatever the chunks the bytes arrive in: a chunk may
 * end anywhere, in a record or even in a character. A framer keeps only the bytes of the record it
 * has not seen the end of, so memory follows the size of a record, not of the stream.
 */
import type { TextPosition } from './text-position.js';

export interface Framer<R> {
  /** The records `chunk` completes, in order. Drain each result before the next push. */
  push(chunk: Buffer): Iterable<R>;
  /** At the end of the input: the record it ends without a terminator, if any. */
  finish(): Iterable<R>;
}

/** A record's text, where it starts, and where the next record starts. */
export interface FramedText {
  readonly text: string;
  readonly start: TextPosition;
  readonly end: TextPosition;
}
