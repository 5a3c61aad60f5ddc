/**
 * SQL program text to tokens. Every token keeps its span so that the parser, and anything after
 * it, can report a problem at file:line:column. Keywords are not told apart from identifiers here:
 * whether `select` is a keyword depends on where it stands, so the parser decides.
 */
import { SqlError } from '../errors.js';
import type { Position, Span } from './ast.js';

export type TokenKind =
  /** An unquoted word: a keyword or an identifier. */
  | 'word'
  | 'quotedIdentifier'
  | 'number'
  | 'string'
  /** X'0AFF' */
  | 'binaryString'
  | 'symbol'
  /** Text that is no token; the lexer has reported it, so the parser only skips past it. */
  | 'invalid'
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The token exactly as written. */
  readonly text: string;
  /**
   * What the token stands for: a word folded to lower case (its identifier name), a quoted
   * identifier or string with its quotes removed and doubled quotes unescaped, a binary string's
   * hex digits in lower case; otherwise the text itself.
   */
  readonly value: string;
  /** From the token's first character to just after its last. */
  readonly span: Span;
}

// Longest first, so that `<=` is never read as `<` then `=`, nor `<=>` as `<=` then `>`.
const SYMBOLS = ['<=>', '||', '<>', '!=', '<=', '>=', '::', '(', ')', ',', ';', '.', '*', '+', '-', '/', '%', '=', '<', '>', '[', ']'];

const WORD = /[\p{L}_][\p{L}\p{N}_$]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /\s+/y;
const HEX_DIGITS = /^(?:[0-9a-fA-F]{2})*$/;

export interface Tokens {
  /** Ending with one `end` token; text that is no token is one `invalid` token. */
  readonly tokens: Token[];
  /** One per `invalid` token, in order. */
  readonly problems: SqlError[];
}

/** Splits `source` into tokens, going on past text that is no token so that later problems are found too. */
export function tokenize(source: string, file?: string): Tokens {
  return new Lexer(source, file).tokens();
}

/** Raised inside the lexer; `resume` is where reading goes on (the end for an unclosed quote or comment). */
class LexProblem {
  constructor(readonly error: SqlError, readonly at: number, readonly resume: number) {}
}

class Lexer {
  private offset = 0;
  /** Offsets at which each line starts, for turning an offset into line and column. */
  private readonly lineStarts: number[] = [0];

  constructor(private readonly source: string, private readonly file: string | undefined) {
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  tokens(): Tokens {
    const tokens: Token[] = [];
    const problems: SqlError[] = [];
    for (;;) {
      let token: Token;
      try {
        this.skipSpaceAndComments();
        token = this.next();
      } catch (error) {
        if (!(error instanceof LexProblem)) throw error;
        problems.push(error.error);
        this.offset = error.resume;
        token = { ...this.token('invalid', error.at, ''), text: this.source.slice(error.at, Math.min(error.resume, error.at + 30)) };
      }
      tokens.push(token);
      if (token.kind === 'end') return { tokens, problems };
    }
  }

  private next(): Token {
    const start = this.offset;
    const source = this.source;
    if (start >= source.length) return this.token('end', start, '');
    const char = source.charAt(start);
    if ((char === 'x' || char === 'X') && source.charAt(start + 1) === "'") return this.binaryString(start);
    if (char === "'") return this.string(start);
    if (char === '"') return this.quotedIdentifier(start);
    const number = this.match(NUMBER);
    if (number !== null) return this.token('number', start, number);
    const word = this.match(WORD);
    if (word !== null) return this.token('word', start, word.toLowerCase());
    const symbol = SYMBOLS.find((s) => source.startsWith(s, start));
    if (symbol !== undefined) {
      this.offset += symbol.length;
      return this.token('symbol', start, symbol);
    }
    const character = String.fromCodePoint(source.codePointAt(start) ?? 0);
    throw this.error(`expected a SQL token but found ${JSON.stringify(character)}`, start, start + character.length);
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      if (this.match(WHITESPACE) !== null) continue;
      if (this.source.startsWith('--', this.offset)) {
        const newline = this.source.indexOf('\n', this.offset);
        this.offset = newline === -1 ? this.source.length : newline + 1;
        continue;
      }
      if (this.source.startsWith('/*', this.offset)) {
        const close = this.source.indexOf('*/', this.offset + 2);
        if (close === -1) throw this.error('expected "*/" to close the comment but found end of input', this.offset, this.source.length);
        this.offset = close + 2;
        continue;
      }
      return;
    }
  }

  private string(start: number): Token {
    return this.token('string', start, this.quoted(start, "'", 'string'));
  }

  private quotedIdentifier(start: number): Token {
    const name = this.quoted(start, '"', 'identifier');
    if (name === '') throw this.error('expected a name between the double quotes but found ""', start, this.offset);
    return this.token('quotedIdentifier', start, name);
  }

  private binaryString(start: number): Token {
    this.offset += 1;
    const digits = this.quoted(start + 1, "'", 'binary string');
    if (!HEX_DIGITS.test(digits)) {
      throw this.error(`expected an even number of hex digits but found ${JSON.stringify(this.source.slice(start, this.offset))}`, start, this.offset);
    }
    return this.token('binaryString', start, digits.toLowerCase());
  }

  /** Reads text between `quote`s starting at `start`, where a doubled quote stands for one. */
  private quoted(start: number, quote: string, what: string): string {
    let content = '';
    let position = start + 1;
    for (;;) {
      const close = this.source.indexOf(quote, position);
      if (close === -1) throw this.error(`expected ${quote} to close the ${what} but found end of input`, start, this.source.length);
      content += this.source.slice(position, close);
      if (this.source.charAt(close + 1) !== quote) {
        this.offset = close + 1;
        return content;
      }
      content += quote;
      position = close + 2;
    }
  }

  /** Matches a sticky regular expression at the current offset and moves past the match. */
  private match(pattern: RegExp): string | null {
    pattern.lastIndex = this.offset;
    const found = pattern.exec(this.source);
    if (found === null) return null;
    this.offset += found[0].length;
    return found[0];
  }

  /** A token from `start` to the current offset. */
  private token(kind: TokenKind, start: number, value: string): Token {
    return {
      kind,
      text: this.source.slice(start, this.offset),
      value,
      span: { start: this.position(start), end: this.position(this.offset) },
    };
  }

  private position(offset: number): Position {
    // The last line start at or before `offset` (binary search: programs can be long).
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, col: offset - (this.lineStarts[low] ?? 0) + 1, offset };
  }

  private error(message: string, offset: number, resume: number): LexProblem {
    const { line, col } = this.position(offset);
    return new LexProblem(new SqlError('SQL_SYNTAX_ERROR', message, { file: this.file, line, col }), offset, resume);
  }
}
