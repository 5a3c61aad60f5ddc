import type { SqlType } from '../sql/sql-type.js';

/**
 * How the engine holds SQL values: Feldera's JSON representation, in canonical form, so that
 * equal SQL values are equal JS values and rows can be compared and hashed structurally.
 *
 * | SQL type | JS value |
 * |---|---|
 * | BOOLEAN | boolean |
 * | TINYINT, SMALLINT, INT (+ UNSIGNED) | number (an integer in the type's range) |
 * | BIGINT (+ UNSIGNED) | bigint |
 * | DECIMAL(p,s) | string, canonical (`normalizeDecimal`: no exponent, no trailing fractional zeros) |
 * | REAL | number, rounded to 32-bit float (`Math.fround`) |
 * | DOUBLE | number (NaN and ±Infinity allowed) |
 * | VARCHAR, CHAR(n) | string (CHAR padded with spaces to n) |
 * | DATE, TIME, TIMESTAMP | string, canonical (`normalizeDate` / `normalizeTime` / `normalizeTimestamp`) |
 * | UUID | string, lower-case hyphenated |
 * | VARBINARY, BINARY(n) | Uint8Array |
 * | ARRAY | array of values |
 * | MAP | plain object, keys as text (`mapKeyText`) |
 * | ROW, user struct | plain object keyed by canonical field name, every field present |
 * | VARIANT | a JSON value (null, boolean, number, string, array, plain object) |
 * | NULL | null |
 */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly Value[]
  | { readonly [name: string]: Value };

/** A row: canonical column name to value, every column of the relation present. */
export type Tuple = Readonly<Record<string, Value>>;

/** A row as the engine holds it: the values of the relation's columns, by position. */
export type Fields = readonly Value[];

/**
 * The text a MAP key of `type` is held under: its value as `String` prints it, which for the key
 * types above (integers, floats, booleans and canonical text) is its canonical text. Undefined for
 * types that cannot be MAP keys here (binary, VARIANT, ARRAY, MAP, ROW).
 */
export function mapKeyText(type: SqlType): ((key: Value) => string) | undefined {
  switch (type.kind) {
    case 'boolean':
    case 'integer':
    case 'real':
    case 'double':
      return (key) => String(key);
    case 'decimal':
    case 'varchar':
    case 'char':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'uuid':
      return (key) => key as string;
    default:
      return undefined;
  }
}
