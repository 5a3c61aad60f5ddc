/**
 * The DISTINCT modifier (COUNT(DISTINCT x), SUM(DISTINCT x), ...): the wrapped aggregate sees each
 * distinct argument list once, added when its first copy arrives and removed with its last.
 */
import type { Value } from '../../value.js';
import { valuesIdentity } from '../../zset.js';
import type { Aggregator } from './aggregator.js';

interface DistinctArguments {
  readonly weights: Map<string, number>;
  readonly inner: unknown;
}

export function distinctArguments(inner: Aggregator): Aggregator {
  const aggregator: Aggregator<DistinctArguments> = {
    create: () => ({ weights: new Map(), inner: inner.create() }),
    add(state, args, weight) {
      const id = valuesIdentity(args);
      const before = state.weights.get(id) ?? 0;
      const after = before + weight;
      if (after === 0) state.weights.delete(id);
      else state.weights.set(id, after);
      if (before <= 0 && after > 0) inner.add(state.inner, args, 1);
      else if (before > 0 && after <= 0) inner.add(state.inner, args, -1);
    },
    result: (state): Value => inner.result(state.inner),
  };
  return aggregator as Aggregator;
}
