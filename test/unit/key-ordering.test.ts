import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyOrdering } from '../../src/connectors/dynamodb/key-ordering.js';
import type { WriteRequest } from '../../src/connectors/dynamodb/chunks.js';

const put = (key: string): WriteRequest => ({ kind: 'put', partitionKey: key, attributes: {}, size: 1, row: { key } });
const keyOf = (request: WriteRequest): string => String(request.row['key']);

test('a chunk waits for the earlier chunks that write one of its keys, and only for those', () => {
  const ordering = new KeyOrdering(keyOf);
  const first = Promise.resolve();
  const second = Promise.resolve();
  assert.deepEqual(ordering.enter([put('a'), put('b')], first), []);
  assert.deepEqual(ordering.enter([put('c')], second), []);
  const waits = ordering.enter([put('b'), put('c'), put('d')], Promise.resolve());
  assert.equal(waits.length, 2);
  assert.ok(waits.includes(first) && waits.includes(second));
});

test('a write still waiting is superseded by a newer write of its key; a sent one is not', () => {
  const ordering = new KeyOrdering(keyOf);
  const sentChunk = [put('a')];
  ordering.enter(sentChunk, Promise.resolve());
  assert.deepEqual(ordering.send(sentChunk), sentChunk);
  const waiting = [put('a'), put('b')];
  ordering.enter(waiting, Promise.resolve());
  const newer = [put('b')];
  ordering.enter(newer, Promise.resolve());
  assert.equal(sentChunk[0]!.superseded, undefined);
  assert.deepEqual(ordering.send(waiting).map(keyOf), ['a']);
  assert.deepEqual(ordering.send(newer).map(keyOf), ['b']);
});

test('finished chunks are forgotten unless a newer chunk wrote the key since', () => {
  const ordering = new KeyOrdering(keyOf);
  const firstDone = Promise.resolve();
  const first = [put('a'), put('b')];
  ordering.enter(first, firstDone);
  const secondDone = Promise.resolve();
  ordering.enter([put('b')], secondDone);
  ordering.leave(first, firstDone);
  assert.deepEqual(ordering.enter([put('a')], Promise.resolve()), [], 'a was forgotten');
  assert.deepEqual(ordering.enter([put('b')], Promise.resolve()), [secondDone], 'b still waits for the newer chunk');
});
