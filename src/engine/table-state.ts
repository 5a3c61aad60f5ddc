/**
 * A table's reaction to input changes. With a primary key, an insert of an existing key replaces
 * the row (the change is a delete of the old row and an insert of the new one), a delete of a
 * missing key is ignored, and a partial update replaces some columns of the row with its key; the
 * table keeps its rows by key to know. Without a primary key the table is a plain Z-set and its
 * changes pass through.
 */
import { DynaviewError } from '../errors.js';
import type { Fields, Value } from './value.js';
import { consolidateBatch, keyIdentity, sameRow, type Batch, type Change, type KeyId } from './zset.js';

/**
 * A partial update (Feldera's `{"update": {...}}`): `row` holds the key columns and the new
 * values; `sets[i]` says whether it sets column i (the key columns always count as set).
 */
export interface PartialUpdate {
  readonly update: Fields;
  readonly sets: readonly boolean[];
}

/** One input change of a table: a row with its weight, or a partial update. */
export type TableChange = Change | PartialUpdate;

/** A change set element that a table cannot take. */
const INVALID_CHANGE = 'INVALID_CHANGE';

export class TableState {
  private rowsByKey = new Map<KeyId, Fields>();

  /**
   * `primaryKey`: the positions of the key columns; empty without a primary key. `table` names
   * the table in errors.
   */
  constructor(private readonly primaryKey: readonly number[], private readonly table = '') {}

  /** Applies one step's input changes, in order, and returns the table's delta for the step. */
  apply(changes: readonly TableChange[]): Batch {
    if (this.primaryKey.length === 0) return consolidateBatch(changes.map((change) => this.plainChange(change)));
    // The first old row and the last new row of each key touched in this step.
    const before = new Map<KeyId, Fields | undefined>();
    for (const change of changes) {
      const row = 'update' in change ? change.update : change.row;
      const key = this.keyOf(row);
      if (!before.has(key)) before.set(key, this.rowsByKey.get(key));
      if ('update' in change) this.patch(key, change);
      else if (change.weight > 0) this.rowsByKey.set(key, change.row);
      else if (change.weight < 0) this.rowsByKey.delete(key);
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

  /** Feldera ignores an update of a key the table does not hold (DBSP's `input_upsert`). */
  private patch(key: KeyId, { update, sets }: PartialUpdate): void {
    const current = this.rowsByKey.get(key);
    if (current === undefined) return;
    const next: Value[] = [...current];
    sets.forEach((set, i) => {
      if (set) next[i] = update[i] ?? null;
    });
    this.rowsByKey.set(key, next);
  }

  private plainChange(change: TableChange): Change {
    if (!('update' in change)) return change;
    throw new DynaviewError(INVALID_CHANGE, `table ${this.table}: a partial update needs a table with a primary key, and this one has none`,
      { context: { table: this.table } });
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
