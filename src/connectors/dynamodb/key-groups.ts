/**
 * A step's updates grouped by key, each key in the order of its first update. Keys are found by
 * their hash in an open-addressing table of typed arrays, and two updates are compared by their
 * key identities only when their hashes are equal. Grouping a large step thus keeps no string,
 * array or map entry per key alive while the step is written: the young generation, which would
 * otherwise copy every key of the step at each collection, stays cheap to collect.
 */
import type { Row, Update } from '../../schema.js';

export interface KeyHashing {
  /**
   * A 32-bit hash of the row's key, equal for equal keys and spread over all its bits (its low bits
   * pick a slot); throws for a row whose key is not valid.
   */
  hashOf(row: Row): number;
  /** Whether two rows whose keys are valid and hash alike have the same key. */
  sameKey(a: Row, b: Row): boolean;
}

const NO_UPDATE = -1;
const MIN_TABLE_SLOTS = 16;

export class KeyGroups {
  private constructor(
    private readonly updates: readonly Update[],
    /** The first update of each key, in order. */
    private readonly heads: Int32Array,
    readonly size: number,
    /** Per update, the next update of its key, or NO_UPDATE. */
    private readonly next: Int32Array,
  ) {}

  /**
   * Groups the updates of non-zero weight. An update whose key is not valid is left out and handed
   * to `invalid` with the error its key raised.
   */
  static of(updates: readonly Update[], hashing: KeyHashing, invalid: (update: Update, error: unknown) => void): KeyGroups {
    const count = updates.length;
    let slots = MIN_TABLE_SLOTS;
    while (slots < count * 2) slots *= 2;
    const mask = slots - 1;
    const table = new Int32Array(slots).fill(NO_UPDATE);
    const hashes = new Int32Array(count);
    const next = new Int32Array(count).fill(NO_UPDATE);
    const last = new Int32Array(count);
    const heads = new Int32Array(count);
    let size = 0;
    for (let i = 0; i < count; i += 1) {
      const update = updates[i]!;
      if (update.weight === 0) continue;
      let hash: number;
      try {
        hash = hashing.hashOf(update.row) | 0;
      } catch (error) {
        invalid(update, error);
        continue;
      }
      hashes[i] = hash;
      for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
        const first = table[slot]!;
        if (first === NO_UPDATE) {
          table[slot] = i;
          last[i] = i;
          heads[size] = i;
          size += 1;
          break;
        }
        if (hashes[first] === hash && hashing.sameKey(updates[first]!.row, update.row)) {
          next[last[first]!] = i;
          last[first] = i;
          break;
        }
      }
    }
    return new KeyGroups(updates, heads, size, next);
  }

  /** The updates of the `group`-th key: its only update, or all of them in step order. */
  at(group: number): Update | Update[] {
    let i = this.heads[group]!;
    const only = this.updates[i]!;
    if (this.next[i] === NO_UPDATE) return only;
    const all = [only];
    for (i = this.next[i]!; i !== NO_UPDATE; i = this.next[i]!) all.push(this.updates[i]!);
    return all;
  }
}
