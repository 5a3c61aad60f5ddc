// Latency of the simulator: a log-normal fitted to a median and a 99th percentile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencySampler } from '../../src/sim/latency.js';
import { seededRandom } from '../support/random.js';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

test('latencies have the configured median and 99th percentile', () => {
  const sample = latencySampler(10, 30, seededRandom(7));
  const draws = Array.from({ length: 50_000 }, sample).sort((a, b) => a - b);
  const median = quantile(draws, 0.5);
  const p99 = quantile(draws, 0.99);
  assert.ok(Math.abs(median - 10) < 0.3, `median ${median}`);
  assert.ok(Math.abs(p99 - 30) < 1.5, `p99 ${p99}`);
  assert.ok(draws[0]! > 0, 'always positive');
});

test('a median of 0 means no latency, and a p99 equal to the median a constant one', () => {
  assert.equal(latencySampler(0, 30, Math.random)(), 0);
  assert.equal(latencySampler(5, 5, Math.random)(), 5);
});
