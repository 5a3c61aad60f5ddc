/**
 * ARRAY_AGG: every value (NULLs included), as often as its weight. Feldera leaves the order
 * unspecified but deterministic; here it is the values' sort order, which does not depend on the
 * order rows arrived in. No rows gives an empty array, not NULL.
 */
import type { Comparator } from '../../compare.js';
import type { Value } from '../../value.js';
import { valuesIdentity } from '../../zset.js';
import type { Aggregator } from './aggregator.js';

interface Counted {
  readonly value: Value;
  weight: number;
}

export function arrayAggregator(compare: Comparator): Aggregator {
  const aggregator: Aggregator<Map<string, Counted>> = {
    create: () => new Map(),
    add(values, [value], weight) {
      const v = value ?? null;
      const id = valuesIdentity([v]);
      const counted = values.get(id) ?? { value: v, weight: 0 };
      counted.weight += weight;
      if (counted.weight === 0) values.delete(id);
      else values.set(id, counted);
    },
    result(values): Value {
      const sorted = [...values.values()].sort((a, b) => compare(a.value, b.value));
      const out: Value[] = [];
      for (const { value, weight } of sorted) for (let i = 0; i < weight; i += 1) out.push(value);
      return out;
    },
  };
  return aggregator as Aggregator;
}
