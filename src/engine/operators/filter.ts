/** WHERE and HAVING: keeps the rows for which the predicate is TRUE (not FALSE, not NULL). */
import type { Evaluate } from '../compiled.js';
import { plainErrors, type RowErrorHandler } from '../row-error.js';
import type { Batch } from '../zset.js';
import { inputAt, StatelessOperator } from './operator.js';

export class FilterOperator extends StatelessOperator {
  /** `rowError` decides about a row whose predicate fails: it throws, or the row is left out. */
  constructor(private readonly predicate: Evaluate, private readonly rowError: RowErrorHandler = plainErrors) {
    super();
  }

  step(inputs: readonly Batch[]): Batch {
    const out: Batch = [];
    for (const change of inputAt(inputs, 0)) {
      let kept: boolean;
      try {
        kept = this.predicate(change.row) === true;
      } catch (error) {
        this.rowError(error, change.row, change.weight);
        continue;
      }
      if (kept) out.push(change);
    }
    return out;
  }
}
