// Capacity arithmetic of the simulator: write units per item, token buckets, partitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARTITION_WCU_PER_SECOND, TableCapacity, TokenBucket, writeUnits } from '../../src/sim/capacity.js';

test('an item costs one WCU per started KB, and at least one', () => {
  assert.deepEqual([0, 1, 1024, 1025, 2048, 2049, 409_600].map(writeUnits), [1, 1, 1, 2, 2, 3, 400]);
});

test('a token bucket starts full, refills at its rate and never holds more than its burst', () => {
  const bucket = new TokenBucket(100, 100, 0);
  assert.equal(bucket.tryTake(60, 0), true);
  assert.equal(bucket.tryTake(60, 0), false, '40 left');
  assert.equal(bucket.tryTake(60, 200), true, '40 + 20 refilled in 200 ms');
  assert.equal(bucket.available(10_000), 100, 'capped at the burst');
});

test('an item larger than the whole burst passes once the bucket is full, leaving it in debt', () => {
  const bucket = new TokenBucket(10, 10, 0);
  assert.equal(bucket.tryTake(400, 0), true);
  assert.equal(bucket.available(0), -390);
  assert.equal(bucket.tryTake(1, 1000), false, 'still in debt after 1 s');
});

test('a drained table has no burst left: only what refills after the drain can be taken', () => {
  const capacity = new TableCapacity(2000, 1, 0);
  capacity.drain(1000);
  assert.equal(capacity.table.available(1000), 0);
  for (const partition of capacity.partitions) assert.equal(partition.available(1000), 0);
  assert.equal(capacity.tryConsume('k', 1, 1000), false);
  assert.equal(capacity.table.available(1500), 1000, 'half a second of refill');
});

test('keys spread over ceil(WCU / 1000) partitions of 1,000 WCU/s each, at least one', () => {
  assert.equal(new TableCapacity(1, 1, 0).partitions.length, 1);
  assert.equal(new TableCapacity(1000, 1, 0).partitions.length, 1);
  assert.equal(new TableCapacity(1001, 1, 0).partitions.length, 2);
  assert.equal(new TableCapacity(40_000, 1, 0).partitions.length, 40);
  for (const partition of new TableCapacity(4000, 1, 0).partitions) assert.equal(partition.unitsPerSecond, PARTITION_WCU_PER_SECOND);
});

test('a hot key throttles at its partition limit although the table has capacity left', () => {
  const capacity = new TableCapacity(4000, 1, 0);
  let written = 0;
  while (capacity.tryConsume('hot', 1, 0)) written += 1;
  assert.equal(written, 1000);
  assert.ok(capacity.table.available(0) >= 2999, 'the table still has capacity');
  let spread = 0;
  for (let i = 0; i < 10_000; i += 1) if (capacity.tryConsume(`key-${i}`, 1, 0)) spread += 1;
  assert.equal(spread, 3000, 'keys of the other partitions take the rest of the table capacity');
});

test('a write takes from the table and its partition together, or from neither; refunds restore both', () => {
  const capacity = new TableCapacity(10, 1, 0);
  assert.equal(capacity.tryConsume('k', 8, 0), true);
  assert.equal(capacity.tryConsume('k', 8, 0), false);
  assert.equal(capacity.partitionOf('k').available(0), 992, 'the refused write left the partition untouched');
  capacity.refund('k', 8);
  assert.equal(capacity.table.available(0), 10);
  assert.equal(capacity.partitionOf('k').available(0), 1000);
});
