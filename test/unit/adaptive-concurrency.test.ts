import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveConcurrency } from '../../src/connectors/dynamodb/adaptive-concurrency.js';
import { Semaphore } from '../../src/util/semaphore.js';

test('throttling cuts the in-flight limit by 30%, at most once per 100 ms', () => {
  let now = 0;
  const slots = new Semaphore(64);
  const control = new AdaptiveConcurrency(slots, 64, () => now);
  control.record(true);
  assert.equal(control.limit, 44);
  assert.equal(slots.limit, 44);
  now = 50;
  control.record(true);
  assert.equal(control.limit, 44, 'one overload shows in many responses: one cut per interval');
  now = 200;
  control.record(true);
  assert.equal(control.limit, 31);
});

test('unthrottled requests raise the limit by about one per round trip, up to max_concurrent_requests', () => {
  let now = 0;
  const slots = new Semaphore(10);
  const control = new AdaptiveConcurrency(slots, 10, () => now);
  control.record(true);
  assert.equal(control.limit, 7);
  for (let i = 0; i < 7; i += 1) control.record(false);
  assert.equal(control.limit, 7, 'a fraction below 8 after one window');
  for (let i = 0; i < 100; i += 1) control.record(false);
  assert.equal(control.limit, 10);
  now = 1000;
  for (let i = 0; i < 50; i += 1) { now += 200; control.record(true); }
  assert.equal(control.limit, 1, 'never below one request');
});

test('lowering a semaphore\'s limit makes new holders wait until enough permits are released', async () => {
  const slots = new Semaphore(3);
  await slots.acquire();
  await slots.acquire();
  await slots.acquire();
  slots.limit = 1;
  let acquired = false;
  const waiting = slots.acquire().then(() => { acquired = true; });
  slots.release();
  slots.release();
  await Promise.resolve();
  assert.equal(acquired, false, 'still one holder, at the limit');
  slots.release();
  await waiting;
  assert.equal(acquired, true);
  assert.equal(slots.inUse, 1);
  slots.limit = 3;
  await slots.acquire();
  await slots.acquire();
  assert.equal(slots.inUse, 3);
});
