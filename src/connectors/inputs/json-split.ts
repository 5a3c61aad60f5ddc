/**
 * Splits text holding a sequence of JSON values (one array per line, or one array over many
 * lines) into the texts of the values, by bracket balance and without parsing them, so that one
 * malformed value can be reported at its line and skipped while the others are still read.
 */

export interface JsonValueText {
  readonly text: string;
  /** 1-based line and column where the value starts. */
  readonly line: number;
  readonly col: number;
}

export function* splitJsonValues(text: string): Generator<JsonValueText> {
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '\n') {
      line += 1;
      lineStart = i + 1;
      i += 1;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === '\uFEFF') {
      i += 1;
      continue;
    }
    const start = i;
    const startLine = line;
    const startCol = i - lineStart + 1;
    let depth = 0;
    let inString = false;
    // A bracketed value ends where its brackets balance; a string at its closing quote; any other
    // token at the next whitespace.
    const bracketed = char === '[' || char === '{';
    for (; i < text.length; i++) {
      const c = text[i];
      if (!bracketed && !inString && (c === ' ' || c === '\t' || c === '\r' || c === '\n')) break;
      if (c === '\n' || (inString && c === '\\' && text[i + 1] === '\n')) {
        line += 1;
        lineStart = i + (c === '\n' ? 1 : 2);
      }
      if (inString) {
        if (c === '\\') i += 1;
        else if (c === '"') {
          inString = false;
          if (!bracketed) {
            i += 1;
            break;
          }
        }
      } else if (c === '"') {
        inString = true;
      } else if (bracketed && (c === '[' || c === '{')) {
        depth += 1;
      } else if (bracketed && (c === ']' || c === '}')) {
        depth -= 1;
        if (depth === 0) {
          i += 1;
          break;
        }
      }
    }
    yield { text: text.slice(start, i), line: startLine, col: startCol };
  }
}
