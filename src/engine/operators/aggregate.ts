/**
 * GROUP BY with aggregates. Each group keeps its row count and one accumulator per aggregate; a
 * step updates the groups its rows belong to and emits, for each group whose result changed, the
 * retraction of the old output row and the new one. A group whose rows are all deleted disappears
 * (its row is retracted). Without GROUP BY there is one group that always has a row, as in
 * Feldera: on no input, COUNT is 0, ARRAY_AGG is [] and the other aggregates are NULL.
 */
import type { Evaluate } from '../compiled.js';
import { plainErrors, type RowErrorHandler } from '../row-error.js';
import type { Fields, Value } from '../value.js';
import { keyIdentity, sameRow, type Batch, type KeyId } from '../zset.js';
import type { Aggregator } from './aggregates/aggregator.js';
import { inputAt, type Operator } from './operator.js';

export interface AggregateCallSpec {
  readonly aggregator: Aggregator;
  readonly args: readonly Evaluate[];
  /** FILTER (WHERE ...): only rows for which it is TRUE are aggregated. */
  readonly filter: Evaluate | null;
}

export interface AggregateSpec {
  readonly groupBy: readonly Evaluate[];
  readonly aggregates: readonly AggregateCallSpec[];
  readonly global: boolean;
  /** Decides about an input row on which a group key, an argument or a FILTER fails: throws, or the row is left out. */
  readonly rowError?: RowErrorHandler;
}

interface Group {
  readonly key: readonly Value[];
  rows: number;
  readonly accumulators: unknown[];
}

interface AggregateState {
  groups: Map<KeyId, Group>;
  /** Whether the global aggregate's first row was emitted. */
  started: boolean;
}

export class AggregateOperator implements Operator {
  private state: AggregateState = { groups: new Map(), started: false };

  constructor(private readonly spec: AggregateSpec) {}

  step(inputs: readonly Batch[]): Batch {
    const { spec } = this;
    const { groups } = this.state;
    const before = new Map<Group, Fields | null>();
    if (spec.global && !this.state.started) {
      this.state.started = true;
      // The empty input's row, as if it had been there before the first step.
      before.set(this.group(''), null);
    }
    const { groupBy, aggregates } = spec;
    for (const { row, weight } of inputAt(inputs, 0)) {
      // Every expression of the row first, so that a row that fails changes no group.
      const key = new Array<Value>(groupBy.length);
      const args = new Array<Value[] | null>(aggregates.length);
      try {
        for (let g = 0; g < groupBy.length; g += 1) key[g] = groupBy[g]!(row);
        for (let a = 0; a < aggregates.length; a += 1) args[a] = this.arguments(aggregates[a]!, row);
      } catch (error) {
        (spec.rowError ?? plainErrors)(error, row, weight);
        continue;
      }
      const group = this.group(keyIdentity(key), key);
      if (!before.has(group)) before.set(group, this.output(group));
      group.rows += weight;
      for (let a = 0; a < aggregates.length; a += 1) {
        const values = args[a];
        if (values) aggregates[a]!.aggregator.add(group.accumulators[a], values, weight);
      }
    }
    const out: Batch = [];
    for (const [group, old] of before) {
      const now = this.output(group);
      if (old !== null && now !== null && sameRow(old, now)) continue;
      if (old !== null) out.push({ row: old, weight: -1 });
      if (now !== null) out.push({ row: now, weight: 1 });
      if (group.rows === 0 && !spec.global) groups.delete(keyIdentity(group.key));
    }
    return out;
  }

  /** The call's argument values on `row`, or null when its FILTER leaves the row out. */
  private arguments(call: AggregateCallSpec, row: Fields): Value[] | null {
    if (call.filter !== null && call.filter(row) !== true) return null;
    const values = new Array<Value>(call.args.length);
    for (let i = 0; i < values.length; i += 1) values[i] = call.args[i]!(row);
    return values;
  }

  private group(id: KeyId, key: readonly Value[] = []): Group {
    let group = this.state.groups.get(id);
    if (group === undefined) {
      group = { key, rows: 0, accumulators: this.spec.aggregates.map((call) => call.aggregator.create()) };
      this.state.groups.set(id, group);
    }
    return group;
  }

  /** The group's output row, or null when it has none (a GROUP BY group without rows). */
  private output(group: Group): Fields | null {
    if (group.rows === 0 && !this.spec.global) return null;
    return [...group.key, ...this.spec.aggregates.map((call, i) => call.aggregator.result(group.accumulators[i]))];
  }

  snapshot(): unknown {
    return this.state;
  }

  restore(state: unknown): void {
    this.state = state as AggregateState;
  }
}
