/** Constant rows (VALUES, SELECT without FROM): inserted at the first step, never changed after. */
import type { Fields } from '../value.js';
import type { Batch } from '../zset.js';
import type { Operator } from './operator.js';

export class ValuesOperator implements Operator {
  private inserted = false;

  constructor(private readonly rows: readonly Fields[]) {}

  step(): Batch {
    if (this.inserted) return [];
    this.inserted = true;
    return this.rows.map((row) => ({ row, weight: 1 }));
  }

  snapshot(): unknown {
    return this.inserted;
  }

  restore(state: unknown): void {
    this.inserted = state === true;
  }
}
