/**
 * Splitting a file's bytes into lines, each with the byte offset where the next one starts, so
 * that reading can stop after any line and start again there. Lines end with LF or CR LF. The
 * split is on bytes: LF never occurs inside a multi-byte UTF-8 character, and offsets stay exact
 * even where the file is not valid UTF-8.
 */

/** A place in a file: a byte offset, and the 1-based line and column (in characters) of that byte. */
export interface TextPosition {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

export const FILE_START: TextPosition = { offset: 0, line: 1, col: 1 };

export interface LineText {
  /** The line without its line end (and without the byte order mark on the file's first line). */
  readonly text: string;
  readonly line: number;
  /** Where the next line starts. */
  readonly end: TextPosition;
}

const LF = 0x0a;
const CR = 0x0d;

/** The lines of `chunks`, which hold the file's bytes from `from` on. */
export async function* splitLines(chunks: AsyncIterable<Buffer>, from: TextPosition): AsyncGenerator<LineText> {
  let lineStart = from.offset;
  let line = from.line;
  // The current line's bytes read so far, when it spans chunks.
  let pieces: Buffer[] = [];
  const take = (last: Buffer): Buffer => {
    pieces.push(last);
    const bytes = pieces.length === 1 ? last : Buffer.concat(pieces);
    pieces = [];
    return bytes;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, start)) {
      const bytes = take(chunk.subarray(start, lf));
      const text = lineText(bytes, lineStart === 0);
      lineStart += bytes.length + 1;
      yield { text, line, end: { offset: lineStart, line: line + 1, col: 1 } };
      line += 1;
      start = lf + 1;
    }
    if (start < chunk.length) pieces.push(chunk.subarray(start));
  }
  if (pieces.length > 0) {
    // The last line has no line end.
    const bytes = take(Buffer.alloc(0));
    const text = lineText(bytes, lineStart === 0);
    lineStart += bytes.length;
    yield { text, line, end: { offset: lineStart, line: line + 1, col: 1 } };
  }
}

function lineText(bytes: Buffer, firstInFile: boolean): string {
  const text = bytes.toString('utf8', 0, bytes.at(-1) === CR ? bytes.length - 1 : bytes.length);
  return firstInFile ? text.replace(/^\uFEFF/, '') : text;
}
