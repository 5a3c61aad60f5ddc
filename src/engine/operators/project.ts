/**
 * SELECT's expressions: one output row per input row. Equal outputs of different inputs are
 * merged later, by the operators that need consolidated input.
 */
import type { Evaluate } from '../compiled.js';
import { plainErrors, type RowErrorHandler } from '../row-error.js';
import type { Value } from '../value.js';
import type { Batch } from '../zset.js';
import { inputAt, StatelessOperator } from './operator.js';

export class ProjectOperator extends StatelessOperator {
  constructor(private readonly expressions: readonly Evaluate[], private readonly rowError: RowErrorHandler = plainErrors) {
    super();
  }

  step(inputs: readonly Batch[]): Batch {
    const { expressions } = this;
    const batch = inputAt(inputs, 0);
    const out: Batch = [];
    let r = 0;
    try {
      for (; r < batch.length; r += 1) {
        const { row, weight } = batch[r]!;
        const projected = new Array<Value>(expressions.length);
        for (let i = 0; i < expressions.length; i += 1) projected[i] = expressions[i]!(row);
        out.push({ row: projected, weight });
      }
    } catch (error) {
      throw this.rowError(error, batch[r]!.row);
    }
    return out;
  }
}
