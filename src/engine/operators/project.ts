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
  /** `rowError` decides about a row on which an expression fails: it throws, or the row is left out. */
  constructor(private readonly expressions: readonly Evaluate[], private readonly rowError: RowErrorHandler = plainErrors) {
    super();
  }

  step(inputs: readonly Batch[]): Batch {
    const { expressions } = this;
    const out: Batch = [];
    for (const { row, weight } of inputAt(inputs, 0)) {
      const projected = new Array<Value>(expressions.length);
      try {
        for (let i = 0; i < expressions.length; i += 1) projected[i] = expressions[i]!(row);
      } catch (error) {
        this.rowError(error, row, weight);
        continue;
      }
      out.push({ row: projected, weight });
    }
    return out;
  }
}
