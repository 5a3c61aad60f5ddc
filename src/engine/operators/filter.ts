/** WHERE and HAVING: keeps the rows for which the predicate is TRUE (not FALSE, not NULL). */
import type { Evaluate } from '../compiled.js';
import type { Batch } from '../zset.js';
import { inputAt, StatelessOperator } from './operator.js';

export class FilterOperator extends StatelessOperator {
  constructor(private readonly predicate: Evaluate) {
    super();
  }

  step(inputs: readonly Batch[]): Batch {
    const out: Batch = [];
    for (const change of inputAt(inputs, 0)) if (this.predicate(change.row) === true) out.push(change);
    return out;
  }
}
