/**
 * A materialized view's contents: its changes pass through unchanged, and are integrated into the
 * rows the view holds now, so that a reader joining later (an HTTP egress with a snapshot) can
 * start from them. Only views declared MATERIALIZED pay for it, as in Feldera.
 */
import type { Fields } from '../value.js';
import { valuesIdentity, type Batch } from '../zset.js';
import { inputAt, type Operator } from './operator.js';

interface Held {
  readonly row: Fields;
  weight: number;
}

export class MaterializeOperator implements Operator {
  private rows = new Map<string, Held>();

  step(inputs: readonly Batch[]): Batch {
    const batch = inputAt(inputs, 0);
    for (const { row, weight } of batch) {
      const id = valuesIdentity(row);
      const held = this.rows.get(id);
      if (held === undefined) this.rows.set(id, { row, weight });
      else if ((held.weight += weight) === 0) this.rows.delete(id);
    }
    return batch;
  }

  /** The rows the view holds now, with their multiplicities. */
  contents(): Batch {
    return [...this.rows.values()].map(({ row, weight }) => ({ row, weight }));
  }

  snapshot(): unknown {
    return this.rows;
  }

  restore(state: unknown): void {
    this.rows = state as Map<string, Held>;
  }
}
