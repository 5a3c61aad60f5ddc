import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TableState } from '../../src/engine/table-state.js';
import { consolidate } from '../../src/engine/zset.js';
import { OutputBuffer } from '../../src/pipeline/output-buffer.js';

const cols = ['id', 'v'];

test('a table with a primary key upserts on insert of an existing key', () => {
  const table = new TableState([0]);
  assert.deepEqual(table.apply([{ row: [1, 'a'], weight: 1 }]), [{ row: [1, 'a'], weight: 1 }]);
  assert.deepEqual(table.apply([{ row: [1, 'b'], weight: 1 }]), [
    { row: [1, 'a'], weight: -1 },
    { row: [1, 'b'], weight: 1 },
  ]);
});

test('a table with a primary key ignores a delete of a missing key and deletes by key', () => {
  const table = new TableState([0]);
  assert.deepEqual(table.apply([{ row: [9, 'x'], weight: -1 }]), []);
  table.apply([{ row: [1, 'a'], weight: 1 }]);
  // The deleted row's other values do not matter: the key does.
  assert.deepEqual(table.apply([{ row: [1, 'whatever'], weight: -1 }]), [{ row: [1, 'a'], weight: -1 }]);
});

test('changes of one key within a step are applied in order and only the net change comes out', () => {
  const table = new TableState([0]);
  table.apply([{ row: [1, 'a'], weight: 1 }]);
  assert.deepEqual(table.apply([
    { row: [1, 'b'], weight: 1 },
    { row: [1, 'b'], weight: -1 },
    { row: [1, 'a'], weight: 1 },
  ]), []);
  assert.deepEqual(table.apply([{ row: [2, 'x'], weight: 1 }, { row: [2, 'x'], weight: -1 }]), []);
});

test('a partial update replaces the columns it sets in the row with its key, and keeps the others', () => {
  const table = new TableState([0]);
  table.apply([{ row: [1, 'a', 10], weight: 1 }]);
  assert.deepEqual(table.apply([{ update: [1, null, 20], sets: [true, false, true] }]), [
    { row: [1, 'a', 10], weight: -1 },
    { row: [1, 'a', 20], weight: 1 },
  ]);
  // Setting a column to NULL is a change like any other; setting the values it has is none.
  assert.deepEqual(table.apply([{ update: [1, null, null], sets: [true, true, false] }]), [
    { row: [1, 'a', 20], weight: -1 },
    { row: [1, null, 20], weight: 1 },
  ]);
  assert.deepEqual(table.apply([{ update: [1, null, 20], sets: [true, true, true] }]), []);
});

test('a partial update of a key the table does not hold is ignored, as Feldera\'s input_upsert does', () => {
  const table = new TableState([0]);
  assert.deepEqual(table.apply([{ update: [5, 'x', 1], sets: [true, true, true] }]), []);
  table.apply([{ row: [5, 'a', 1], weight: 1 }]);
  assert.deepEqual(table.apply([{ row: [5, 'a', 1], weight: -1 }, { update: [5, 'x', 1], sets: [true, true, false] }]), [{ row: [5, 'a', 1], weight: -1 }]);
});

test('in one step, a partial update applies to the row inserted before it, and a later insert replaces it', () => {
  const table = new TableState([0]);
  assert.deepEqual(table.apply([{ row: [1, 'a', 1], weight: 1 }, { update: [1, 'b', null], sets: [true, true, false] }]), [{ row: [1, 'b', 1], weight: 1 }]);
  assert.deepEqual(table.apply([{ update: [1, 'c', null], sets: [true, true, false] }, { row: [1, 'd', 4], weight: 1 }]), [
    { row: [1, 'b', 1], weight: -1 },
    { row: [1, 'd', 4], weight: 1 },
  ]);
});

test('a partial update of a table without a primary key is refused', () => {
  assert.throws(() => new TableState([], 'plain').apply([{ update: [1], sets: [true] }]), /INVALID_CHANGE|table plain: a partial update needs a table with a primary key/);
});

test('a table without a primary key passes its changes through, consolidated', () => {
  const table = new TableState([]);
  assert.deepEqual(table.apply([
    { row: [1, 'a'], weight: 1 },
    { row: [1, 'a'], weight: 1 },
    { row: [2, 'b'], weight: 1 },
    { row: [2, 'b'], weight: -1 },
  ]), [{ row: [1, 'a'], weight: 2 }]);
});

test('consolidation treats bigint, bytes and nested values structurally', () => {
  const z = consolidate([
    { row: { id: 1n, v: new Uint8Array([1, 2]) }, weight: 1 },
    { row: { id: 1n, v: new Uint8Array([1, 2]) }, weight: -1 },
    { row: { id: 2n, v: [1, { a: 'x' }] }, weight: 1 },
  ], cols);
  assert.deepEqual(z, [{ row: { id: 2n, v: [1, { a: 'x' }] }, weight: 1 }]);
});

test('the output buffer merges steps: insert then update becomes one insert of the new row, insert then delete nothing', () => {
  const buffer = new OutputBuffer({ enabled: true, maxRecords: 100, maxTimeMillis: null }, cols);
  buffer.add([{ row: { id: 1, v: 'a' }, weight: 1 }, { row: { id: 2, v: 'x' }, weight: 1 }], 0);
  buffer.add([{ row: { id: 1, v: 'a' }, weight: -1 }, { row: { id: 1, v: 'b' }, weight: 1 }], 1);
  buffer.add([{ row: { id: 2, v: 'x' }, weight: -1 }], 2);
  assert.equal(buffer.size, 1);
  assert.deepEqual(buffer.take(), [{ row: { id: 1, v: 'b' }, weight: 1 }]);
  assert.equal(buffer.take(), undefined);
});

test('the output buffer is due when it holds max_output_buffer_size_records or its oldest change is old enough', () => {
  const bySize = new OutputBuffer({ enabled: true, maxRecords: 2, maxTimeMillis: null }, cols);
  bySize.add([{ row: { id: 1, v: 'a' }, weight: 1 }], 0);
  assert.equal(bySize.due(1_000_000), false);
  bySize.add([{ row: { id: 2, v: 'a' }, weight: 1 }], 1);
  assert.equal(bySize.due(1), true);

  const byTime = new OutputBuffer({ enabled: true, maxRecords: 100, maxTimeMillis: 500 }, cols);
  byTime.add([{ row: { id: 1, v: 'a' }, weight: 1 }], 1000);
  assert.equal(byTime.due(1499), false);
  assert.equal(byTime.due(1500), true);
  assert.equal(byTime.dueAt(), 1500);
});

test('a buffer whose changes cancelled out is still flushed, as an empty batch', () => {
  const buffer = new OutputBuffer({ enabled: true, maxRecords: 100, maxTimeMillis: null }, cols);
  buffer.add([{ row: { id: 1, v: 'a' }, weight: 1 }], 0);
  buffer.add([{ row: { id: 1, v: 'a' }, weight: -1 }], 1);
  assert.deepEqual(buffer.take(), []);
});
