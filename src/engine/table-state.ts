/**
 * A table's reaction to input changes. With a primary key, an insert of an existing key replaces
 * the row (the change is a delete of the old row and an insert of the new one) and a delete of a
 * missing key is ignored; the table keeps its rows by key to know. Without a primary key the
 * table is a plain Z-set and its changes pass through.
 */
import type { Fields } from './value.js';
import { consolidateBatch, keyIdentity, sameRow, type Batch, type KeyId } from './zset.js';

export class TableState {
  private rowsByKey = new Map<KeyId, Fields>();

  /** `primaryKey`: the positions of the key columns; empty without a primary key. */
  constructor(private readonly primaryKey: readonly number[]) {}

  /** Applies one step's input changes, in order, and returns the table's delta for the step. */
  apply(changes: Batch): Batch {
    if (this.primaryKey.length === 0) return consolidateBatch(changes);
    // The first old row and the last new row of each key touched in this step.
    const before = new Map<KeyId, Fields | undefined>();
    for (const { row, weight } of changes) {
      const key = this.keyOf(row);
      if (!before.has(key)) before.set(key, this.rowsByKey.get(key));
      if (weight > 0) this.rowsByKey.set(key, row);
      else if (weight < 0) this.rowsByKey.delete(key);
    }
    const delta: Batch = [];
    for (const [key, old] of before) {
      const now = this.rowsByKey.get(key);
      if (old && now && sameRow(old, now)) continue;
      if (old) delta.push({ row: old, weight: -1 });
      if (now) delta.push({ row: now, weight: 1 });
    }
    return delta;
  }

  private keyOf(row: Fields): KeyId {
    const key = this.primaryKey;
    return key.length === 1 ? keyIdentity([row[key[0]!]]) : keyIdentity(key.map((i) => row[i]));
  }

  snapshot(): unknown {
    return this.rowsByKey;
  }

  restore(state: unknown): void {
    this.rowsByKey = state as Map<KeyId, Fields>;
  }
}
