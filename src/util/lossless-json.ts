/**
 * JSON.parse that keeps every digit: integer literals beyond 2^53 become bigints and other number
 * literals with more digits than a double holds are kept as text (`JsonNumberText`), so BIGINT and
 * DECIMAL input is exact. Node 20's JSON.parse reviver has no access to the source text, hence a
 * small parser of our own; it also says where a syntax error is. Values nested more than
 * MAX_JSON_DEPTH deep are refused as a syntax error, so that nothing recursive that reads a value
 * later can run out of stack.
 */
import { MAX_JSON_DEPTH } from '../limits.js';
import { setOwnProperty } from './own-property.js';

/** A number literal whose digits a double cannot hold, e.g. `0.12345678901234567890`. */
export class JsonNumberText {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | number | bigint | string | JsonNumberText | JsonValue[] | { [key: string]: JsonValue };

/** Invalid JSON; `offset` is the UTF-16 index in the text where it went wrong. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at character ${offset + 1}`);
    this.name = 'JsonSyntaxError';
  }
}

// A double holds any 15 significant digits exactly; texts without 16 digits in a row (a decimal
// point may sit among them) cannot have a number JSON.parse would round, so the fast native parser
// is safe for them.
const MAYBE_LONG_NUMBER = /(?:\d\.?){16}/;

/** Parses JSON text losslessly; throws JsonSyntaxError. */
export function parseJsonLossless(text: string): JsonValue {
  const tooDeep = jsonNestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== -1) throw new JsonSyntaxError(`values nested more than ${MAX_JSON_DEPTH} deep`, tooDeep);
  if (!MAYBE_LONG_NUMBER.test(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Parse again below, which says where the error is.
    }
  }
  return new LosslessParser(text).parseDocument();
}

/**
 * The offset of the first `[` or `{` of JSON text that opens a level deeper than `maxDepth`, or -1;
 * brackets inside strings do not count. A scan without recursion, run before any parser sees text.
 */
export function jsonNestingBeyond(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92) i += 1; // backslash: skip the escaped character
      else if (char === 34) inString = false;
    } else if (char === 34) {
      inString = true;
    } else if (char === 91 || char === 123) { // [ {
      depth += 1;
      if (depth > maxDepth) return i;
    } else if (char === 93 || char === 125) { // ] }
      depth -= 1;
    }
  }
  return -1;
}

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const INTEGER = /^-?\d+$/;
const PLAIN_STRING_CHARS = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class LosslessParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private value(depth: number): JsonValue {
    // jsonNestingBeyond has checked the nesting already; this guards the recursion on its own.
    if (depth > MAX_JSON_DEPTH) this.fail(`values nested more than ${MAX_JSON_DEPTH} deep`);
    this.skipWhitespace();
    const char = this.text[this.position];
    switch (char) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case undefined:
        return this.fail('unexpected end of input');
      default:
        if (char === '-' || (char >= '0' && char <= '9')) return this.number();
        return this.fail(`unexpected character ${JSON.stringify(char)}`);
    }
  }

  private object(depth: number): { [key: string]: JsonValue } {
    const result: { [key: string]: JsonValue } = {};
    this.position += 1;
    this.skipWhitespace();
    if (this.accept('}')) return result;
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') this.fail('expected a property name in double quotes');
      const key = this.string();
      this.skipWhitespace();
      this.expect(':');
      const value = this.value(depth + 1);
      // JSON.parse makes "__proto__" an ordinary property too.
      setOwnProperty(result, key, value);
      this.skipWhitespace();
      if (this.accept('}')) return result;
      this.expect(',');
    }
  }

  private array(depth: number): JsonValue[] {
    const result: JsonValue[] = [];
    this.position += 1;
    this.skipWhitespace();
    if (this.accept(']')) return result;
    for (;;) {
      result.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.accept(']')) return result;
      this.expect(',');
    }
  }

  private string(): string {
    this.position += 1;
    let result = '';
    for (;;) {
      PLAIN_STRING_CHARS.lastIndex = this.position;
      const plain = PLAIN_STRING_CHARS.exec(this.text)?.[0] ?? '';
      result += plain;
      this.position += plain.length;
      const char = this.text[this.position];
      if (char === '"') {
        this.position += 1;
        return result;
      }
      if (char === undefined) this.fail('unterminated string');
      if (char !== '\\') this.fail('control character in a string (escape it)');
      result += this.escape();
    }
  }

  private escape(): string {
    const char = this.text[this.position + 1] ?? '';
    const simple = ESCAPES[char];
    if (simple !== undefined) {
      this.position += 2;
      return simple;
    }
    const hex = this.text.slice(this.position + 2, this.position + 6);
    if (char !== 'u' || !/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid escape sequence');
    this.position += 6;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private number(): number | bigint | JsonNumberText {
    NUMBER.lastIndex = this.position;
    const text = NUMBER.exec(this.text)?.[0];
    if (text === undefined) return this.fail('invalid number');
    this.position += text.length;
    const value = Number(text);
    if (INTEGER.test(text)) return Number.isSafeInteger(value) ? value : BigInt(text);
    return significantDigits(text) > 15 ? new JsonNumberText(text) : value;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail(`unexpected character ${JSON.stringify(this.text[this.position])}`);
    this.position += word.length;
    return value;
  }

  private skipWhitespace(): void {
    for (;;) {
      const char = this.text.charCodeAt(this.position);
      // space, \t, \n, \r
      if (char !== 32 && char !== 9 && char !== 10 && char !== 13) return;
      this.position += 1;
    }
  }

  private accept(char: string): boolean {
    if (this.text[this.position] !== char) return false;
    this.position += 1;
    return true;
  }

  private expect(char: string): void {
    if (this.accept(char)) return;
    if (this.position >= this.text.length) this.fail('unexpected end of input');
    this.fail(`expected ${JSON.stringify(char)} but found ${JSON.stringify(this.text[this.position])}`);
  }

  private fail(reason: string): never {
    throw new JsonSyntaxError(reason, this.position);
  }
}

function significantDigits(numberText: string): number {
  const mantissa = numberText.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}
