/**
 * VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP as Feldera computes them:
 * (Σx² − (Σx)²/n) / (n or n − 1) in the argument's type (integer division for integers), the
 * square root in DOUBLE, and the result cast back to the argument's type (so integers give
 * truncated integers). NULLs are skipped; no value, or one for the _SAMP forms, gives NULL.
 */
import type { SqlType } from '../../../sql/sql-type.js';
import type { Value } from '../../value.js';
import type { Aggregator } from './aggregator.js';
import { fromDigits, isExact, scaleOf, toDigits, toFloat } from './numeric.js';

export type VarianceKind = 'VAR_POP' | 'VAR_SAMP' | 'STDDEV_POP' | 'STDDEV_SAMP';

interface Moments {
  sum: number;
  squares: number;
  exactSum: bigint;
  exactSquares: bigint;
  n: number;
}

export function varianceAggregator(kind: VarianceKind, type: SqlType): Aggregator {
  const sample = kind.endsWith('_SAMP');
  const root = kind.startsWith('STDDEV');
  const aggregator: Aggregator<Moments> = {
    create: () => ({ sum: 0, squares: 0, exactSum: 0n, exactSquares: 0n, n: 0 }),
    add(m, [value], weight) {
      if (value === null || value === undefined) return;
      m.n += weight;
      if (isExact(type)) {
        const digits = toDigits(value, type);
        m.exactSum += digits * BigInt(weight);
        m.exactSquares += digits * digits * BigInt(weight);
      } else if (m.n === 0) {
        m.sum = 0;
        m.squares = 0;
      } else {
        const x = value as number;
        m.sum += x * weight;
        m.squares += x * x * weight;
      }
    },
    result(m): Value {
      const divisor = sample ? m.n - 1 : m.n;
      if (m.n === 0 || divisor <= 0) return null;
      if (!isExact(type)) {
        const variance = (m.squares - (m.sum * m.sum) / m.n) / divisor;
        return toFloat(root ? Math.sqrt(Math.max(0, variance)) : variance, type);
      }
      const scale = scaleOf(type);
      if (type.kind === 'integer') {
        const variance = (m.exactSquares - (m.exactSum * m.exactSum) / BigInt(m.n)) / BigInt(divisor);
        const result = root ? BigInt(Math.trunc(Math.sqrt(Math.max(0, Number(variance))))) : variance;
        return fromDigits(result, 0, type, kind);
      }
      // DECIMAL: squares carry twice the scale; the quotient is computed in DOUBLE and truncated back.
      const unit = 10 ** scale;
      const sum = Number(m.exactSum) / unit;
      const squares = Number(m.exactSquares) / (unit * unit);
      const variance = Math.max(0, (squares - (sum * sum) / m.n) / divisor);
      const value = root ? Math.sqrt(variance) : variance;
      return fromDigits(BigInt(Math.trunc(value * unit)), scale, type, kind);
    },
  };
  return aggregator as Aggregator;
}
