/**
 * Exact sums for SUM, AVG and the variances over integers and DECIMALs: values become BigInt
 * digits at the type's scale, so inserts and deletes cancel exactly; a result is checked against
 * its SQL type's range when it is read, as Feldera casts its wide accumulator back.
 */
import type { SqlType } from '../../../sql/sql-type.js';
import { formatScaled } from '../../decimal.js';
import { sqlRuntimeError } from '../../runtime-error.js';
import { describeType, integerLimits, type DecimalType, type IntegerType } from '../../type-rules.js';
import type { Value } from '../../value.js';

export type ExactType = IntegerType | DecimalType;

export function isExact(type: SqlType): type is ExactType {
  return type.kind === 'integer' || type.kind === 'decimal';
}

export function scaleOf(type: ExactType): number {
  return type.kind === 'decimal' ? type.scale : 0;
}

/** The value as digits at the type's scale (DECIMAL text is canonical and has at most that scale). */
export function toDigits(value: Value, type: ExactType): bigint {
  if (type.kind === 'integer') return BigInt(value as number | bigint);
  const text = value as string;
  const point = text.indexOf('.');
  const fraction = point < 0 ? '' : text.slice(point + 1);
  const whole = point < 0 ? text : text.slice(0, point);
  return BigInt(whole + fraction.padEnd(type.scale, '0'));
}

/** Digits at `scale` as a value of `type`, or a runtime error when they do not fit it. */
export function fromDigits(digits: bigint, scale: number, type: ExactType, what: string): Value {
  if (type.kind === 'integer') {
    const limits = integerLimits(type);
    if (digits < limits.min || digits > limits.max) throw sqlRuntimeError(`${what}: ${digits} is out of range for ${describeType(type)}`);
    return limits.isBigint ? digits : Number(digits);
  }
  const text = formatScaled(digits, scale);
  const wholeDigits = (digits < 0n ? -digits : digits).toString().length - scale;
  if (wholeDigits > type.precision - type.scale) throw sqlRuntimeError(`${what}: ${text} is out of range for ${describeType(type)}`);
  return text;
}

/** Rounds a float result to the SQL float type (REAL holds 32-bit values). */
export function toFloat(value: number, type: SqlType): number {
  return type.kind === 'real' ? Math.fround(value) : value;
}
