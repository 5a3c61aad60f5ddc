/**
 * BOOL_AND (EVERY) and BOOL_OR (SOME): counts of TRUE and FALSE values, so deletes are exact.
 * NULLs are skipped; no non-NULL value gives NULL.
 */
import type { Value } from '../../value.js';
import type { Aggregator } from './aggregator.js';

interface Truths {
  trues: number;
  falses: number;
}

export function boolAggregator(kind: 'BOOL_AND' | 'BOOL_OR'): Aggregator {
  const aggregator: Aggregator<Truths> = {
    create: () => ({ trues: 0, falses: 0 }),
    add(truths, [value], weight) {
      if (value === true) truths.trues += weight;
      else if (value === false) truths.falses += weight;
    },
    result({ trues, falses }): Value {
      if (trues === 0 && falses === 0) return null;
      return kind === 'BOOL_AND' ? falses === 0 : trues > 0;
    },
  };
  return aggregator as Aggregator;
}
