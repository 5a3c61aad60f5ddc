/**
 * Heavy hitters of a stream of keys in bounded memory: the Space-Saving sketch (Metwally, Agrawal
 * and El Abbadi, 2005) with a fixed number of counters, and a sliding window made of two of them.
 *
 * Space-Saving keeps `capacity` counters. A key that has one increments it; a new key takes over
 * the smallest counter, inheriting its count as its possible overestimate (`error`). Every key
 * seen more than total / capacity times is guaranteed to hold a counter, and its count is exact
 * within `error`. Counters live in the "stream summary" of the paper: buckets of equal count in a
 * list sorted by count, each holding a list of its counters, all in typed arrays. An update is one
 * map lookup and a few index moves: O(1), with no allocation once the key has a counter.
 */
import { fnv1a, spreadHash } from './hash.js';

export interface HeavyHitter {
  readonly key: string;
  /** Estimated occurrences; never fewer than the true count. */
  readonly count: number;
  /** How much of `count` may be overestimate: the key occurred at least `count - error` times. */
  readonly error: number;
}

const NONE = -1;

export class SpaceSaving {
  /** Occurrences added since the last clear, every key included. */
  total = 0;
  /** Keys by counter; undefined for a counter not taken yet. */
  private readonly keys: Array<string | undefined>;
  private readonly errors: Float64Array;
  private readonly counterOf = new Map<string, number>();
  /** Per counter: its bucket, and its neighbours in the bucket's list. */
  private readonly bucketOf: Int32Array;
  private readonly nextCounter: Int32Array;
  private readonly prevCounter: Int32Array;
  /** Per bucket: its count, first counter, and neighbours in the list of buckets by ascending count. */
  private readonly bucketCount: Float64Array;
  private readonly firstCounter: Int32Array;
  private readonly nextBucket: Int32Array;
  private readonly prevBucket: Int32Array;
  /** Buckets not in use, as a stack. */
  private readonly freeBuckets: Int32Array;
  private freeTop = 0;
  private lowest = NONE;
  private highest = NONE;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.errors = new Float64Array(capacity);
    this.bucketOf = new Int32Array(capacity);
    this.nextCounter = new Int32Array(capacity);
    this.prevCounter = new Int32Array(capacity);
    // A bucket per distinct count, and one more while a counter moves up: at most capacity + 1.
    this.bucketCount = new Float64Array(capacity + 1);
    this.firstCounter = new Int32Array(capacity + 1);
    this.nextBucket = new Int32Array(capacity + 1);
    this.prevBucket = new Int32Array(capacity + 1);
    this.freeBuckets = new Int32Array(capacity + 1);
    this.reset();
  }

  /** Adds `times` occurrences of `key`. */
  add(key: string, times = 1): void {
    this.total += times;
    let counter = this.counterOf.get(key);
    if (counter === undefined) {
      // Any counter of the lowest bucket holds the smallest count: its key, if any, is evicted.
      counter = this.firstCounter[this.lowest]!;
      const evicted = this.keys[counter];
      if (evicted !== undefined) this.counterOf.delete(evicted);
      this.keys[counter] = key;
      this.errors[counter] = this.bucketCount[this.lowest]!;
      this.counterOf.set(key, counter);
    }
    for (let i = 0; i < times; i += 1) this.increment(counter);
  }

  /** Adds an occurrence of `key` if it holds a counter, and says whether it did. */
  addIfCounted(key: string): boolean {
    const counter = this.counterOf.get(key);
    if (counter === undefined) return false;
    this.total += 1;
    this.increment(counter);
    return true;
  }

  /** Whether every counter is taken, so that a new key would evict one. */
  get full(): boolean {
    return this.counterOf.size === this.capacity;
  }

  /** The `n` keys with the highest counts, highest first. */
  top(n: number): HeavyHitter[] {
    const out: HeavyHitter[] = [];
    for (let bucket = this.highest; bucket !== NONE && out.length < n; bucket = this.prevBucket[bucket]!) {
      for (let counter = this.firstCounter[bucket]!; counter !== NONE && out.length < n; counter = this.nextCounter[counter]!) {
        const key = this.keys[counter];
        if (key !== undefined) out.push({ key, count: this.bucketCount[bucket]!, error: this.errors[counter]! });
      }
    }
    return out;
  }

  /** Keys holding a counter. */
  get size(): number {
    return this.counterOf.size;
  }

  clear(): void {
    this.total = 0;
    this.keys.fill(undefined);
    this.errors.fill(0);
    this.counterOf.clear();
    this.reset();
  }

  /** Every counter in one bucket of count 0, every other bucket free. */
  private reset(): void {
    const { capacity } = this;
    for (let i = 0; i < capacity; i += 1) {
      this.bucketOf[i] = 0;
      this.nextCounter[i] = i + 1 < capacity ? i + 1 : NONE;
      this.prevCounter[i] = i - 1;
    }
    this.bucketCount[0] = 0;
    this.firstCounter[0] = 0;
    this.nextBucket[0] = NONE;
    this.prevBucket[0] = NONE;
    this.lowest = 0;
    this.highest = 0;
    this.freeTop = 0;
    for (let b = capacity; b >= 1; b -= 1) this.freeBuckets[this.freeTop++] = b;
  }

  /** Moves the counter from its bucket to the bucket of the next count, which it creates if needed. */
  private increment(counter: number): void {
    const bucket = this.bucketOf[counter]!;
    const count = this.bucketCount[bucket]! + 1;
    this.detach(counter, bucket);
    const next = this.nextBucket[bucket]!;
    let target: number;
    if (next !== NONE && this.bucketCount[next] === count) {
      target = next;
      if (this.firstCounter[bucket] === NONE) this.unlinkBucket(bucket);
    } else if (this.firstCounter[bucket] === NONE) {
      // The counter was alone: its bucket takes the new count and keeps its place in the order.
      target = bucket;
      this.bucketCount[bucket] = count;
    } else {
      target = this.freeBuckets[--this.freeTop]!;
      this.bucketCount[target] = count;
      this.firstCounter[target] = NONE;
      this.prevBucket[target] = bucket;
      this.nextBucket[target] = next;
      this.nextBucket[bucket] = target;
      if (next === NONE) this.highest = target;
      else this.prevBucket[next] = target;
    }
    this.attach(counter, target);
  }

  private detach(counter: number, bucket: number): void {
    const prev = this.prevCounter[counter]!;
    const next = this.nextCounter[counter]!;
    if (prev === NONE) this.firstCounter[bucket] = next;
    else this.nextCounter[prev] = next;
    if (next !== NONE) this.prevCounter[next] = prev;
  }

  private attach(counter: number, bucket: number): void {
    const first = this.firstCounter[bucket]!;
    this.prevCounter[counter] = NONE;
    this.nextCounter[counter] = first;
    if (first !== NONE) this.prevCounter[first] = counter;
    this.firstCounter[bucket] = counter;
    this.bucketOf[counter] = bucket;
  }

  private unlinkBucket(bucket: number): void {
    const prev = this.prevBucket[bucket]!;
    const next = this.nextBucket[bucket]!;
    if (prev === NONE) this.lowest = next;
    else this.nextBucket[prev] = next;
    if (next === NONE) this.highest = prev;
    else this.prevBucket[next] = prev;
    this.freeBuckets[this.freeTop++] = bucket;
  }
}

/** What a window of a stream held: the heaviest keys with their counts, and how much it held in all. */
export interface WindowTop {
  readonly hitters: readonly HeavyHitter[];
  readonly total: number;
  /** How far back the window reaches, in milliseconds. */
  readonly spanMs: number;
}

const DOORKEEPER_SLOTS = 4096;

/**
 * TinyLFU's doorkeeper (Einziger, Friedman and Manes, 2017) in front of a full sketch: the first
 * occurrence of a key without a counter only leaves the key's 32-bit hash in a small table, and the
 * key takes a counter at its next occurrence, with both counted. In a stream of mostly distinct keys
 * (the uniformly spread keys a well-designed table gets) this spares an eviction per key, which
 * costs about ten times the hash. A held occurrence is forgotten when another key takes its slot or
 * the window ends, so a key's count may miss some of its occurrences; what it counts is certain up
 * to a collision of 32-bit hashes.
 */
class Doorkeeper {
  private readonly held = new Int32Array(DOORKEEPER_SLOTS);

  /** True when an occurrence of `key` is held (and now let go); otherwise this one is held. */
  admit(key: string): boolean {
    // 0 marks an empty slot, so no hash may be 0.
    const hash = spreadHash(fnv1a(key)) | 1;
    const slot = hash & (DOORKEEPER_SLOTS - 1);
    if (this.held[slot] === hash) {
      this.held[slot] = 0;
      return true;
    }
    this.held[slot] = hash;
    return false;
  }

  clear(): void {
    this.held.fill(0);
  }
}

/**
 * Heavy hitters of the last one to two windows of `windowMs`: two sketches that take turns, the
 * current one counting and the previous one kept until the current one's window is over. Reading
 * sums both, so what is reported always covers at least one full window (once one has passed).
 * While the current sketch has free counters every key is counted; once it is full, a doorkeeper
 * lets a new key in at its second occurrence.
 */
export class WindowedSpaceSaving {
  private current: SpaceSaving;
  private previous: SpaceSaving;
  private currentStartMs: number;
  private previousStartMs: number;
  /** Occurrences per window, those the doorkeeper holds included. */
  private currentTotal = 0;
  private previousTotal = 0;
  private readonly doorkeeper = new Doorkeeper();

  constructor(capacity: number, readonly windowMs: number, nowMs: number) {
    this.current = new SpaceSaving(capacity);
    this.previous = new SpaceSaving(capacity);
    this.currentStartMs = nowMs;
    this.previousStartMs = nowMs;
  }

  add(key: string): void {
    this.currentTotal += 1;
    const sketch = this.current;
    if (sketch.addIfCounted(key)) return;
    if (!sketch.full) sketch.add(key);
    else if (this.doorkeeper.admit(key)) sketch.add(key, 2);
  }

  /** Starts a new window when the current one is over; call it often (per request, not per item). */
  advance(nowMs: number): void {
    const elapsed = nowMs - this.currentStartMs;
    if (elapsed < this.windowMs) return;
    const recycled = this.previous;
    recycled.clear();
    this.doorkeeper.clear();
    if (elapsed >= 2 * this.windowMs) {
      // Idle for more than a whole window: what the current sketch holds is too old as well.
      this.current.clear();
      this.currentTotal = 0;
      this.previousStartMs = nowMs - this.windowMs;
    } else {
      this.previousStartMs = this.currentStartMs;
    }
    this.previous = this.current;
    this.current = recycled;
    this.previousTotal = this.currentTotal;
    this.currentTotal = 0;
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
    return { hitters, total: this.previousTotal + this.currentTotal, spanMs: nowMs - this.previousStartMs };
  }
}
