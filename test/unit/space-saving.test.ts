// The heavy-hitters sketch behind hot keys: finds the keys that dominate a stream, stays within its
// counters whatever the number of distinct keys, and forgets what is older than two windows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpaceSaving, WindowedSpaceSaving } from '../../src/util/space-saving.js';
import { seededRandom } from '../support/random.js';

/** A Zipf(s = 1.2) sampler over keys k0..k(n-1): k0 is the most frequent. */
function zipf(n: number, random: () => number): () => string {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** 1.2);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  return () => {
    const target = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return `k${lo}`;
  };
}

/**
 * The sketch's invariants, from the outside: counts listed highest first, each above its error, and
 * (every occurrence raising exactly one counter by one) the counts summing to the total.
 */
function assertConsistent(sketch: SpaceSaving): void {
  const all = sketch.top(sketch.capacity);
  for (let i = 1; i < all.length; i += 1) assert.ok(all[i - 1]!.count >= all[i]!.count, 'top() is sorted by count');
  for (const h of all) assert.ok(h.error >= 0 && h.error < h.count, JSON.stringify(h));
  assert.equal(all.length, sketch.size);
  assert.equal(all.reduce((n, h) => n + h.count, 0), sketch.total);
}

describe('SpaceSaving', () => {
  test('counts exactly while there are no more keys than counters', () => {
    const sketch = new SpaceSaving(8);
    const stream = ['a', 'b', 'a', 'c', 'a', 'b', 'd', 'a'];
    for (const key of stream) sketch.add(key);
    assert.deepEqual(sketch.top(2), [{ key: 'a', count: 4, error: 0 }, { key: 'b', count: 2, error: 0 }]);
    assert.deepEqual(sketch.top(4).slice(2).map((h) => [h.count, h.error]), [[1, 0], [1, 0]]);
    assert.equal(sketch.total, 8);
    assert.equal(sketch.size, 4);
    assertConsistent(sketch);
  });

  test('finds the real heavy hitters of a skewed stream, with counts within their stated error', () => {
    const random = seededRandom(12);
    const next = zipf(100_000, random);
    const sketch = new SpaceSaving(64);
    const exact = new Map<string, number>();
    const n = 200_000;
    for (let i = 0; i < n; i += 1) {
      const key = next();
      sketch.add(key);
      exact.set(key, (exact.get(key) ?? 0) + 1);
    }
    const trueTop = [...exact].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([key]) => key);
    const found = sketch.top(5);
    assert.deepEqual(found.map((h) => h.key), trueTop);
    for (const h of found) {
      const truth = exact.get(h.key)!;
      assert.ok(h.count >= truth && h.count - h.error <= truth, `${h.key}: ${h.count} (error ${h.error}) vs ${truth}`);
    }
    // Every key above total / capacity is guaranteed a counter.
    const listed = new Set(sketch.top(64).map((h) => h.key));
    for (const [key, count] of exact) if (count > n / 64) assert.ok(listed.has(key), key);
    assertConsistent(sketch);
  });

  test('stays within its counters on a stream of millions of distinct keys, and still finds a key hidden in it', () => {
    const sketch = new SpaceSaving(32);
    const distinct = 2_000_000;
    for (let i = 0; i < distinct; i += 1) {
      sketch.add(`unique-${i}`);
      // One key in ten is the same one.
      if (i % 9 === 0) sketch.add('hot');
    }
    assert.equal(sketch.size, 32);
    const [first] = sketch.top(1);
    assert.equal(first!.key, 'hot');
    assert.ok(first!.count - first!.error <= Math.ceil(distinct / 9), JSON.stringify(first));
    assert.ok(first!.count >= Math.ceil(distinct / 9), JSON.stringify(first));
    assertConsistent(sketch);
  });

  test('keeps its invariants through every update of a random stream, on one counter or many', () => {
    for (const capacity of [1, 2, 7]) {
      const random = seededRandom(capacity);
      const sketch = new SpaceSaving(capacity);
      for (let i = 0; i < 2_000; i += 1) {
        sketch.add(`k${Math.floor(random() ** 3 * 20)}`);
        assertConsistent(sketch);
      }
    }
  });

  test('clear() empties it for reuse', () => {
    const sketch = new SpaceSaving(2);
    for (const key of ['a', 'b', 'c', 'c']) sketch.add(key);
    sketch.clear();
    assert.deepEqual([sketch.size, sketch.total, sketch.top(2).length], [0, 0, 0]);
    sketch.add('z');
    assert.deepEqual(sketch.top(2), [{ key: 'z', count: 1, error: 0 }]);
  });

  test('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new SpaceSaving(0), RangeError);
    assert.throws(() => new SpaceSaving(1.5), RangeError);
  });
});

describe('WindowedSpaceSaving', () => {
  test('reports the current and the previous window together, and forgets what is older', () => {
    const windowed = new WindowedSpaceSaving(16, 1_000, 0);
    for (let i = 0; i < 5; i += 1) windowed.add('old');
    windowed.advance(1_200);
    for (let i = 0; i < 3; i += 1) windowed.add('new');
    let top = windowed.top(5, 1_500);
    assert.deepEqual(top.hitters.map((h) => [h.key, h.count]), [['old', 5], ['new', 3]]);
    assert.equal(top.total, 8);
    assert.equal(top.spanMs, 1_500);
    // The window that held "old" ends two windows after it started.
    top = windowed.top(5, 2_100);
    assert.deepEqual(top.hitters.map((h) => [h.key, h.count]), [['new', 3]]);
    assert.equal(top.spanMs, 1_100);
    top = windowed.top(5, 10_000);
    assert.deepEqual([top.hitters.length, top.total], [0, 0]);
  });

  test('once its counters are taken, a new key gets one at its second occurrence, with both counted', () => {
    const windowed = new WindowedSpaceSaving(2, 1_000, 0);
    for (const key of ['a', 'b', 'a']) windowed.add(key);
    // The sketch is full: keys seen once from now on do not take a counter.
    for (let i = 0; i < 1_000; i += 1) windowed.add(`once-${i}`);
    assert.deepEqual(windowed.top(2, 500).hitters.map((h) => [h.key, h.count, h.error]), [['a', 2, 0], ['b', 1, 0]]);
    windowed.add('twice');
    windowed.add('twice');
    const top = windowed.top(2, 500);
    assert.deepEqual(top.hitters.map((h) => [h.key, h.count, h.error]), [['twice', 3, 1], ['a', 2, 0]]);
    assert.equal(top.total, 1_005, 'every occurrence is in the total');
    // The next window has free counters again: its keys are counted from their first occurrence.
    windowed.advance(1_000);
    windowed.add('c');
    assert.deepEqual(windowed.top(3, 1_500).hitters.map((h) => [h.key, h.count]), [['twice', 3], ['a', 2], ['c', 1]]);
  });

  test('sums a key counted in both windows', () => {
    const windowed = new WindowedSpaceSaving(4, 1_000, 0);
    windowed.add('k');
    windowed.advance(1_000);
    windowed.add('k');
    windowed.add('k');
    assert.deepEqual(windowed.top(1, 1_500).hitters, [{ key: 'k', count: 3, error: 0 }]);
  });
});
