/**
 * PostgreSQL's text form of arrays, as the server writes it: `{1,2,NULL}`, `{"a b","c\"d"}`,
 * `{{1,2},{3,4}}`, with a `[lower:upper]=` prefix when a dimension does not start at 1 (the
 * bounds are dropped: JSON arrays start at their first element).
 */

/** An element's text, SQL NULL, or a nested array (one level per dimension). */
export type ArrayElement = string | null | ArrayElement[];

export function parseArrayLiteral(text: string, delimiter = ','): ArrayElement[] {
  const reader = new ArrayReader(text, delimiter);
  return reader.document();
}

class ArrayReader {
  private position = 0;

  constructor(private readonly text: string, private readonly delimiter: string) {}

  document(): ArrayElement[] {
    const bounds = /^(?:\[-?\d+:-?\d+\])+=/.exec(this.text);
    if (bounds !== null) this.position = bounds[0].length;
    const array = this.array();
    if (this.position !== this.text.length) this.fail('text after the closing brace');
    return array;
  }

  private array(): ArrayElement[] {
    this.expect('{');
    const elements: ArrayElement[] = [];
    if (this.peek() === '}') {
      this.position += 1;
      return elements;
    }
    for (;;) {
      elements.push(this.element());
      const next = this.text[this.position++];
      if (next === '}') return elements;
      if (next !== this.delimiter) this.fail(`expected "${this.delimiter}" or "}"`);
    }
  }

  private element(): ArrayElement {
    const char = this.peek();
    if (char === '{') return this.array();
    if (char === '"') return this.quoted();
    return this.unquoted();
  }

  private quoted(): string {
    this.position += 1;
    let value = '';
    for (;;) {
      const char = this.text[this.position++];
      if (char === undefined) this.fail('unterminated quoted element');
      if (char === '"') return value;
      value += char === '\\' ? this.text[this.position++] ?? '' : char;
    }
  }

  private unquoted(): string | null {
    let value = '';
    let escaped = false;
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('unterminated array');
      if (char === this.delimiter || char === '}') break;
      this.position += 1;
      if (char === '\\') {
        escaped = true;
        value += this.text[this.position++] ?? '';
      } else {
        value += char;
      }
    }
    return !escaped && value.toUpperCase() === 'NULL' ? null : value;
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) this.fail(`expected "${char}"`);
    this.position += 1;
  }

  private fail(reason: string): never {
    throw new Error(`not a PostgreSQL array (${reason} at character ${this.position + 1})`);
  }
}
