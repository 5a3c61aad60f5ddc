/**
 * Typing rules of expressions, after Calcite (which Feldera uses): which types mix, the common
 * type of CASE branches, IN lists and comparisons, and the result type of arithmetic.
 */
import { formatSqlType } from '../sql/parse-type.js';
import { integerLimits, type IntegerType } from '../sql/integer-limits.js';
import type { IntegerName, SqlField, SqlType } from '../sql/sql-type.js';
import { type ExprType, NULL_TYPE } from './compiled.js';

export { integerLimits, type IntegerLimits, type IntegerType } from '../sql/integer-limits.js';
export type DecimalType = Extract<SqlType, { kind: 'decimal' }>;
export type NumericType = Extract<SqlType, { kind: 'integer' | 'decimal' | 'real' | 'double' }>;
type StringType = Extract<SqlType, { kind: 'varchar' | 'char' }>;
type TemporalType = Extract<SqlType, { kind: 'date' | 'time' | 'timestamp' }>;
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

export const MAX_DECIMAL_PRECISION = 38;

export const BOOLEAN: SqlType = { kind: 'boolean' };
export const INT: IntegerType = { kind: 'integer', name: 'INT', unsigned: false };
export const BIGINT: IntegerType = { kind: 'integer', name: 'BIGINT', unsigned: false };
export const DOUBLE: SqlType = { kind: 'double' };
export const VARCHAR: StringType = { kind: 'varchar', length: null };

/** Type text for messages; `NULL` for the type of a bare NULL. */
export function describeType(type: ExprType): string {
  return type.kind === 'null' ? 'NULL' : formatSqlType(type);
}

export function isNumeric(type: ExprType): type is NumericType {
  return type.kind === 'integer' || type.kind === 'decimal' || type.kind === 'real' || type.kind === 'double';
}

export function isString(type: ExprType): type is StringType {
  return type.kind === 'varchar' || type.kind === 'char';
}

export function isTemporal(type: ExprType): type is TemporalType {
  return type.kind === 'date' || type.kind === 'time' || type.kind === 'timestamp';
}

export function isBinary(type: ExprType): type is Extract<SqlType, { kind: 'binary' | 'varbinary' }> {
  return type.kind === 'binary' || type.kind === 'varbinary';
}

/** The DECIMAL type an exact numeric type widens to in mixed arithmetic. */
function decimalOf(type: IntegerType | DecimalType): DecimalType {
  return type.kind === 'decimal' ? type : { kind: 'decimal', precision: integerLimits(type).digits, scale: 0 };
}

export function sameType(a: ExprType, b: ExprType): boolean {
  switch (a.kind) {
    case 'integer':
      return b.kind === 'integer' && a.name === b.name && a.unsigned === b.unsigned;
    case 'decimal':
      return b.kind === 'decimal' && a.precision === b.precision && a.scale === b.scale;
    case 'varchar':
    case 'varbinary':
    case 'char':
    case 'binary':
      return b.kind === a.kind && b.length === a.length;
    case 'array':
      return b.kind === 'array' && a.elementNullable === b.elementNullable && sameType(a.element, b.element);
    case 'map':
      return b.kind === 'map' && a.valueNullable === b.valueNullable && sameType(a.key, b.key) && sameType(a.value, b.value);
    case 'row':
      return (
        b.kind === 'row' &&
        a.fields.length === b.fields.length &&
        a.fields.every((f, i) => {
          const g = b.fields[i];
          return g !== undefined && f.name === g.name && f.nullable === g.nullable && sameType(f.type, g.type);
        })
      );
    case 'user':
      return b.kind === 'user' && a.name === b.name;
    case 'null':
    case 'boolean':
    case 'real':
    case 'double':
    case 'time':
    case 'date':
    case 'timestamp':
    case 'uuid':
    case 'variant':
      return a.kind === b.kind;
    default:
      return unreachable(a);
  }
}

/**
 * The type that values of both types convert to, for CASE branches, COALESCE, IN lists and
 * comparisons; undefined when they do not mix. Strings mix with dates, times and UUIDs (the
 * string is parsed), as Calcite does for `d > '2024-01-01'`, but not with numbers or booleans.
 */
export function commonType(a: ExprType, b: ExprType): ExprType | undefined {
  if (a.kind === 'null') return b;
  if (b.kind === 'null' || sameType(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) return commonNumericType(a, b);
  if (isString(a) && isString(b)) return commonStringType(a, b);
  if (isString(a) && (isTemporal(b) || b.kind === 'uuid')) return b;
  if ((isTemporal(a) || a.kind === 'uuid') && isString(b)) return a;
  if ((a.kind === 'date' && b.kind === 'timestamp') || (a.kind === 'timestamp' && b.kind === 'date')) return { kind: 'timestamp' };
  if (isBinary(a) && isBinary(b)) {
    if (a.kind === 'binary' && b.kind === 'binary') return { kind: 'binary', length: Math.max(a.length, b.length) };
    return { kind: 'varbinary', length: a.length === null || b.length === null ? null : Math.max(a.length, b.length) };
  }
  if (a.kind === 'array' && b.kind === 'array') {
    const element = commonType(a.element, b.element);
    return element === undefined || element.kind === 'null' ? undefined : { kind: 'array', element, elementNullable: a.elementNullable || b.elementNullable };
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const key = commonType(a.key, b.key);
    const value = commonType(a.value, b.value);
    if (key === undefined || value === undefined || key.kind === 'null' || value.kind === 'null') return undefined;
    return { kind: 'map', key, value, valueNullable: a.valueNullable || b.valueNullable };
  }
  if (a.kind === 'row' && b.kind === 'row' && a.fields.length === b.fields.length) {
    const fields: SqlField[] = [];
    for (let i = 0; i < a.fields.length; i++) {
      const f = a.fields[i];
      const g = b.fields[i];
      if (f === undefined || g === undefined || f.name !== g.name) return undefined;
      const type = commonType(f.type, g.type);
      if (type === undefined || type.kind === 'null') return undefined;
      fields.push({ name: f.name, type, nullable: f.nullable || g.nullable });
    }
    return { kind: 'row', fields };
  }
  return undefined;
}

/** Common type of several types, left to right; NULL_TYPE for none. */
export function commonTypeOf(types: readonly ExprType[]): ExprType | undefined {
  let result: ExprType = NULL_TYPE;
  for (const type of types) {
    const next = commonType(result, type);
    if (next === undefined) return undefined;
    result = next;
  }
  return result;
}

function commonNumericType(a: NumericType, b: NumericType): NumericType {
  if (a.kind === 'double' || b.kind === 'double') return { kind: 'double' };
  if (a.kind === 'real' || b.kind === 'real') return { kind: 'real' };
  if (a.kind === 'integer' && b.kind === 'integer') return widerInteger(a, b);
  const x = decimalOf(a);
  const y = decimalOf(b);
  const scale = Math.max(x.scale, y.scale);
  const precision = Math.min(MAX_DECIMAL_PRECISION, Math.max(x.precision - x.scale, y.precision - y.scale) + scale);
  return { kind: 'decimal', precision, scale: Math.min(scale, precision) };
}

/** The wider of two integer types; on equal width with mixed signedness the next wider signed type. */
function widerInteger(a: IntegerType, b: IntegerType): IntegerType {
  const bitsA = integerLimits(a).bits;
  const bitsB = integerLimits(b).bits;
  if (bitsA !== bitsB) return bitsA > bitsB ? a : b;
  if (a.unsigned === b.unsigned) return a;
  const wider: Readonly<Record<IntegerName, IntegerName>> = { TINYINT: 'SMALLINT', SMALLINT: 'INT', INT: 'BIGINT', BIGINT: 'BIGINT' };
  return { kind: 'integer', name: wider[a.name], unsigned: false };
}

function commonStringType(a: StringType, b: StringType): StringType {
  if (a.kind === 'char' && b.kind === 'char') return { kind: 'char', length: Math.max(a.length, b.length) };
  return { kind: 'varchar', length: a.length === null || b.length === null ? null : Math.max(a.length, b.length) };
}

/**
 * Result type of `a op b` for numeric operands: integers give the wider integer, anything with a
 * DOUBLE gives DOUBLE (REAL likewise), and an integer with a DECIMAL gives a DECIMAL whose
 * precision and scale follow Calcite's default type system, capped at 38 digits.
 */
export function arithmeticType(op: ArithmeticOperator, a: NumericType, b: NumericType): NumericType {
  if (a.kind !== 'decimal' && b.kind !== 'decimal') return commonNumericType(a, b);
  if (a.kind === 'real' || a.kind === 'double' || b.kind === 'real' || b.kind === 'double') return commonNumericType(a, b);
  const { precision: p1, scale: s1 } = decimalOf(a);
  const { precision: p2, scale: s2 } = decimalOf(b);
  const max = MAX_DECIMAL_PRECISION;
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(s1, s2);
      return decimal(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case '*':
      return decimal(p1 + p2, s1 + s2);
    case '/': {
      const integerDigits = Math.min(p1 - s1 + s2, max);
      const scale = Math.min(Math.max(6, s1 + p2 + 1), max - integerDigits);
      return decimal(integerDigits + scale, scale);
    }
    case '%': {
      if (s1 === 0 && s2 === 0) return decimal(p2, 0);
      const scale = Math.max(s1, s2);
      return decimal(Math.min(p1 - s1, p2 - s2) + scale, scale);
    }
    default:
      return unreachable(op);
  }
}

function decimal(precision: number, scale: number): DecimalType {
  const p = Math.max(1, Math.min(precision, MAX_DECIMAL_PRECISION));
  return { kind: 'decimal', precision: p, scale: Math.min(scale, p) };
}

export function unreachable(value: never): never {
  throw new Error(`internal error: unexpected ${JSON.stringify(value)}`);
}
