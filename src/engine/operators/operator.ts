/**
 * The contract of the circuit's operators: one node of the dataflow each, turning its inputs'
 * changes for a step into its own. A stateful operator owns its state (integrated traces, per-group
 * accumulators) and saves it with `snapshot()` as structured-clonable data that `restore()` takes
 * back in a later run of the same program.
 */
import type { Batch } from '../zset.js';

export interface Operator {
  step(inputs: readonly Batch[]): Batch;
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** Operators without state: their output depends on the current step's input alone. */
export abstract class StatelessOperator implements Operator {
  abstract step(inputs: readonly Batch[]): Batch;

  snapshot(): unknown {
    return null;
  }

  restore(): void {}
}

/** A batch that is only read, from an input list that the circuit guarantees has it. */
export function inputAt(inputs: readonly Batch[], i: number): Batch {
  const batch = inputs[i];
  if (batch === undefined) throw new Error(`operator input ${i} is missing`);
  return batch;
}
