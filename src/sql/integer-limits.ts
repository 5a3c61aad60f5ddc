/**
 * The ranges of the integer types, the one place they are written down: TINYINT, SMALLINT, INT
 * and BIGINT are 8, 16, 32 and 64 bits wide, signed unless UNSIGNED.
 */
import type { IntegerName, SqlType } from './sql-type.js';

export type IntegerType = Extract<SqlType, { kind: 'integer' }>;

export interface IntegerLimits {
  /** Width in bits. */
  readonly bits: number;
  readonly min: bigint;
  readonly max: bigint;
  /** `min` and `max` as numbers: exact up to INT, BIGINT's rounded (beyond any safe integer). */
  readonly minNumber: number;
  readonly maxNumber: number;
  /** BIGINT values are held as bigint, the narrower ones as number (see engine/value.ts). */
  readonly isBigint: boolean;
  /** DECIMAL digits that hold every value: DECIMAL(10, 0) for INT. */
  readonly digits: number;
}

const INTEGER_BITS: Readonly<Record<IntegerName, number>> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };
const limitsCache = new Map<string, IntegerLimits>();

export function integerLimits(type: Pick<IntegerType, 'name' | 'unsigned'>): IntegerLimits {
  const key = `${type.name}${type.unsigned ? 'u' : ''}`;
  let limits = limitsCache.get(key);
  if (limits === undefined) {
    const bits = INTEGER_BITS[type.name];
    const width = BigInt(bits);
    const min = type.unsigned ? 0n : -(2n ** (width - 1n));
    const max = type.unsigned ? 2n ** width - 1n : 2n ** (width - 1n) - 1n;
    limits = { bits, min, max, minNumber: Number(min), maxNumber: Number(max), isBigint: type.name === 'BIGINT', digits: max.toString().length };
    limitsCache.set(key, limits);
  }
  return limits;
}
