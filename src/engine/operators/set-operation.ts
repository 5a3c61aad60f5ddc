/**
 * UNION, EXCEPT and INTERSECT, with Feldera's multiset semantics: UNION ALL adds weights (no state);
 * UNION is DISTINCT of that; EXCEPT keeps the rows of the left input absent from the right one;
 * EXCEPT ALL the positive part of the difference; INTERSECT the rows present in both, and
 * INTERSECT ALL each as often as the smaller weight.
 */
import type { Batch } from '../zset.js';
import { StatelessOperator, type Operator } from './operator.js';
import { RowWeightsOperator, type WeightRule } from './row-weights.js';

export type SetOperator = 'UNION' | 'EXCEPT' | 'INTERSECT';

class UnionAllOperator extends StatelessOperator {
  step(inputs: readonly Batch[]): Batch {
    return inputs.flat();
  }
}

const present = (weight: number): boolean => weight > 0;

const DISTINCT_RULES: Readonly<Record<SetOperator, WeightRule>> = {
  UNION: ([a, b]) => (a! + b! > 0 ? 1 : 0),
  EXCEPT: ([a, b]) => (present(a!) && !present(b!) ? 1 : 0),
  INTERSECT: ([a, b]) => (present(a!) && present(b!) ? 1 : 0),
};

const ALL_RULES: Readonly<Record<Exclude<SetOperator, 'UNION'>, WeightRule>> = {
  EXCEPT: ([a, b]) => Math.max(0, a! - b!),
  INTERSECT: ([a, b]) => Math.max(0, Math.min(a!, b!)),
};

export function setOperation(operator: SetOperator, all: boolean): Operator {
  if (!all) return new RowWeightsOperator(2, DISTINCT_RULES[operator]);
  return operator === 'UNION' ? new UnionAllOperator() : new RowWeightsOperator(2, ALL_RULES[operator]);
}
