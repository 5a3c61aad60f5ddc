/**
 * SELECT's expressions: one output row per input row. Equal outputs of different inputs are
 * merged later, by the operators that need consolidated input.
 */
import type { Evaluate } from '../compiled.js';
import type { Value } from '../value.js';
import type { Batch } from '../zset.js';
import { inputAt, StatelessOperator } from './operator.js';

export class ProjectOperator extends StatelessOperator {
  constructor(private readonly expressions: readonly Evaluate[]) {
    super();
  }

  step(inputs: readonly Batch[]): Batch {
    const { expressions } = this;
    const out: Batch = [];
    for (const { row, weight } of inputAt(inputs, 0)) {
      const projected = new Array<Value>(expressions.length);
      for (let i = 0; i < expressions.length; i += 1) projected[i] = expressions[i]!(row);
      out.push({ row: projected, weight });
    }
    return out;
  }
}
