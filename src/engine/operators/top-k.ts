/**
 * ORDER BY ... LIMIT (and ROW_NUMBER() ... <= k): the first rows of each partition in sort order.
 * Each partition keeps its rows sorted (ties broken by the whole row, so the choice is stable and
 * does not depend on arrival order); a step re-reads only the first offset + limit rows of the
 * partitions it changed and emits the difference from what was emitted for them before.
 */
import type { Comparator } from '../compare.js';
import type { Evaluate } from '../compiled.js';
import { plainErrors, type RowErrorHandler } from '../row-error.js';
import type { Fields, Value } from '../value.js';
import { consolidateBatch, valuesIdentity, type Batch } from '../zset.js';
import { inputAt, type Operator } from './operator.js';

export interface SortKeySpec {
  readonly evaluate: Evaluate;
  readonly compare: Comparator;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export interface TopKSpec {
  readonly partitionBy: readonly Evaluate[];
  readonly orderBy: readonly SortKeySpec[];
  readonly limit: number;
  readonly offset: number;
  /** Append each row's 1-based number within its partition (ROW_NUMBER()). */
  readonly rankColumn: boolean;
  /** Decides about an input row on which a PARTITION BY or ORDER BY key fails: throws, or the row is left out. */
  readonly rowError?: RowErrorHandler;
}

interface Ranked {
  readonly row: Fields;
  readonly id: string;
  readonly sortKey: readonly Value[];
  weight: number;
}

interface Partition {
  /** Sorted by sort key, then by id. */
  readonly rows: Ranked[];
  emitted: Fields[];
}

export class TopKOperator implements Operator {
  private partitions = new Map<string, Partition>();

  constructor(private readonly spec: TopKSpec) {}

  step(inputs: readonly Batch[]): Batch {
    const touched = new Set<Partition>();
    const emptied: string[] = [];
    for (const { row, weight } of inputAt(inputs, 0)) {
      // The row's keys first, so that a row that fails changes no partition.
      let partitionId: string;
      let sortKey: Value[];
      try {
        partitionId = valuesIdentity(this.spec.partitionBy.map((evaluate) => evaluate(row)));
        sortKey = this.spec.orderBy.map((key) => key.evaluate(row));
      } catch (error) {
        (this.spec.rowError ?? plainErrors)(error, row, weight);
        continue;
      }
      let partition = this.partitions.get(partitionId);
      if (partition === undefined) {
        partition = { rows: [], emitted: [] };
        this.partitions.set(partitionId, partition);
      }
      touched.add(partition);
      this.add(partition, { row, id: valuesIdentity(row), sortKey, weight });
      if (partition.rows.length === 0) emptied.push(partitionId);
    }
    const out: Batch = [];
    for (const partition of touched) {
      const top = this.top(partition);
      for (const row of partition.emitted) out.push({ row, weight: -1 });
      for (const row of top) out.push({ row, weight: 1 });
      partition.emitted = top;
    }
    for (const id of emptied) if (this.partitions.get(id)?.rows.length === 0) this.partitions.delete(id);
    return consolidateBatch(out);
  }

  private add(partition: Partition, ranked: Ranked): void {
    const { weight } = ranked;
    const { rows } = partition;
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(rows[middle]!, ranked) < 0) low = middle + 1;
      else high = middle;
    }
    const found = rows[low];
    if (found !== undefined && found.id === ranked.id) {
      found.weight += weight;
      if (found.weight === 0) rows.splice(low, 1);
    } else {
      rows.splice(low, 0, ranked);
    }
  }

  private compare(a: Ranked, b: Ranked): number {
    const keys = this.spec.orderBy;
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i]!;
      const x = a.sortKey[i]!;
      const y = b.sortKey[i]!;
      let order: number;
      if (x === null || y === null) {
        order = x === y ? 0 : (x === null) === key.nullsFirst ? -1 : 1;
      } else {
        order = key.descending ? -key.compare(x, y) : key.compare(x, y);
      }
      if (order !== 0) return order;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  /** The partition's output rows: copies offset .. offset + limit - 1 in order, numbered when asked. */
  private top(partition: Partition): Fields[] {
    const { limit, offset, rankColumn } = this.spec;
    const out: Fields[] = [];
    let position = 0;
    for (const ranked of partition.rows) {
      for (let copy = 0; copy < ranked.weight; copy += 1) {
        if (position >= offset) out.push(rankColumn ? [...ranked.row, BigInt(position + 1)] : ranked.row);
        position += 1;
        if (position >= offset + limit) return out;
      }
    }
    return out;
  }

  snapshot(): unknown {
    return this.partitions;
  }

  restore(state: unknown): void {
    this.partitions = state as Map<string, Partition>;
  }
}
