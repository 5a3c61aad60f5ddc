/**
 * Places in a stream of bytes: a byte offset, so that reading can start again there, and the line
 * and column of that byte, for messages. Lines end at LF (a CR before it belongs to the line end);
 * columns count characters, so UTF-8 continuation bytes (10xxxxxx) add none. Every byte the
 * framers look at is ASCII, which never occurs inside a multi-byte UTF-8 character, so offsets
 * stay exact even where the bytes are not valid UTF-8.
 */
import { lineAndColumn } from '../../util/lossless-json.js';

export interface TextPosition {
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters. */
  readonly col: number;
}

export const INPUT_START: TextPosition = { offset: 0, line: 1, col: 1 };

export const LF = 0x0a;
export const CR = 0x0d;

/** A position that moves one byte at a time, for framers that look at every byte. */
export class MovingPosition {
  offset: number;
  line: number;
  col: number;

  constructor(from: TextPosition) {
    this.offset = from.offset;
    this.line = from.line;
    this.col = from.col;
  }

  /** Moves past `byte`. */
  pass(byte: number): void {
    this.offset += 1;
    if (byte === LF) {
      this.line += 1;
      this.col = 1;
    } else if ((byte & 0xc0) !== 0x80) {
      this.col += 1;
    }
  }

  /** Moves past `bytes[from]` up to, not including, `bytes[to]`. */
  passAll(bytes: Buffer, from: number, to: number): void {
    let { line, col } = this;
    for (let i = from; i < to; i += 1) {
      const byte = bytes[i]!;
      if (byte === LF) {
        line += 1;
        col = 1;
      } else if ((byte & 0xc0) !== 0x80) {
        col += 1;
      }
    }
    this.offset += to - from;
    this.line = line;
    this.col = col;
  }

  get now(): TextPosition {
    return { offset: this.offset, line: this.line, col: this.col };
  }
}

/** 1-based line and column of a UTF-16 index in `text`, which starts at `start`. */
export function positionInText(text: string, index: number, start: Pick<TextPosition, 'line' | 'col'>): Pick<TextPosition, 'line' | 'col'> {
  const { line, col: unit } = lineAndColumn(text, index);
  // Columns count characters, as the framers do: a surrogate pair is one.
  const col = [...text.slice(index - (unit - 1), index)].length + 1;
  return { line: start.line + line - 1, col: line === 1 ? start.col + col - 1 : col };
}

/** The text of a record's bytes, without the CR of a CR LF line end. */
export function recordText(bytes: Buffer): string {
  return bytes.toString('utf8', 0, bytes.at(-1) === CR ? bytes.length - 1 : bytes.length);
}
