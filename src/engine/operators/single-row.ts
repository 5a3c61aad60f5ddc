/**
 * A scalar subquery's value: passes its input on, and fails the step when the input holds more
 * than one row, as Feldera does ("more than one value in subquery").
 */
import { sqlRuntimeError } from '../runtime-error.js';
import type { Batch } from '../zset.js';
import { inputAt, type Operator } from './operator.js';

export class SingleRowOperator implements Operator {
  private rows = 0;

  step(inputs: readonly Batch[]): Batch {
    const batch = inputAt(inputs, 0);
    for (const { weight } of batch) this.rows += weight;
    if (this.rows > 1) throw sqlRuntimeError(`a scalar subquery returned more than one value (${this.rows} rows)`);
    return batch;
  }

  snapshot(): unknown {
    return this.rows;
  }

  restore(state: unknown): void {
    this.rows = state as number;
  }
}
