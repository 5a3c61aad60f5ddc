/**
 * An integrated Z-set indexed by a key: for each key, the rows with that key and their summed
 * weights. Joins keep one per side (keyed by the join key); a row whose weight sums to zero is
 * gone. Entries are mutable records so that operators can keep their own per-row bookkeeping in
 * them (a join's match count).
 *
 * Memory matters here (a join keeps both of its inputs), so a key with one row holds just its
 * entry, a key with a few rows a plain array (found by comparing rows), and only a large key a Map
 * by row identity.
 */
import type { Fields } from '../value.js';
import { sameRow, valuesIdentity, type KeyId } from '../zset.js';

export interface TraceEntry {
  readonly row: Fields;
  weight: number;
}

type Bucket<E> = E | E[] | Map<string, E>;

/** Above this many rows a key's rows are kept in a Map. */
const SMALL_BUCKET = 16;

export class Trace<E extends TraceEntry = TraceEntry> {
  private buckets = new Map<KeyId, Bucket<E>>();

  /** The rows with `key`. */
  *rows(key: KeyId): IterableIterator<E> {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return;
    if (Array.isArray(bucket)) yield* bucket;
    else if (bucket instanceof Map) yield* bucket.values();
    else yield bucket;
  }

  entry(key: KeyId, row: Fields): E | undefined {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return undefined;
    if (Array.isArray(bucket)) return bucket.find((e) => sameRow(e.row, row));
    if (bucket instanceof Map) return bucket.get(valuesIdentity(row));
    return sameRow(bucket.row, row) ? bucket : undefined;
  }

  /** Adds `entry`, a row the trace does not hold yet. */
  insert(key: KeyId, entry: E): void {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.buckets.set(key, entry);
    } else if (bucket instanceof Map) {
      bucket.set(valuesIdentity(entry.row), entry);
    } else if (!Array.isArray(bucket)) {
      this.buckets.set(key, [bucket, entry]);
    } else if (bucket.length < SMALL_BUCKET) {
      bucket.push(entry);
    } else {
      const large = new Map(bucket.map((e) => [valuesIdentity(e.row), e]));
      large.set(valuesIdentity(entry.row), entry);
      this.buckets.set(key, large);
    }
  }

  /** Drops the entry when its weight is zero. */
  prune(key: KeyId, entry: E): void {
    if (entry.weight !== 0) return;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return;
    if (Array.isArray(bucket)) {
      const i = bucket.indexOf(entry);
      if (i >= 0) bucket.splice(i, 1);
      if (bucket.length === 0) this.buckets.delete(key);
    } else if (bucket instanceof Map) {
      bucket.delete(valuesIdentity(entry.row));
      if (bucket.size === 0) this.buckets.delete(key);
    } else if (bucket === entry) {
      this.buckets.delete(key);
    }
  }

  /** The state as structured-clonable data, valid until the next change (the circuit serializes it at once). */
  snapshot(): unknown {
    return this.buckets;
  }

  restore(state: unknown): void {
    if (!(state instanceof Map)) throw new TypeError('a trace snapshot is a Map');
    this.buckets = state as Map<KeyId, Bucket<E>>;
  }
}
