/**
 * CAST between SQL types, with Feldera's rules: numbers round (DECIMAL, half away from zero) or
 * truncate (to integers) and fail on overflow; text parses with a runtime error when it does not,
 * except that text that is not a number casts to 0 as REAL/DOUBLE (documented Feldera
 * behaviour); values print in the canonical formats, floats as Rust's ryu does; TIMESTAMP and
 * integers convert through milliseconds since the epoch; a cast from VARIANT never fails and
 * gives NULL when the value does not fit the type.
 *
 * The same casts serve implicit conversions (INT to BIGINT in `a + b`, VARCHAR to DATE in
 * `d > '2024-01-01'`).
 */
import { DynaviewError } from '../errors.js';
import { formatDouble, normalizeDecimal } from '../sql/numbers.js';
import { formatSqlType } from '../sql/parse-type.js';
import type { SqlType } from '../sql/sql-type.js';
import { normalizeDate, normalizeTime, normalizeTimestamp } from '../sql/temporal.js';
import { codePointLength, codePointSlice } from './code-points.js';
import { fitDecimal, truncateToBigInt } from './decimal.js';
import { doubleText, realText } from './float-text.js';
import { quoteText, sqlRuntimeError, SQL_RUNTIME_ERROR } from './runtime-error.js';
import { millisecondsToTimestamp, timestampToMilliseconds } from './temporal-fields.js';
import { type DecimalType, type IntegerType, BIGINT, DOUBLE, integerLimits, sameType, unreachable, VARCHAR } from './type-rules.js';
import { mapKeyText, type Value } from './value.js';
import { setOwnProperty } from '../util/own-property.js';

/** Converts a non-NULL value. */
export type Convert = (value: Value) => Value;

export interface Cast {
  readonly convert: Convert;
  /** Whether a non-NULL value can come out as NULL (casts from VARIANT). */
  readonly mayProduceNull: boolean;
}

type ValueObject = Readonly<Record<string, Value>>;

const identity: Convert = (value) => value;
const IDENTITY: Cast = { convert: identity, mayProduceNull: false };

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY_TEXT = /^[+-]?inf(?:inity)?$/i;
const NAN_TEXT = /^[+-]?nan$/i;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The cast from `from` to `to`, or undefined when SQL has none (DATE to BOOLEAN, ...). Both types
 * must be resolved: user struct types replaced by their ROW types.
 */
export function compileCast(from: SqlType, to: SqlType): Cast | undefined {
  if (sameType(from, to)) return IDENTITY;
  if (from.kind === 'variant') return { convert: fromVariant(to), mayProduceNull: true };
  if (to.kind === 'variant') return { convert: toVariant(from), mayProduceNull: false };
  const convert = compileConvert(from, to);
  return convert === undefined ? undefined : { convert, mayProduceNull: false };
}

function compileConvert(from: SqlType, to: SqlType): Convert | undefined {
  switch (to.kind) {
    case 'boolean':
      return toBoolean(from);
    case 'integer':
      return toInteger(from, to);
    case 'decimal':
      return toDecimal(from, to);
    case 'real':
    case 'double':
      return toFloat(from, to.kind === 'real');
    case 'varchar':
    case 'char':
      return toText(from, textFitter(to));
    case 'date':
      return toDate(from);
    case 'time':
      return toTime(from);
    case 'timestamp':
      return toTimestamp(from);
    case 'uuid':
      return toUuid(from);
    case 'varbinary':
    case 'binary':
      return toBinary(from, bytesFitter(to));
    case 'array':
      return from.kind === 'array' ? mapElements(compileCast(from.element, to.element)) : undefined;
    case 'map':
      return from.kind === 'map' ? toMap(from, to) : undefined;
    case 'row':
      return from.kind === 'row' ? toRow(from, to) : undefined;
    case 'variant':
      return toVariant(from);
    case 'user':
      return unresolved(to);
    default:
      return unreachable(to);
  }
}

/** A conversion that exists for the types at hand (numbers to numbers, text to dates, ...). */
function definite(convert: Convert | undefined): Convert {
  if (convert === undefined) throw new Error('internal error: a cast that always exists is missing');
  return convert;
}

function unresolved(type: SqlType): never {
  throw new Error(`internal error: cast with unresolved user type ${formatSqlType(type)}`);
}

function castError(value: string, to: SqlType, reason: string): DynaviewError {
  return sqlRuntimeError(`cannot cast ${value} to ${formatSqlType(to)}: ${reason}`);
}

function toBoolean(from: SqlType): Convert | undefined {
  switch (from.kind) {
    case 'integer':
      return integerLimits(from).isBigint ? (v) => v !== 0n : (v) => v !== 0;
    case 'decimal':
      return (v) => v !== '0';
    case 'real':
    case 'double':
      return (v) => v !== 0;
    case 'varchar':
    case 'char':
      // Feldera: trimmed, case-insensitive 'true' or 'false'.
      return (v) => {
        const text = (v as string).trim().toLowerCase();
        if (text === 'true') return true;
        if (text === 'false') return false;
        throw castError(quoteText(v as string), { kind: 'boolean' }, "expected 'true' or 'false'");
      };
    default:
      return undefined;
  }
}

function toInteger(from: SqlType, to: IntegerType): Convert | undefined {
  const limits = integerLimits(to);
  const fromBigInt = (n: bigint, shown: string): Value => {
    if (n < limits.min || n > limits.max) throw castError(shown, to, `out of range (${limits.min}..${limits.max})`);
    return limits.isBigint ? n : Number(n);
  };
  switch (from.kind) {
    case 'integer': {
      const source = integerLimits(from);
      if (source.isBigint) return (v) => fromBigInt(v as bigint, String(v));
      const widening = source.min >= limits.min && source.max <= limits.max;
      if (widening) return limits.isBigint ? (v) => BigInt(v as number) : identity;
      return (v) => {
        const n = v as number;
        if (n < limits.minNumber || n > limits.maxNumber) throw castError(String(n), to, `out of range (${limits.min}..${limits.max})`);
        return limits.isBigint ? BigInt(n) : n;
      };
    }
    case 'decimal':
      return (v) => fromBigInt(truncateToBigInt(v as string), v as string);
    case 'real':
    case 'double':
      return (v) => {
        const x = v as number;
        if (!Number.isFinite(x)) throw castError(String(x), to, 'not a finite number');
        return fromBigInt(BigInt(Math.trunc(x)), String(x));
      };
    case 'varchar':
    case 'char':
      return (v) => {
        const text = (v as string).trim();
        if (!INTEGER_TEXT.test(text)) throw castError(quoteText(v as string), to, 'not an integer');
        return fromBigInt(BigInt(text), quoteText(v as string));
      };
    case 'boolean':
      return limits.isBigint ? (v) => (v === true ? 1n : 0n) : (v) => (v === true ? 1 : 0);
    case 'timestamp':
      // Feldera: a TIMESTAMP as a number is its milliseconds since the epoch.
      return (v) => fromBigInt(BigInt(timestampToMilliseconds(v as string)), `TIMESTAMP '${v as string}'`);
    default:
      return undefined;
  }
}

function toDecimal(from: SqlType, to: DecimalType): Convert | undefined {
  switch (from.kind) {
    case 'integer':
      return (v) => fitDecimal(String(v), to, String(v));
    case 'decimal':
      if (to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale) return identity;
      return (v) => fitDecimal(v as string, to, v as string);
    case 'real':
    case 'double':
      return (v) => {
        const x = v as number;
        if (!Number.isFinite(x)) throw castError(String(x), to, 'not a finite number');
        const text = formatDouble(x);
        return fitDecimal(text, to, text);
      };
    case 'varchar':
    case 'char':
      return (v) => {
        let text: string;
        try {
          text = normalizeDecimal((v as string).trim());
        } catch {
          throw castError(quoteText(v as string), to, 'not a number');
        }
        return fitDecimal(text, to, quoteText(v as string));
      };
    case 'boolean':
      return (v) => fitDecimal(v === true ? '1' : '0', to, String(v));
    default:
      return undefined;
  }
}

function toFloat(from: SqlType, real: boolean): Convert | undefined {
  const finish = real ? Math.fround : (x: number): number => x;
  switch (from.kind) {
    case 'integer':
    case 'decimal':
      return (v) => finish(Number(v));
    case 'real':
      return identity;
    case 'double':
      return real ? (v) => Math.fround(v as number) : identity;
    case 'varchar':
    case 'char':
      return (v) => finish(parseFloatText(v as string));
    case 'boolean':
      return (v) => (v === true ? 1 : 0);
    default:
      return undefined;
  }
}

/** Text as Rust parses an f64 (`1.5`, `.5`, `1e3`, `inf`, `NaN`), and 0 for anything else, as Feldera casts. */
function parseFloatText(value: string): number {
  const text = value.trim();
  if (FLOAT_TEXT.test(text)) return Number(text);
  if (INFINITY_TEXT.test(text)) return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (NAN_TEXT.test(text)) return Number.NaN;
  return 0;
}

type TextFitter = (text: string) => string;

/** VARCHAR(n) cuts to n characters, CHAR(n) cuts or pads with spaces to exactly n. */
function textFitter(to: Extract<SqlType, { kind: 'varchar' | 'char' }>): TextFitter {
  if (to.kind === 'varchar') {
    const max = to.length;
    if (max === null) return (text) => text;
    return (text) => (text.length <= max ? text : codePointSlice(text, 0, max));
  }
  const length = to.length;
  return (text) => {
    const have = codePointLength(text);
    if (have === length) return text;
    return have > length ? codePointSlice(text, 0, length) : text + ' '.repeat(length - have);
  };
}

function toText(from: SqlType, fit: TextFitter): Convert | undefined {
  switch (from.kind) {
    case 'varchar':
    case 'char':
    case 'decimal':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'uuid':
      return (v) => fit(v as string);
    case 'boolean':
      return (v) => fit(v === true ? 'TRUE' : 'FALSE');
    case 'integer':
      return (v) => fit(String(v));
    case 'real':
      return (v) => fit(realText(v as number));
    case 'double':
      return (v) => fit(doubleText(v as number));
    default:
      return undefined;
  }
}

/** Runs a parser from `temporal.ts`, turning its Error into a cast error. */
function parsing(parse: (text: string) => string, to: SqlType): Convert {
  return (v) => {
    try {
      return parse((v as string).trim());
    } catch (error) {
      throw castError(quoteText(v as string), to, (error as Error).message);
    }
  };
}

function toDate(from: SqlType): Convert | undefined {
  switch (from.kind) {
    case 'timestamp':
      return (v) => (v as string).slice(0, 10);
    case 'varchar':
    case 'char':
      return parsing(normalizeDate, { kind: 'date' });
    default:
      return undefined;
  }
}

function toTime(from: SqlType): Convert | undefined {
  switch (from.kind) {
    case 'timestamp':
      return (v) => (v as string).slice(11);
    case 'varchar':
    case 'char':
      return parsing(normalizeTime, { kind: 'time' });
    default:
      return undefined;
  }
}

function toTimestamp(from: SqlType): Convert | undefined {
  switch (from.kind) {
    case 'date':
      return (v) => `${v as string} 00:00:00`;
    case 'varchar':
    case 'char':
      // A date alone means its midnight.
      return parsing((text) => (/^\d+-\d+-\d+$/.test(text) ? `${normalizeDate(text)} 00:00:00` : normalizeTimestamp(text)), { kind: 'timestamp' });
    case 'integer':
      return (v) => millisecondsToTimestamp(Number(v));
    default:
      return undefined;
  }
}

function toUuid(from: SqlType): Convert | undefined {
  switch (from.kind) {
    case 'varchar':
    case 'char':
      return (v) => {
        const text = (v as string).trim();
        if (!UUID_TEXT.test(text)) throw castError(quoteText(v as string), { kind: 'uuid' }, 'expected 8-4-4-4-12 hex digits');
        return text.toLowerCase();
      };
    case 'varbinary':
    case 'binary':
      return (v) => {
        const bytes = v as Uint8Array;
        if (bytes.length !== 16) throw castError(`${bytes.length} bytes`, { kind: 'uuid' }, 'a UUID is 16 bytes');
        const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      };
    default:
      return undefined;
  }
}

type BytesFitter = (bytes: Uint8Array) => Uint8Array;

/** VARBINARY(n) cuts to n bytes, BINARY(n) cuts or pads with zero bytes to exactly n. */
function bytesFitter(to: Extract<SqlType, { kind: 'varbinary' | 'binary' }>): BytesFitter {
  const length = to.length;
  if (length === null) return (bytes) => bytes;
  if (to.kind === 'varbinary') return (bytes) => (bytes.length <= length ? bytes : bytes.slice(0, length));
  return (bytes) => {
    if (bytes.length === length) return bytes;
    const fitted = new Uint8Array(length);
    fitted.set(bytes.subarray(0, length));
    return fitted;
  };
}

function toBinary(from: SqlType, fit: BytesFitter): Convert | undefined {
  switch (from.kind) {
    case 'varbinary':
    case 'binary':
      return (v) => fit(v as Uint8Array);
    case 'uuid':
      return (v) => {
        const hex = (v as string).replaceAll('-', '');
        const bytes = new Uint8Array(16);
        for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
        return fit(bytes);
      };
    default:
      return undefined;
  }
}

function mapElements(element: Cast | undefined): Convert | undefined {
  if (element === undefined) return undefined;
  if (element.convert === identity) return identity;
  const convert = element.convert;
  return (v) => (v as readonly Value[]).map((e) => (e === null ? null : convert(e)));
}

/** Map keys are held as text: a key cast reads the text as the old key type, casts it, and writes it as the new one. */
function keyTextCast(from: SqlType, to: SqlType): ((key: string) => string) | undefined {
  if (sameType(from, to)) return (key) => key;
  const read = compileCast(VARCHAR, from);
  const cast = compileCast(from, to);
  const write = mapKeyText(to);
  if (read === undefined || cast === undefined || write === undefined) return undefined;
  return (key) => write(cast.convert(read.convert(key)));
}

function toMap(from: Extract<SqlType, { kind: 'map' }>, to: Extract<SqlType, { kind: 'map' }>): Convert | undefined {
  const key = keyTextCast(from.key, to.key);
  const value = compileCast(from.value, to.value);
  if (key === undefined || value === undefined) return undefined;
  const convertValue = value.convert;
  return (v) => {
    const source = v as ValueObject;
    const result: Record<string, Value> = {};
    for (const name of Object.keys(source)) {
      const item = source[name] ?? null;
      setOwnProperty(result, key(name), item === null ? null : convertValue(item));
    }
    return result;
  };
}

/** A ROW casts to a ROW with as many fields, field by field in order (Feldera). */
function toRow(from: Extract<SqlType, { kind: 'row' }>, to: Extract<SqlType, { kind: 'row' }>): Convert | undefined {
  if (from.fields.length !== to.fields.length) return undefined;
  const fields: { from: string; to: string; convert: Convert }[] = [];
  for (let i = 0; i < to.fields.length; i++) {
    const source = from.fields[i];
    const target = to.fields[i];
    if (source === undefined || target === undefined) return undefined;
    const cast = compileCast(source.type, target.type);
    if (cast === undefined) return undefined;
    fields.push({ from: source.name, to: target.name, convert: cast.convert });
  }
  return (v) => {
    const source = v as ValueObject;
    const result: Record<string, Value> = {};
    for (const field of fields) {
      const item = source[field.from] ?? null;
      setOwnProperty(result, field.to, item === null ? null : field.convert(item));
    }
    return result;
  };
}

function ownEntry(source: ValueObject, name: string): Value {
  return Object.hasOwn(source, name) ? (source[name] ?? null) : null;
}

function isObjectValue(value: Value): value is ValueObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * A value as a VARIANT, which the engine holds as a JSON value: DECIMAL becomes a JS number
 * (exact up to about 15 digits), a BIGINT stays a bigint only beyond 2^53, binary stays bytes.
 */
function toVariant(from: SqlType): Convert {
  switch (from.kind) {
    case 'integer':
      return integerLimits(from).isBigint ? (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v) : identity;
    case 'decimal':
      return (v) => Number(v);
    case 'array': {
      const element = toVariant(from.element);
      return (v) => (v as readonly Value[]).map((e) => (e === null ? null : element(e)));
    }
    case 'map': {
      const value = toVariant(from.value);
      return (v) => {
        const source = v as ValueObject;
        const result: Record<string, Value> = {};
        for (const name of Object.keys(source)) {
          const item = source[name] ?? null;
          setOwnProperty(result, name, item === null ? null : value(item));
        }
        return result;
      };
    }
    case 'row': {
      const fields = from.fields.map((f) => ({ name: f.name, convert: toVariant(f.type) }));
      return (v) => {
        const source = v as ValueObject;
        const result: Record<string, Value> = {};
        for (const field of fields) {
          const item = source[field.name] ?? null;
          setOwnProperty(result, field.name, item === null ? null : field.convert(item));
        }
        return result;
      };
    }
    case 'user':
      return unresolved(from);
    case 'boolean':
    case 'real':
    case 'double':
    case 'varchar':
    case 'char':
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid':
    case 'varbinary':
    case 'binary':
    case 'variant':
      return identity;
    default:
      return unreachable(from);
  }
}

/** `convert(value)`, or NULL where it fails at run time: casts from VARIANT never fail (Feldera). */
function orNull(convert: Convert, value: Value): Value {
  try {
    return convert(value);
  } catch (error) {
    if (error instanceof DynaviewError && error.code === SQL_RUNTIME_ERROR) return null;
    throw error;
  }
}

/**
 * VARIANT (a JSON value) to `to`: the value when its JSON kind fits the type (numbers convert
 * between numeric types, text parses as dates, times and UUIDs), NULL otherwise.
 */
function fromVariant(to: SqlType): Convert {
  switch (to.kind) {
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : null);
    case 'integer':
    case 'decimal':
    case 'real':
    case 'double': {
      const fromNumber = definite(compileConvert(DOUBLE, to));
      const fromBigInt = definite(compileConvert(BIGINT, to));
      return (v) => (typeof v === 'number' ? orNull(fromNumber, v) : typeof v === 'bigint' ? orNull(fromBigInt, v) : null);
    }
    case 'varchar':
    case 'char': {
      const fit = textFitter(to);
      return (v) => (typeof v === 'string' ? fit(v) : null);
    }
    case 'date':
    case 'time':
    case 'timestamp':
    case 'uuid': {
      const parse = definite(compileConvert(VARCHAR, to));
      return (v) => (typeof v === 'string' ? orNull(parse, v) : null);
    }
    case 'varbinary':
    case 'binary': {
      const fit = bytesFitter(to);
      return (v) => (v instanceof Uint8Array ? fit(v) : null);
    }
    case 'array': {
      const element = fromVariant(to.element);
      return (v) => (Array.isArray(v) ? v.map((e: Value) => (e === null ? null : element(e))) : null);
    }
    case 'map':
      return mapFromVariant(to);
    case 'row': {
      const fields = to.fields.map((f) => ({ name: f.name, convert: fromVariant(f.type) }));
      return (v) => {
        if (!isObjectValue(v)) return null;
        const result: Record<string, Value> = {};
        for (const field of fields) {
          const item = ownEntry(v, field.name);
          setOwnProperty(result, field.name, item === null ? null : field.convert(item));
        }
        return result;
      };
    }
    case 'variant':
      return identity;
    case 'user':
      return unresolved(to);
    default:
      return unreachable(to);
  }
}

function mapFromVariant(to: Extract<SqlType, { kind: 'map' }>): Convert {
  const key = to.key.kind === 'varchar' || to.key.kind === 'char' ? (name: string): string => name : keyTextCast(VARCHAR, to.key);
  const value = fromVariant(to.value);
  return (v) => {
    if (key === undefined || !isObjectValue(v)) return null;
    const result: Record<string, Value> = {};
    for (const name of Object.keys(v)) {
      const keyText = orNull((k) => key(k as string), name);
      if (keyText === null) return null;
      const item = v[name] ?? null;
      setOwnProperty(result, keyText as string, item === null ? null : value(item));
    }
    return result;
  };
}
