/**
 * A worker thread's share of a step as it crosses to the thread: an array of values per view column
 * and the weights, instead of an object per update. Structured cloning writes every property name
 * of every object it clones; arrays of values clone in less than half the time (measured with rows
 * of three columns: 2.0 µs per update to serialize and deserialize, 0.8 µs as columns, rows rebuilt
 * included). Only the view's columns cross: the encoder reads nothing else.
 */
import type { Update } from '../../schema.js';
import { ownPropertyReader, setOwnProperty } from '../../util/own-property.js';

export interface StepColumns {
  readonly names: readonly string[];
  /** Per column, its value in each row (undefined where a row has none). */
  readonly values: readonly (readonly unknown[])[];
  /** Exact: weights are safe integers. */
  readonly weights: Float64Array;
}

export function toStepColumns(updates: readonly Update[], names: readonly string[]): StepColumns {
  const values = names.map((name) => {
    const read = ownPropertyReader(name);
    // Grown by push, not preallocated: a preallocated array is "holey" to V8, and structured
    // cloning writes a holey array as index/value pairs, which take longer to write and to read.
    const column: unknown[] = [];
    for (let i = 0; i < updates.length; i += 1) column.push(read(updates[i]!.row));
    return column;
  });
  const weights = new Float64Array(updates.length);
  for (let i = 0; i < updates.length; i += 1) weights[i] = updates[i]!.weight;
  return { names, values, weights };
}

export function fromStepColumns({ names, values, weights }: StepColumns): Update[] {
  const updates = new Array<Update>(weights.length);
  for (let i = 0; i < weights.length; i += 1) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c += 1) {
      const value = values[c]![i];
      if (value !== undefined) setOwnProperty(row, names[c]!, value);
    }
    updates[i] = { row, weight: weights[i]! };
  }
  return updates;
}
