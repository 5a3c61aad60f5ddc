/** COUNT(*) (no arguments: every row) and COUNT(x, ...) (rows whose arguments are all non-NULL): BIGINT, 0 on no rows. */
import type { Value } from '../../value.js';
import type { Aggregator } from './aggregator.js';

interface Count {
  n: number;
}

export const countAggregator: Aggregator<Count> = {
  create: () => ({ n: 0 }),
  add(accumulator, args, weight) {
    for (const arg of args) if (arg === null) return;
    accumulator.n += weight;
  },
  result: (accumulator): Value => BigInt(accumulator.n),
};
