/**
 * Heavy hitters of a stream of keys in bounded memory: the Space-Saving sketch (Metwally, Agrawal
 * and El Abbadi, 2005) with a fixed number of counters, and a sliding window made of two of them.
 *
 * Space-Saving keeps `capacity` counters. A key that has one increments it; a new key takes over
 * the smallest counter, inheriting its count as its possible overestimate (`error`). Every key
 * seen more than total / capacity times is guaranteed to hold a counter, and its count is exact
 * within `error`. Counters are kept in an array sorted by count, with the last slot of each run of
 * equal counts indexed by count, so an update is a map lookup and at most one swap: O(1), with no
 * allocation once the key has a counter.
 */

export interface HeavyHitter {
  readonly key: string;
  /** Estimated occurrences; never fewer than the true count. */
  readonly count: number;
  /** How much of `count` may be overestimate: the key occurred at least `count - error` times. */
  readonly error: number;
}

export class SpaceSaving {
  /** Occurrences added since the last clear, every key included. */
  total = 0;
  /** Keys by slot; undefined for a counter not taken yet. Sorted by `counts`, ascending. */
  private readonly keys: Array<string | undefined>;
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private readonly slotOf = new Map<string, number>();
  /** For each count held by some slot, the highest slot holding it. */
  private readonly runEnd = new Map<number, number>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.counts = new Float64Array(capacity);
    this.errors = new Float64Array(capacity);
    this.runEnd.set(0, capacity - 1);
  }

  add(key: string): void {
    this.total += 1;
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      // Slot 0 holds the smallest count: its key, if any, is the one evicted.
      slot = 0;
      const evicted = this.keys[0];
      if (evicted !== undefined) this.slotOf.delete(evicted);
      this.keys[0] = key;
      this.errors[0] = this.counts[0]!;
      this.slotOf.set(key, 0);
    }
    this.increment(slot);
  }

  /** The `n` keys with the highest counts, highest first. */
  top(n: number): HeavyHitter[] {
    const out: HeavyHitter[] = [];
    for (let slot = this.capacity - 1; slot >= 0 && out.length < n; slot -= 1) {
      const key = this.keys[slot];
      if (key !== undefined) out.push({ key, count: this.counts[slot]!, error: this.errors[slot]! });
    }
    return out;
  }

  /** Keys holding a counter. */
  get size(): number {
    return this.slotOf.size;
  }

  clear(): void {
    this.total = 0;
    this.keys.fill(undefined);
    this.counts.fill(0);
    this.errors.fill(0);
    this.slotOf.clear();
    this.runEnd.clear();
    this.runEnd.set(0, this.capacity - 1);
  }

  /** Moves the slot to the end of its run of equal counts, then counts one more there: the order holds. */
  private increment(slot: number): void {
    const { keys, counts, errors } = this;
    const count = counts[slot]!;
    const last = this.runEnd.get(count)!;
    if (last !== slot) {
      const moved = keys[last];
      keys[last] = keys[slot];
      keys[slot] = moved;
      const error = errors[last]!;
      errors[last] = errors[slot]!;
      errors[slot] = error;
      this.slotOf.set(keys[last]!, last);
      if (moved !== undefined) this.slotOf.set(moved, slot);
    }
    if (last > 0 && counts[last - 1] === count) this.runEnd.set(count, last - 1);
    else this.runEnd.delete(count);
    counts[last] = count + 1;
    // When the slot after it already counts count + 1, that run's end stands.
    if (last + 1 >= this.capacity || counts[last + 1] !== count + 1) this.runEnd.set(count + 1, last);
  }
}

/** What a window of a stream held: the heaviest keys with their counts, and how much it held in all. */
export interface WindowTop {
  readonly hitters: readonly HeavyHitter[];
  readonly total: number;
  /** How far back the window reaches, in milliseconds. */
  readonly spanMs: number;
}

/**
 * Heavy hitters of the last one to two windows of `windowMs`: two sketches that take turns, the
 * current one counting and the previous one kept until the current one's window is over. Reading
 * sums both, so what is reported always covers at least one full window (once one has passed).
 */
export class WindowedSpaceSaving {
  private current: SpaceSaving;
  private previous: SpaceSaving;
  private currentStartMs: number;
  private previousStartMs: number;

  constructor(capacity: number, readonly windowMs: number, nowMs: number) {
    this.current = new SpaceSaving(capacity);
    this.previous = new SpaceSaving(capacity);
    this.currentStartMs = nowMs;
    this.previousStartMs = nowMs;
  }

  add(key: string): void {
    this.current.add(key);
  }

  /** Starts a new window when the current one is over; call it often (per request, not per item). */
  advance(nowMs: number): void {
    const elapsed = nowMs - this.currentStartMs;
    if (elapsed < this.windowMs) return;
    const recycled = this.previous;
    recycled.clear();
    if (elapsed >= 2 * this.windowMs) {
      // Idle for more than a whole window: what the current sketch holds is too old as well.
      this.current.clear();
      this.previousStartMs = nowMs - this.windowMs;
    } else {
      this.previousStartMs = this.currentStartMs;
    }
    this.previous = this.current;
    this.current = recycled;
    this.currentStartMs = this.previousStartMs + this.windowMs;
  }

  /**
   * The `n` heaviest keys of the window ending at `nowMs`, ranked by the occurrences they certainly
   * had (count - error): with many keys of similar weight, every counter's count is mostly the
   * overestimate inherited from the keys it replaced, which would rank arbitrary keys first.
   */
  top(n: number, nowMs: number): WindowTop {
    this.advance(nowMs);
    const merged = new Map<string, { count: number; error: number }>();
    for (const sketch of [this.previous, this.current]) {
      for (const hitter of sketch.top(sketch.capacity)) {
        const seen = merged.get(hitter.key);
        if (seen) {
          seen.count += hitter.count;
          seen.error += hitter.error;
        } else {
          merged.set(hitter.key, { count: hitter.count, error: hitter.error });
        }
      }
    }
    const hitters = [...merged].map(([key, c]) => ({ key, ...c }))
      .sort((a, b) => (b.count - b.error) - (a.count - a.error) || b.count - a.count || (a.key < b.key ? -1 : 1))
      .slice(0, n);
    return { hitters, total: this.previous.total + this.current.total, spanMs: nowMs - this.previousStartMs };
  }
}
