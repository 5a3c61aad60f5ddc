/**
 * The shared core of DISTINCT and the set operations: the integrated weight of every row on each
 * input, and an output weight computed from them. A step emits, for each row it changed, the
 * difference between the output weight after and before.
 */
import { valuesIdentity, type Batch } from '../zset.js';
import type { Fields } from '../value.js';
import type { Operator } from './operator.js';

/** The output weight of a row from its integrated weight on each input. */
export type WeightRule = (weights: readonly number[]) => number;

interface RowWeights {
  readonly row: Fields;
  readonly weights: number[];
}

export class RowWeightsOperator implements Operator {
  private rows = new Map<string, RowWeights>();

  constructor(private readonly inputCount: number, private readonly rule: WeightRule) {}

  step(inputs: readonly Batch[]): Batch {
    const before = new Map<RowWeights, number>();
    inputs.forEach((batch, input) => {
      for (const { row, weight } of batch) {
        const id = valuesIdentity(row);
        let entry = this.rows.get(id);
        if (entry === undefined) {
          entry = { row, weights: new Array<number>(this.inputCount).fill(0) };
          this.rows.set(id, entry);
        }
        if (!before.has(entry)) before.set(entry, this.rule(entry.weights));
        entry.weights[input]! += weight;
      }
    });
    const out: Batch = [];
    for (const [entry, old] of before) {
      const now = this.rule(entry.weights);
      if (now !== old) out.push({ row: entry.row, weight: now - old });
      if (entry.weights.every((w) => w === 0)) this.rows.delete(valuesIdentity(entry.row));
    }
    return out;
  }

  snapshot(): unknown {
    return this.rows;
  }

  restore(state: unknown): void {
    this.rows = state as Map<string, RowWeights>;
  }
}
