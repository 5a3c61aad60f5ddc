/**
 * Parsed JSON input -> the engine's runtime values (`value.ts`), with the rules of Feldera's JSON
 * input format: numbers as JSON numbers (DECIMAL and floats also as strings, integers also as
 * their decimal text), temporal values in the text forms `temporal.ts` reads (or, per
 * `ValueEncoding`, as the numbers Debezium writes), binary as an array of bytes, ROW fields and
 * table columns matched by name like SQL identifiers, missing fields NULL, unknown fields ignored.
 *
 * Problems are thrown as cheap `CoerceProblem`s that collect their nested path (`[3]`, `.street`)
 * on the way out and become one DynaviewError naming the whole path at the top.
 */
import { DynaviewError } from '../errors.js';
import { integerLimits } from '../sql/integer-limits.js';
import { integerDigitCount, normalizeDecimal, roundDecimal } from '../sql/numbers.js';
import { formatSqlType } from '../sql/parse-type.js';
import type { IntegerName, SqlField, SqlType } from '../sql/sql-type.js';
import { normalizeDate, normalizeTime, normalizeTimestamp } from '../sql/temporal.js';
import { JsonNumberText, JsonSyntaxError, parseJsonLossless } from '../util/lossless-json.js';
import { mapKeyText, type Tuple, type Value } from './value.js';
import { setOwnProperty } from '../util/own-property.js';

export const INPUT_INVALID_VALUE = 'INPUT_INVALID_VALUE';

/**
 * How an input writes the values whose JSON form is not fixed: Feldera's `SqlSerdeConfig`, which
 * the JSON format's `json_flavor` picks. Nested values (array elements, map values, ROW fields)
 * follow the same encoding.
 */
export interface ValueEncoding {
  /** TIME: `text` (`H:M:S[.f]`), or `micros`: an integer count of microseconds since midnight. */
  readonly time: 'text' | 'micros';
  /** DATE: `text` (`Y-M-D`), or `days`: an integer count of days since 1970-01-01. */
  readonly date: 'text' | 'days';
  /**
   * TIMESTAMP: `text` (`Y-M-D H:M:S[.f]` or RFC 3339), `epoch-millis` (an integer count of
   * milliseconds since 1970-01-01 00:00:00), or `iso-seconds`: `Y-M-DTH:M:S` followed by text
   * without blanks that is skipped, fraction and zone included (chrono's `%Y-%m-%dT%H:%M:%S%Z`).
   */
  readonly timestamp: 'text' | 'epoch-millis' | 'iso-seconds';
  /** VARIANT: `json` (the JSON value itself), or `json-text`: a string holding JSON text. */
  readonly variant: 'json' | 'json-text';
}

/** Feldera's `default` JSON flavor. */
export const DEFAULT_VALUE_ENCODING: ValueEncoding = { time: 'text', date: 'text', timestamp: 'text', variant: 'json' };

/**
 * Converts one JSON value (as `parseJsonLossless` or JSON.parse produce it) to the runtime value
 * of `type`. `path` names the value in messages, e.g. `address.street`. JSON null is SQL NULL;
 * whether NULL is allowed is the caller's business (see `coerceRow`). Throws a DynaviewError with
 * code INPUT_INVALID_VALUE.
 */
export function coerceValue(type: SqlType, json: unknown, path: string, encoding: ValueEncoding = DEFAULT_VALUE_ENCODING): Value {
  try {
    return json === null ? null : coerceNonNull(type, json, encoding);
  } catch (error) {
    throw asInputError(error, path);
  }
}

/**
 * A JSON object -> a row with every one of the table's `columns`: keys match names
 * case-insensitively unless the name has upper-case letters (it was quoted in SQL), an exact match
 * wins, other keys are ignored (as Feldera's generated record deserializers do), missing columns
 * are NULL (an error for NOT NULL columns). A JSON array holds the values in column order.
 */
export function coerceRow(columns: readonly SqlField[], json: unknown, encoding: ValueEncoding = DEFAULT_VALUE_ENCODING): Tuple {
  try {
    return coerceFields(columns, json, encoding);
  } catch (error) {
    throw asInputError(error, '');
  }
}

/**
 * A JSON object -> the columns a partial update (`{"update": {...}}`) sets, keyed by column name:
 * keys match as in `coerceRow`; every `key` column must be given, and not NULL; a NOT NULL column
 * that is given must not be NULL; columns that are not given are left out.
 */
export function coercePartialRow(columns: readonly SqlField[], key: readonly string[], json: unknown, encoding: ValueEncoding = DEFAULT_VALUE_ENCODING): Tuple {
  try {
    const found = matchFields(columns, json);
    const row: Record<string, Value> = {};
    columns.forEach((column, i) => {
      const raw = found[i];
      const isKey = key.includes(column.name);
      if (raw === undefined && !isKey) return;
      setOwnProperty(row, column.name, withSegment(`.${column.name}`, () => {
        if (raw === undefined) throw new CoerceProblem('is a primary key column: an update must give it', column.type);
        return coerceNullable(column.type, column.nullable && !isKey, raw, isKey ? 'primary key column' : 'column', encoding);
      }));
    });
    return row;
  } catch (error) {
    throw asInputError(error, '');
  }
}

class CoerceProblem {
  path = '';
  constructor(
    readonly reason: string,
    /** The type of the value the problem is about; undefined for a whole record. */
    readonly type: SqlType | undefined,
  ) {}
}

function asInputError(error: unknown, path: string): unknown {
  if (!(error instanceof CoerceProblem)) return error;
  const field = joinPath(path, error.path);
  const column = /^[^.[]*/.exec(field)?.[0] ?? field;
  // A problem with the whole record needs no name: messages say which record it is.
  const what = field === '' ? '' : `column "${field}"${error.type === undefined ? '' : ` (${formatSqlType(error.type)})`}: `;
  return new DynaviewError(INPUT_INVALID_VALUE, `${what}${error.reason}`, {
    context: field === '' ? {} : { column, ...(field === column ? {} : { field }) },
  });
}

function joinPath(prefix: string, inner: string): string {
  if (prefix === '') return inner.startsWith('.') ? inner.slice(1) : inner;
  return prefix + inner;
}

function withSegment<T>(segment: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof CoerceProblem) error.path = segment + error.path;
    throw error;
  }
}

function coerceNonNull(type: SqlType, json: unknown, encoding: ValueEncoding): Value {
  switch (type.kind) {
    case 'boolean':
      if (typeof json !== 'boolean') throw wrongType('true or false', json, type);
      return json;
    case 'integer':
      return coerceInteger(type.name, type.unsigned, json, type);
    case 'decimal':
      return coerceDecimal(type.precision, type.scale, json, type);
    case 'real':
      return Math.fround(coerceFloat(json, type));
    case 'double':
      return coerceFloat(json, type);
    case 'varchar':
      return fitLength(expectString(json, type), type.length, false);
    case 'char':
      return fitLength(expectString(json, type), type.length, true);
    case 'time':
      return encoding.time === 'micros' ? timeFromMicros(json, type) : textTemporal(normalizeTime, json, type);
    case 'date':
      return encoding.date === 'days' ? dateFromDays(json, type) : textTemporal(normalizeDate, json, type);
    case 'timestamp':
      return coerceTimestamp(json, type, encoding.timestamp);
    case 'uuid':
      return coerceUuid(json, type);
    case 'varbinary':
      return coerceBytes(json, type.length, false, type);
    case 'binary':
      return coerceBytes(json, type.length, true, type);
    case 'variant':
      return encoding.variant === 'json-text' ? variantFromJsonText(json, type) : coerceVariant(json);
    case 'array':
      return coerceArray(type.element, type.elementNullable, json, type, encoding);
    case 'map':
      return coerceMap(type, json, encoding);
    case 'row':
      if (!isJsonObject(json)) throw wrongType('a JSON object', json, type);
      return coerceFields(type.fields, json, encoding);
    case 'user':
      throw new Error(`internal error: user type ${type.name} was not resolved before reading input`);
    default:
      return unreachable(type);
  }
}

function unreachable(value: never): never {
  throw new Error(`internal error: unexpected ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Numbers

const INTEGER_TEXT = /^[+-]?\d+$/;

/**
 * Feldera reads integers from JSON numbers only; dynaview also takes their decimal text, the form
 * in which its own dead-letter files write BIGINT values (exactly), so that those replay.
 */
function coerceInteger(name: IntegerName, unsigned: boolean, json: unknown, type: SqlType): number | bigint {
  let value: bigint;
  if (typeof json === 'bigint') value = json;
  else if (typeof json === 'number' && Number.isInteger(json)) value = BigInt(json);
  else if (typeof json === 'string' && INTEGER_TEXT.test(json)) value = BigInt(json);
  else throw wrongType('an integer', json, type);
  const { min, max, isBigint } = integerLimits({ name, unsigned });
  if (value < min || value > max) throw new CoerceProblem(`${value} is out of range (${min} to ${max})`, type);
  return isBigint ? value : Number(value);
}

function coerceDecimal(precision: number, scale: number, json: unknown, type: SqlType): string {
  let canonical: string;
  try {
    if (typeof json === 'number' || typeof json === 'bigint' || typeof json === 'string') canonical = normalizeDecimal(json);
    else if (json instanceof JsonNumberText) canonical = normalizeDecimal(json.text);
    else throw wrongType('a number or a numeric string', json, type);
  } catch (error) {
    if (error instanceof CoerceProblem) throw error;
    throw wrongType('a number or a numeric string', json, type);
  }
  const rounded = roundDecimal(canonical, scale);
  if (integerDigitCount(rounded) > precision - scale) {
    throw new CoerceProblem(`${rounded} has more than the ${precision - scale} digits before the point that ${formatSqlType(type)} allows`, type);
  }
  return rounded;
}

const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  nan: Number.NaN, '+nan': Number.NaN, '-nan': Number.NaN,
  inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity,
  '-inf': -Infinity, '-infinity': -Infinity,
};

function coerceFloat(json: unknown, type: SqlType): number {
  if (typeof json === 'number') return json;
  if (typeof json === 'bigint') return Number(json);
  if (json instanceof JsonNumberText) return Number(json.text);
  if (typeof json === 'string') {
    const text = json.trim();
    if (FLOAT_TEXT.test(text)) return Number(text);
    const special = SPECIAL_FLOATS[text.toLowerCase()];
    if (special !== undefined) return special;
  }
  throw wrongType('a number or a numeric string', json, type);
}

// ---------------------------------------------------------------------------------------------
// Strings, temporal values, UUID, binary

function expectString(json: unknown, type: SqlType): string {
  if (typeof json !== 'string') throw wrongType('a string', json, type);
  return json;
}

/** SQL assignment rules: longer values are cut to the declared length, CHAR is padded with spaces. */
function fitLength(text: string, length: number | null, pad: boolean): string {
  if (length === null) return text;
  const codePoints = [...text];
  if (codePoints.length > length) return codePoints.slice(0, length).join('');
  return pad ? text + ' '.repeat(length - codePoints.length) : text;
}

function temporal<T>(normalize: (value: T) => string, value: T, type: SqlType, json: unknown = value): string {
  try {
    return normalize(value);
  } catch (error) {
    throw new CoerceProblem(`${preview(json)} is not a valid ${formatSqlType(type)}: ${error instanceof Error ? error.message : String(error)}`, type);
  }
}

function textTemporal(normalize: (text: string) => string, json: unknown, type: SqlType): string {
  return temporal(normalize, expectString(json, type), type);
}

const MICROS_PER_DAY = 86_400_000_000n;
const MILLIS_PER_DAY = 86_400_000;

function timeFromMicros(json: unknown, type: SqlType): string {
  const micros = expectWholeNumber(json, 'an integer count of microseconds since midnight', type);
  if (micros < 0n || micros >= MICROS_PER_DAY) throw new CoerceProblem(`${micros} microseconds is not a time of day (0 to ${MICROS_PER_DAY - 1n})`, type);
  const seconds = Number(micros / 1_000_000n);
  const clock = `${Math.floor(seconds / 3600)}:${Math.floor(seconds / 60) % 60}:${seconds % 60}`;
  return normalizeTime(`${clock}.${String(micros % 1_000_000n).padStart(6, '0')}`);
}

function dateFromDays(json: unknown, type: SqlType): string {
  const days = expectWholeNumber(json, 'an integer count of days since 1970-01-01', type);
  return temporal(normalizeDate, new Date(Number(days) * MILLIS_PER_DAY), type, json);
}

// chrono's `%Z` skips every character up to the next blank, so fraction and zone are dropped.
const ISO_SECONDS = /^(\d+-\d+-\d+)T(\d+:\d+:\d+)\S*$/;

function coerceTimestamp(json: unknown, type: SqlType, encoding: ValueEncoding['timestamp']): string {
  switch (encoding) {
    case 'text':
      return textTemporal(normalizeTimestamp, json, type);
    case 'epoch-millis':
      return temporal(normalizeTimestamp, new Date(Number(expectWholeNumber(json, 'an integer count of milliseconds since 1970-01-01', type))), type, json);
    case 'iso-seconds': {
      const match = ISO_SECONDS.exec(expectString(json, type).trim());
      if (match === null) throw new CoerceProblem(`${preview(json)} is not a valid ${formatSqlType(type)}: expected YYYY-MM-DDTHH:MM:SS followed by a zone`, type);
      return textTemporal(normalizeTimestamp, `${match[1]!} ${match[2]!}`, type);
    }
    default:
      return unreachable(encoding);
  }
}

function expectWholeNumber(json: unknown, expected: string, type: SqlType): bigint {
  if (typeof json === 'bigint') return json;
  if (typeof json === 'number' && Number.isSafeInteger(json)) return BigInt(json);
  throw wrongType(expected, json, type);
}

// Hyphenated, 32 digits, braced and urn forms, as the uuid crate's parser reads them.
const UUID_TEXT = /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

function coerceUuid(json: unknown, type: SqlType): string {
  const text = expectString(json, type).trim();
  const match = UUID_TEXT.exec(text);
  const braced = text.includes('{');
  if (match === null || braced !== text.endsWith('}')) {
    throw new CoerceProblem(`${preview(json)} is not a UUID (expected 8-4-4-4-12 hexadecimal digits)`, type);
  }
  return match.slice(1).join('-').toLowerCase();
}

function coerceBytes(json: unknown, length: number | null, fixed: boolean, type: SqlType): Uint8Array {
  if (!Array.isArray(json)) throw wrongType('an array of byte values (0 to 255)', json, type);
  const size = fixed && length !== null ? length : Math.min(json.length, length ?? json.length);
  // BINARY(n) is zero-padded to n bytes, like a SQL cast.
  const bytes = new Uint8Array(size);
  for (let i = 0; i < Math.min(json.length, size); i++) {
    const byte: unknown = json[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
      const problem = new CoerceProblem(`${preview(byte)} is not a byte value (0 to 255)`, type);
      problem.path = `[${i}]`;
      throw problem;
    }
    bytes[i] = byte;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// VARIANT, ARRAY, MAP, ROW

function coerceVariant(json: unknown): Value {
  if (json === null || typeof json === 'boolean' || typeof json === 'number' || typeof json === 'string' || typeof json === 'bigint') return json;
  if (json instanceof JsonNumberText) return Number(json.text);
  if (Array.isArray(json)) return json.map((element: unknown, i) => withSegment(`[${i}]`, () => coerceVariant(element)));
  if (isJsonObject(json)) {
    const result: Record<string, Value> = {};
    for (const [key, element] of Object.entries(json)) {
      setOwnProperty(result, key, withSegment(`[${JSON.stringify(key)}]`, () => coerceVariant(element)));
    }
    return result;
  }
  throw new CoerceProblem(`${preview(json)} is not a JSON value`, { kind: 'variant' });
}

function variantFromJsonText(json: unknown, type: SqlType): Value {
  const text = expectString(json, type);
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new CoerceProblem(`${preview(json)} is not JSON text: ${error.message}`, type);
  }
  return coerceVariant(parsed);
}

function coerceArray(element: SqlType, elementNullable: boolean, json: unknown, type: SqlType, encoding: ValueEncoding): Value[] {
  if (!Array.isArray(json)) throw wrongType('a JSON array', json, type);
  return json.map((item: unknown, i) => withSegment(`[${i}]`, () => coerceNullable(element, elementNullable, item, 'ARRAY element', encoding)));
}

function coerceMap(type: Extract<SqlType, { kind: 'map' }>, json: unknown, encoding: ValueEncoding): Record<string, Value> {
  if (!isJsonObject(json)) throw wrongType('a JSON object', json, type);
  const result: Record<string, Value> = {};
  for (const [key, value] of Object.entries(json)) {
    withSegment(`[${JSON.stringify(key)}]`, () => {
      setOwnProperty(result, mapKeyFromJson(type.key, key), coerceNullable(type.value, type.valueNullable, value, 'MAP value', encoding));
    });
  }
  return result;
}

/** The text a MAP key is stored under: the JSON object key read as a value of the key type, held as `mapKeyText` writes it. */
function mapKeyFromJson(keyType: SqlType, key: string): string {
  const write = mapKeyText(keyType);
  if (write === undefined) throw new CoerceProblem(`MAP keys of type ${formatSqlType(keyType)} cannot be read from JSON object keys`, keyType);
  const invalidKey = (): CoerceProblem => new CoerceProblem(`the key ${JSON.stringify(key)} is not a valid ${formatSqlType(keyType)}`, keyType);
  switch (keyType.kind) {
    // JSON object keys are always strings: integers and booleans are read from their text here,
    // where coerceNonNull would want a JSON number or boolean.
    case 'integer':
      if (!/^\s*[+-]?\d+\s*$/.test(key)) throw invalidKey();
      return write(coerceInteger(keyType.name, keyType.unsigned, BigInt(key.trim()), keyType));
    case 'boolean':
      if (key !== 'true' && key !== 'false') throw invalidKey();
      return write(key === 'true');
    default:
      // Keys are strings whatever the flavor: its number forms cannot be object keys.
      return write(coerceNonNull(keyType, key, DEFAULT_VALUE_ENCODING));
  }
}

function coerceNullable(type: SqlType, nullable: boolean, json: unknown, what: string, encoding: ValueEncoding): Value {
  if (json === null || json === undefined) {
    if (nullable) return null;
    throw new CoerceProblem(`NULL is not allowed: the ${what} is NOT NULL`, type);
  }
  return coerceNonNull(type, json, encoding);
}

interface FieldMatcher {
  /** Field position by exact name. */
  readonly exact: ReadonlyMap<string, number>;
  /** Field position by lower-case name, for fields whose names are lower case (unquoted in SQL). */
  readonly folded: ReadonlyMap<string, number>;
}

const matchers = new WeakMap<readonly SqlField[], FieldMatcher>();

function matcherFor(fields: readonly SqlField[]): FieldMatcher {
  let matcher = matchers.get(fields);
  if (matcher === undefined) {
    const exact = new Map<string, number>();
    const folded = new Map<string, number>();
    fields.forEach((field, i) => {
      exact.set(field.name, i);
      if (field.name === field.name.toLowerCase()) folded.set(field.name, i);
    });
    matcher = { exact, folded };
    matchers.set(fields, matcher);
  }
  return matcher;
}

/**
 * The value of each field in the JSON object, by field position; undefined where it has none. A
 * JSON array holds the values in field order, as Feldera's generated deserializers also read a
 * record: values past the last field are ignored, and every field needs one.
 */
function matchFields(fields: readonly SqlField[], json: unknown): unknown[] {
  if (Array.isArray(json)) {
    if (json.length < fields.length) throw new CoerceProblem(`expected a JSON object, or an array of ${fields.length} values, got an array of ${json.length}`, undefined);
    return json.slice(0, fields.length);
  }
  if (!isJsonObject(json)) throw new CoerceProblem(`expected a JSON object, got ${preview(json)}`, undefined);
  const { exact, folded } = matcherFor(fields);
  const found: unknown[] = new Array<unknown>(fields.length);
  const exactlyMatched: boolean[] = new Array<boolean>(fields.length).fill(false);
  for (const key of Object.keys(json)) {
    const exactIndex = exact.get(key);
    if (exactIndex !== undefined) {
      found[exactIndex] = json[key];
      exactlyMatched[exactIndex] = true;
      continue;
    }
    const foldedIndex = folded.get(key.toLowerCase());
    if (foldedIndex !== undefined && !exactlyMatched[foldedIndex]) found[foldedIndex] = json[key];
  }
  return found;
}

function coerceFields(fields: readonly SqlField[], json: unknown, encoding: ValueEncoding): Tuple {
  const found = matchFields(fields, json);
  const row: Record<string, Value> = {};
  fields.forEach((field, i) => {
    const value = withSegment(`.${field.name}`, () => {
      const raw = found[i];
      if (raw === undefined && !field.nullable) throw new CoerceProblem('is missing and NOT NULL', field.type);
      return coerceNullable(field.type, field.nullable, raw ?? null, 'column', encoding);
    });
    setOwnProperty(row, field.name, value);
  });
  return row;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumberText) && !(value instanceof Uint8Array);
}

function wrongType(expected: string, json: unknown, type: SqlType): CoerceProblem {
  return new CoerceProblem(`expected ${expected}, got ${preview(json)}`, type);
}

const MAX_PREVIEW = 60;

function preview(json: unknown): string {
  let text: string;
  if (json instanceof JsonNumberText) text = json.text;
  else if (typeof json === 'bigint') text = json.toString();
  else if (json === undefined) text = 'nothing';
  else text = JSON.stringify(json, (_key, v: unknown) => (typeof v === 'bigint' || v instanceof JsonNumberText ? String(v instanceof JsonNumberText ? v.text : v) : v)) ?? String(json);
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 3)}...` : text;
}
