// A step's updates as they cross to a worker thread: arrays of column values and the weights,
// turned back into the same updates on the other side, structured clone included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import { fromStepColumns, toStepColumns } from '../../src/connectors/dynamodb/step-columns.js';
import type { Update } from '../../src/schema.js';

test('updates survive the trip as columns, values of every kind and weights of any size included', () => {
  const updates: Update[] = [
    { row: { id: 1, name: 'a', big: 2n ** 70n, bytes: new Uint8Array([0, 255]), nested: { list: [1, null], at: new Date(0) } }, weight: 1 },
    { row: { id: 2, name: null }, weight: -(2 ** 53 - 1) },
    { row: { id: 3, name: 'c', ignored: 'not a view column' }, weight: 7 },
  ];
  const names = ['id', 'name', 'big', 'bytes', 'nested'];
  const crossed = structuredClone(toStepColumns(updates, names));
  assert.deepEqual(fromStepColumns(crossed), [
    { row: { id: 1, name: 'a', big: 2n ** 70n, bytes: new Uint8Array([0, 255]), nested: { list: [1, null], at: new Date(0) } }, weight: 1 },
    { row: { id: 2, name: null }, weight: -(2 ** 53 - 1) },
    { row: { id: 3, name: 'c' }, weight: 7 },
  ]);
});

test('columns named like Object.prototype members are own properties on both sides, never inherited ones', () => {
  const row = JSON.parse('{"__proto__": 5, "id": 1}') as Record<string, unknown>;
  const updates: Update[] = [{ row, weight: 1 }, { row: { id: 2 }, weight: 1 }];
  const [first, second] = fromStepColumns(structuredClone(toStepColumns(updates, ['id', '__proto__', 'constructor'])));
  assert.ok(Object.hasOwn(first!.row, '__proto__'));
  assert.equal(first!.row['__proto__'], 5);
  assert.equal(Object.getPrototypeOf(first!.row), Object.prototype);
  assert.ok(!Object.hasOwn(second!.row, 'constructor'), 'a missing column stays missing');
});

test('each column crosses as a dense array, not as the index/value pairs of a sparse one', () => {
  const updates: Update[] = Array.from({ length: 1000 }, (_, i) => ({ row: { id: i, name: i % 2 === 0 ? `n${i}` : undefined }, weight: 1 }));
  for (const column of toStepColumns(updates, ['id', 'name']).values) {
    // v8.serialize writes a version header (0xFF, version), then the value's tag: 'A' for a dense array, 'a' for a sparse one.
    const bytes = serialize(column);
    assert.equal(bytes[0], 0xff);
    assert.equal(String.fromCharCode(bytes[2]!), 'A');
  }
});
