/**
 * SUM and AVG, typed as Feldera types them: the argument's type (SUM of DECIMAL(p, s) is
 * DECIMAL(38, s)); integer and DECIMAL AVG truncate toward zero. NULLs are skipped; no non-NULL
 * value gives NULL. Exact types sum exactly (numeric.ts); floats keep a running sum, reset when
 * the last value goes so that deletes cannot leave rounding residue behind.
 */
import type { SqlType } from '../../../sql/sql-type.js';
import type { Value } from '../../value.js';
import type { Aggregator } from './aggregator.js';
import { fromDigits, isExact, scaleOf, toDigits, toFloat } from './numeric.js';

interface ExactSum {
  digits: bigint;
  n: number;
}

interface FloatSum {
  sum: number;
  n: number;
}

export function sumAggregator(argumentType: SqlType, resultType: SqlType, average: boolean): Aggregator {
  const what = average ? 'AVG' : 'SUM';
  if (isExact(argumentType) && isExact(resultType)) {
    const scale = scaleOf(argumentType);
    const exact: Aggregator<ExactSum> = {
      create: () => ({ digits: 0n, n: 0 }),
      add(accumulator, [value], weight) {
        if (value === null || value === undefined) return;
        accumulator.digits += toDigits(value, argumentType) * BigInt(weight);
        accumulator.n += weight;
      },
      result({ digits, n }): Value {
        if (n === 0) return null;
        // BigInt division truncates toward zero, as Feldera's AVG does.
        return fromDigits(average ? digits / BigInt(n) : digits, scale, resultType, what);
      },
    };
    return exact as Aggregator;
  }
  const float: Aggregator<FloatSum> = {
    create: () => ({ sum: 0, n: 0 }),
    add(accumulator, [value], weight) {
      if (value === null || value === undefined) return;
      accumulator.n += weight;
      accumulator.sum = accumulator.n === 0 ? 0 : accumulator.sum + (value as number) * weight;
    },
    result: ({ sum, n }): Value => (n === 0 ? null : toFloat(average ? sum / n : sum, resultType)),
  };
  return float as Aggregator;
}
