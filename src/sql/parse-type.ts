/**
 * SQL type text (Feldera's dialect of Calcite) to `SqlType`, and back to canonical text for
 * messages. Keywords are case-insensitive; unquoted identifiers fold to lower case, quoted ones
 * keep theirs.
 */
import { SqlTypeError } from '../errors.js';
import { MAX_SQL_TYPE_DEPTH } from '../limits.js';
import type { IntegerName, SqlField, SqlType } from './sql-type.js';

// Feldera: "The type NUMERIC is the same as NUMERIC(MAX_PRECISION, 0)", with a maximum precision
// of 38 (docs.feldera.com/docs/sql/decimal.md). Calcite's own default would be DECIMAL(19, 0).
const MAX_DECIMAL_PRECISION = 38;
// Calcite's default length for CHAR and BINARY without one.
const DEFAULT_FIXED_LENGTH = 1;

const INTEGER_ALIASES: Readonly<Record<string, IntegerName>> = {
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT2: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  INT4: 'INT',
  SIGNED: 'INT',
  BIGINT: 'BIGINT',
  INT8: 'BIGINT',
  INT64: 'BIGINT',
};

// Words that name or modify built-in types; as user type or field names they must be quoted.
const KEYWORDS = new Set([
  ...Object.keys(INTEGER_ALIASES),
  'UNSIGNED', 'BOOLEAN', 'BOOL', 'DECIMAL', 'DEC', 'NUMERIC', 'NUMBER', 'REAL', 'FLOAT', 'FLOAT4', 'FLOAT32',
  'DOUBLE', 'FLOAT8', 'FLOAT64', 'VARCHAR', 'STRING', 'TEXT', 'CHAR', 'CHARACTER', 'TIME', 'DATE', 'TIMESTAMP',
  'DATETIME', 'UUID', 'VARBINARY', 'BINARY', 'BYTEA', 'VARIANT', 'ARRAY', 'MAP', 'ROW', 'NULL', 'NOT',
]);

/** Names of built-in types, for suggesting one in place of a misspelt name. */
export const BUILT_IN_TYPE_NAMES: readonly string[] = [
  // The usual spellings first: a misspelling as close to one of them as to an alias means them.
  'INT', 'BIGINT', 'SMALLINT', 'TINYINT', 'BOOLEAN', 'DECIMAL', 'REAL', 'DOUBLE', 'VARCHAR', 'CHAR', 'DATE', 'TIME',
  'TIMESTAMP', 'UUID', 'VARBINARY', 'BINARY', 'VARIANT', 'ARRAY', 'MAP', 'ROW',
  ...[...KEYWORDS].filter((word) => !['UNSIGNED', 'NULL', 'NOT'].includes(word)),
];

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly upper: string; readonly start: number }
  | { readonly kind: 'quoted'; readonly text: string; readonly start: number }
  | { readonly kind: 'number'; readonly text: string; readonly start: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly start: number }
  | { readonly kind: 'end'; readonly start: number };

interface Nullability {
  readonly nullable: boolean;
  readonly start: number;
}

/** Parses SQL type text such as `DECIMAL(10, 2)`, `VARCHAR ARRAY`, `MAP<VARCHAR, INT>` or `ROW(a INT)`. */
export function parseSqlType(text: string): SqlType {
  const parser = new TypeParser(text);
  const { type, nullability } = parser.typeWithNullability();
  // A column's own nullability lives in ColumnSpec; here it may only introduce an ARRAY element.
  if (nullability !== undefined) parser.fail('"ARRAY"');
  parser.expectEnd();
  return type;
}

/** Canonical text of a type: `INT`, `DECIMAL(38, 10)`, `VARCHAR ARRAY`, `MAP<VARCHAR, INT>`. */
export function formatSqlType(type: SqlType): string {
  switch (type.kind) {
    case 'boolean':
      return 'BOOLEAN';
    case 'integer':
      return type.unsigned ? `${type.name} UNSIGNED` : type.name;
    case 'decimal':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'real':
      return 'REAL';
    case 'double':
      return 'DOUBLE';
    case 'varchar':
      return type.length === null ? 'VARCHAR' : `VARCHAR(${type.length})`;
    case 'char':
      return `CHAR(${type.length})`;
    case 'time':
      return 'TIME';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'uuid':
      return 'UUID';
    case 'varbinary':
      return type.length === null ? 'VARBINARY' : `VARBINARY(${type.length})`;
    case 'binary':
      return `BINARY(${type.length})`;
    case 'variant':
      return 'VARIANT';
    case 'array':
      return `${formatSqlType(type.element)}${type.elementNullable ? '' : ' NOT NULL'} ARRAY`;
    case 'map':
      return `MAP<${formatSqlType(type.key)}, ${formatSqlType(type.value)}${type.valueNullable ? '' : ' NOT NULL'}>`;
    case 'row':
      return `ROW(${type.fields.map((f) => `${formatIdentifier(f.name)} ${formatSqlType(f.type)}${f.nullable ? ' NULL' : ''}`).join(', ')})`;
    case 'user':
      return formatIdentifier(type.name);
    default:
      return unreachable(type);
  }
}

/** An identifier as SQL text: bare when it reads back as itself, else double-quoted. */
export function formatIdentifier(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase())) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

function unreachable(value: never): never {
  throw new Error(`unexpected SQL type ${JSON.stringify(value)}`);
}

class TypeParser {
  private position = 0;
  private current: Token;
  /** ARRAY, MAP and ROW levels around the type being parsed, held to MAX_SQL_TYPE_DEPTH. */
  private depth = 0;

  constructor(private readonly text: string) {
    this.current = this.scan();
  }

  /** A type with its postfix `ARRAY`s, and a trailing `NULL`/`NOT NULL` left for the caller. */
  typeWithNullability(): { type: SqlType; nullability: Nullability | undefined } {
    const outer = this.depth;
    this.enterLevel();
    try {
      let type = this.baseType();
      for (;;) {
        const nullability = this.nullability();
        const array = this.current;
        if (!this.acceptWord('ARRAY')) return { type, nullability };
        this.enterLevel(array);
        // Feldera: ARRAY elements are nullable unless declared NOT NULL.
        type = { kind: 'array', element: type, elementNullable: nullability?.nullable ?? true };
      }
    } finally {
      this.depth = outer;
    }
  }

  /** One more level of ARRAY, MAP or ROW, refused past MAX_SQL_TYPE_DEPTH. */
  private enterLevel(at: { start: number } = this.current): void {
    this.depth += 1;
    // The outermost type is level 1 but nests nothing.
    if (this.depth - 1 <= MAX_SQL_TYPE_DEPTH) return;
    throw new SqlTypeError(`invalid SQL type: nested more than ${MAX_SQL_TYPE_DEPTH} levels deep (ARRAY, MAP, ROW) `
      + `at character ${at.start + 1}, which is dynaview's limit`);
  }

  expectEnd(): void {
    if (this.current.kind !== 'end') this.fail('end of type');
  }

  fail(expected: string): never {
    throw new SqlTypeError(
      `invalid SQL type ${JSON.stringify(this.text)}: expected ${expected} at character ${this.current.start + 1}`,
    );
  }

  private baseType(): SqlType {
    const token = this.current;
    if (token.kind === 'quoted') {
      this.advance();
      return { kind: 'user', name: token.text };
    }
    if (token.kind !== 'word') return this.fail('a type name');
    this.advance();
    const integerName = INTEGER_ALIASES[token.upper];
    if (integerName !== undefined) return { kind: 'integer', name: integerName, unsigned: this.acceptWord('UNSIGNED') };
    switch (token.upper) {
      case 'UNSIGNED':
        return { kind: 'integer', name: 'INT', unsigned: true };
      case 'BOOLEAN':
      case 'BOOL':
        return { kind: 'boolean' };
      case 'DECIMAL':
      case 'DEC':
      case 'NUMERIC':
      case 'NUMBER':
        return this.decimalArguments();
      case 'REAL':
      case 'FLOAT4':
      case 'FLOAT32':
        return { kind: 'real' };
      case 'DOUBLE':
        this.acceptWord('PRECISION');
        return { kind: 'double' };
      // Feldera rejects FLOAT as ambiguous; dynaview reads it as DOUBLE, as most dialects do.
      case 'FLOAT':
      case 'FLOAT8':
      case 'FLOAT64':
        return { kind: 'double' };
      case 'VARCHAR':
        return { kind: 'varchar', length: this.optionalLength() };
      case 'STRING':
      case 'TEXT':
        return { kind: 'varchar', length: null };
      case 'CHAR':
      case 'CHARACTER':
        if (this.acceptWord('VARYING')) return { kind: 'varchar', length: this.optionalLength() };
        return { kind: 'char', length: this.optionalLength() ?? DEFAULT_FIXED_LENGTH };
      case 'TIME':
        this.ignoredPrecisionAndZone();
        return { kind: 'time' };
      case 'DATE':
        return { kind: 'date' };
      case 'TIMESTAMP':
        this.ignoredPrecisionAndZone();
        return { kind: 'timestamp' };
      case 'DATETIME':
        return { kind: 'timestamp' };
      case 'UUID':
        return { kind: 'uuid' };
      case 'VARBINARY':
        return { kind: 'varbinary', length: this.optionalLength() };
      case 'BYTEA':
        return { kind: 'varbinary', length: null };
      case 'BINARY':
        if (this.acceptWord('VARYING')) return { kind: 'varbinary', length: this.optionalLength() };
        return { kind: 'binary', length: this.optionalLength() ?? DEFAULT_FIXED_LENGTH };
      case 'VARIANT':
        return { kind: 'variant' };
      case 'ARRAY':
        return this.angleArray();
      case 'MAP':
        return this.map();
      case 'ROW':
        return this.row();
      default:
        if (KEYWORDS.has(token.upper)) return this.failAt(token, 'a type name');
        return { kind: 'user', name: token.text.toLowerCase() };
    }
  }

  private decimalArguments(): SqlType {
    if (!this.acceptSymbol('(')) return { kind: 'decimal', precision: MAX_DECIMAL_PRECISION, scale: 0 };
    const precision = this.integer(1, MAX_DECIMAL_PRECISION, `a precision between 1 and ${MAX_DECIMAL_PRECISION}`);
    const scale = this.acceptSymbol(',') ? this.integer(0, precision, `a scale between 0 and ${precision}`) : 0;
    this.expectSymbol(')');
    return { kind: 'decimal', precision, scale };
  }

  private optionalLength(): number | null {
    if (!this.acceptSymbol('(')) return null;
    const length = this.integer(1, Number.MAX_SAFE_INTEGER, 'a length of at least 1');
    this.expectSymbol(')');
    return length;
  }

  /** `TIME(3) WITHOUT TIME ZONE`: dynaview keeps Feldera's fixed precisions whatever is declared. */
  private ignoredPrecisionAndZone(): void {
    if (this.acceptSymbol('(')) {
      this.integer(0, Number.MAX_SAFE_INTEGER, 'a precision');
      this.expectSymbol(')');
    }
    if (this.acceptWord('WITHOUT')) {
      this.expectWord('TIME');
      this.expectWord('ZONE');
    }
  }

  private angleArray(): SqlType {
    this.expectSymbol('<');
    const { type, nullability } = this.typeWithNullability();
    this.expectSymbol('>');
    return { kind: 'array', element: type, elementNullable: nullability?.nullable ?? true };
  }

  private map(): SqlType {
    this.expectSymbol('<');
    const key = this.typeWithNullability();
    // Feldera: MAP keys are never nullable.
    if (key.nullability?.nullable === true) this.failAt(key.nullability, '"NOT NULL" or "," (MAP keys cannot be NULL)');
    this.expectSymbol(',');
    const value = this.typeWithNullability();
    this.expectSymbol('>');
    // Feldera: MAP values are nullable unless declared NOT NULL.
    return { kind: 'map', key: key.type, value: value.type, valueNullable: value.nullability?.nullable ?? true };
  }

  private row(): SqlType {
    this.expectSymbol('(');
    const fields: SqlField[] = [];
    do {
      const token = this.current;
      const name = this.fieldName();
      if (fields.some((f) => f.name === name)) this.failAt(token, 'a field name not used before in this ROW');
      const { type, nullability } = this.typeWithNullability();
      // ROW fields are NOT NULL unless declared NULL (unlike CREATE TYPE fields).
      fields.push({ name, type, nullable: nullability?.nullable ?? false });
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return { kind: 'row', fields };
  }

  private fieldName(): string {
    const token = this.current;
    if (token.kind === 'quoted') {
      this.advance();
      return token.text;
    }
    if (token.kind !== 'word') return this.fail('a field name');
    this.advance();
    return token.text.toLowerCase();
  }

  private nullability(): Nullability | undefined {
    const start = this.current.start;
    if (this.acceptWord('NULL')) return { nullable: true, start };
    if (!this.acceptWord('NOT')) return undefined;
    this.expectWord('NULL');
    return { nullable: false, start };
  }

  private integer(min: number, max: number, expected: string): number {
    const token = this.current;
    const value = token.kind === 'number' ? Number(token.text) : Number.NaN;
    if (!(value >= min && value <= max)) return this.fail(expected);
    this.advance();
    return value;
  }

  private acceptWord(upper: string): boolean {
    if (this.current.kind !== 'word' || this.current.upper !== upper) return false;
    this.advance();
    return true;
  }

  private expectWord(upper: string): void {
    if (!this.acceptWord(upper)) this.fail(`"${upper}"`);
  }

  private acceptSymbol(symbol: string): boolean {
    if (this.current.kind !== 'symbol' || this.current.text !== symbol) return false;
    this.advance();
    return true;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.fail(`"${symbol}"`);
  }

  private failAt(at: { start: number }, expected: string): never {
    this.current = { kind: 'end', start: at.start };
    return this.fail(expected);
  }

  private advance(): void {
    this.current = this.scan();
  }

  private scan(): Token {
    const text = this.text;
    while (this.position < text.length && /\s/.test(text[this.position] ?? '')) this.position++;
    const start = this.position;
    if (start >= text.length) return { kind: 'end', start };
    const rest = text.slice(start);
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest)?.[0];
    if (word !== undefined) {
      this.position += word.length;
      return { kind: 'word', text: word, upper: word.toUpperCase(), start };
    }
    const digits = /^\d+/.exec(rest)?.[0];
    if (digits !== undefined) {
      this.position += digits.length;
      return { kind: 'number', text: digits, start };
    }
    if (rest.startsWith('"')) return this.quoted(start);
    this.position++;
    return { kind: 'symbol', text: rest.charAt(0), start };
  }

  /** `"Name"`, with `""` standing for one quote inside. */
  private quoted(start: number): Token {
    const close = /^"((?:[^"]|"")*)"/.exec(this.text.slice(start));
    if (close === null) {
      this.current = { kind: 'end', start: this.text.length };
      return this.fail('a closing \'"\'');
    }
    const [whole = '', inner = ''] = close;
    if (inner.length === 0) return this.failAt({ start: start + 1 }, 'a non-empty quoted identifier');
    this.position += whole.length;
    return { kind: 'quoted', text: inner.replaceAll('""', '"'), start };
  }
}
