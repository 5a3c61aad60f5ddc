/** WHERE and HAVING: keeps the rows for which the predicate is TRUE (not FALSE, not NULL). */
import type { Evaluate } from '../compiled.js';
import { plainErrors, type RowErrorHandler } from '../row-error.js';
import type { Batch } from '../zset.js';
import { inputAt, StatelessOperator } from './operator.js';

export class FilterOperator extends StatelessOperator {
  constructor(private readonly predicate: Evaluate, private readonly rowError: RowErrorHandler = plainErrors) {
    super();
  }

  step(inputs: readonly Batch[]): Batch {
    const batch = inputAt(inputs, 0);
    const out: Batch = [];
    let i = 0;
    try {
      for (; i < batch.length; i += 1) if (this.predicate(batch[i]!.row) === true) out.push(batch[i]!);
    } catch (error) {
      throw this.rowError(error, batch[i]!.row);
    }
    return out;
  }
}
