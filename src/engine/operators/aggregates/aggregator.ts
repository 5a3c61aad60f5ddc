/**
 * One aggregate function over the rows of a group. Accumulators are plain structured-clonable
 * objects (they are part of the engine's snapshot), changed in place by `add`, which takes the
 * row's argument values and its weight (negative for a deleted row). `result` of an accumulator
 * that saw no rows (or only deleted ones) is the function's value on an empty group.
 */
import type { Value } from '../../value.js';

export interface Aggregator<A = unknown> {
  create(): A;
  add(accumulator: A, args: readonly Value[], weight: number): void;
  result(accumulator: A): Value;
}
