// Grouping a step's updates by key: every key once, in the order of its first update, its updates
// in step order, whatever the hashes do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyGroups, type KeyHashing } from '../../src/connectors/dynamodb/key-groups.js';
import type { Row, Update } from '../../src/schema.js';

const byId: KeyHashing = { hashOf: (row) => Number(row['id']) * 7919, sameKey: (a, b) => a['id'] === b['id'] };
const ids = (groups: KeyGroups): unknown[][] =>
  Array.from({ length: groups.size }, (_, g) => [groups.at(g)].flat().map((u) => `${String(u.row['id'])}${u.weight > 0 ? '+' : '-'}${String(u.row['v'] ?? '')}`));
const update = (id: number, weight: number, v = ''): Update => ({ row: { id, v }, weight });

test('keys come in the order of their first update, each with its updates in step order', () => {
  const updates = [update(3, -1, 'a'), update(1, 1), update(3, 1, 'b'), update(2, 1), update(3, 1, 'c')];
  const groups = KeyGroups.of(updates, byId, () => assert.fail('no key is invalid'));
  assert.deepEqual(ids(groups), [['3-a', '3+b', '3+c'], ['1+'], ['2+']]);
  assert.equal(groups.at(1), updates[1], 'a key with one update is the update itself, not a list');
});

test('keys whose hashes collide stay apart, and equal keys meet past the collisions', () => {
  const allCollide: KeyHashing = { hashOf: () => 42, sameKey: byId.sameKey };
  const updates = Array.from({ length: 300 }, (_, i) => update(i % 100, i < 100 ? 1 : -1));
  const groups = KeyGroups.of(updates, allCollide, () => assert.fail('no key is invalid'));
  assert.equal(groups.size, 100);
  for (let g = 0; g < 100; g += 1) assert.deepEqual(ids(groups)[g], [`${g}+`, `${g}-`, `${g}-`]);
});

test('updates of weight zero are left out; an update whose key is invalid is handed over with its error', () => {
  const strict: KeyHashing = {
    hashOf: (row: Row) => {
      if (typeof row['id'] !== 'number') throw new Error(`bad key ${String(row['id'])}`);
      return byId.hashOf(row);
    },
    sameKey: byId.sameKey,
  };
  const invalid: string[] = [];
  const updates: Update[] = [update(1, 0), { row: { id: 'x' }, weight: 1 }, update(2, 1), update(1, 1)];
  const groups = KeyGroups.of(updates, strict, (u, error) => invalid.push(`${String(u.row['id'])}: ${(error as Error).message}`));
  assert.deepEqual(ids(groups), [['2+'], ['1+']]);
  assert.deepEqual(invalid, ['x: bad key x']);
});

test('an empty step has no keys', () => {
  assert.equal(KeyGroups.of([], byId, () => undefined).size, 0);
});
