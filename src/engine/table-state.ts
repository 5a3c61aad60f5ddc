/**
 * A table's reaction to input changes. With a primary key, an insert of an existing key replaces
 * the row (the change is a delete of the old row and an insert of the new one) and a delete of a
 * missing key is ignored; the table keeps its rows by key to know. Without a primary key the
 * table is a plain Z-set and its changes pass through.
 */
import type { Row, Update } from '../schema.js';
import { consolidate, rowIdentity, type ZSet } from './zset.js';

export class TableState {
  private readonly rowsByKey = new Map<string, Row>();

  constructor(private readonly columns: readonly string[], private readonly primaryKey: readonly string[]) {}

  /** Applies one step's input changes, in order, and returns the table's delta for the step. */
  apply(changes: readonly Update[]): ZSet {
    if (this.primaryKey.length === 0) return consolidate([...changes], this.columns);
    // The first old row and the last new row of each key touched in this step.
    const before = new Map<string, Row | undefined>();
    for (const { row, weight } of changes) {
      const key = rowIdentity(row, this.primaryKey);
      if (!before.has(key)) before.set(key, this.rowsByKey.get(key));
      if (weight > 0) this.rowsByKey.set(key, row);
      else if (weight < 0) this.rowsByKey.delete(key);
    }
    const delta: ZSet = [];
    for (const [key, old] of before) {
      const now = this.rowsByKey.get(key);
      if (old && now && rowIdentity(old, this.columns) === rowIdentity(now, this.columns)) continue;
      if (old) delta.push({ row: old, weight: -1 });
      if (now) delta.push({ row: now, weight: 1 });
    }
    return delta;
  }

  get size(): number {
    return this.rowsByKey.size;
  }

  /**
   * The rows held by key (none without a primary key). Rows are never mutated, so the array is a
   * snapshot that later steps leave untouched.
   */
  rows(): Row[] {
    return [...this.rowsByKey.values()];
  }

  /** Replaces the table's contents with rows saved by `rows()`. */
  load(rows: readonly Row[]): void {
    this.rowsByKey.clear();
    for (const row of rows) this.rowsByKey.set(rowIdentity(row, this.primaryKey), row);
  }
}
