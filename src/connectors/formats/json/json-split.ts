/**
 * Splits bytes holding a sequence of JSON values (one array per line, or one array over many
 * lines) into the texts of the values, by bracket balance and without parsing them, so that one
 * malformed value can be reported at its line and skipped while the others are still read. The
 * split works on bytes (every character it looks at is ASCII, which never occurs inside a
 * multi-byte UTF-8 character), so the offset after each value is exact and reading can start
 * again there.
 */
import { FILE_START, type TextPosition } from '../line-split.js';

export interface JsonValueText {
  readonly text: string;
  /** 1-based line and column where the value starts. */
  readonly line: number;
  readonly col: number;
  /** Just after the value. */
  readonly end: TextPosition;
}

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
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf] as const;

function isWhitespace(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB || byte === CR || byte === LF;
}

/** The values in `bytes`, which hold a file's bytes from `from` on. */
export function* splitJsonValues(bytes: Buffer, from: TextPosition = FILE_START): Generator<JsonValueText> {
  let line = from.line;
  let col = from.col;
  let i = 0;
  // Moves past byte i. Columns count characters: UTF-8 continuation bytes (10xxxxxx) add none.
  const advance = (): void => {
    const byte = bytes[i]!;
    if (byte === LF) {
      line += 1;
      col = 1;
    } else if ((byte & 0xc0) !== 0x80) {
      col += 1;
    }
    i += 1;
  };
  while (i < bytes.length) {
    const first = bytes[i];
    if (isWhitespace(first)) {
      advance();
      continue;
    }
    if (BYTE_ORDER_MARK.every((byte, k) => bytes[i + k] === byte)) {
      advance();
      i += BYTE_ORDER_MARK.length - 1;
      continue;
    }
    const start = i;
    const startLine = line;
    const startCol = col;
    let depth = 0;
    let inString = false;
    // A bracketed value ends where its brackets balance; a string at its closing quote; any other
    // token at the next whitespace.
    const bracketed = first === OPEN_BRACKET || first === OPEN_BRACE;
    while (i < bytes.length) {
      const byte = bytes[i];
      if (inString) {
        if (byte === BACKSLASH && i + 1 < bytes.length) advance();
        else if (byte === QUOTE) inString = false;
        advance();
        if (!inString && !bracketed) break;
        continue;
      }
      if (!bracketed && isWhitespace(byte)) break;
      if (byte === QUOTE) {
        inString = true;
      } else if (bracketed && (byte === OPEN_BRACKET || byte === OPEN_BRACE)) {
        depth += 1;
      } else if (bracketed && (byte === CLOSE_BRACKET || byte === CLOSE_BRACE)) {
        depth -= 1;
        if (depth === 0) {
          advance();
          break;
        }
      }
      advance();
    }
    yield { text: bytes.toString('utf8', start, i), line: startLine, col: startCol, end: { offset: from.offset + i, line, col } };
  }
}
