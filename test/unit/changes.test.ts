import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyKeyUpdates } from '../../src/connectors/dynamodb/changes.js';

const a = { id: 1, s: 'a' };
const b = { id: 1, s: 'b' };
const c = { id: 1, s: 'c' };

test('a single insert becomes an insert of the row', () => {
  assert.deepEqual(classifyKeyUpdates([{ row: a, weight: 1 }]), { kind: 'insert', row: a });
});

test('a single delete becomes a delete', () => {
  assert.deepEqual(classifyKeyUpdates([{ row: a, weight: -1 }]), { kind: 'delete', row: a });
});

test('a delete plus an insert becomes an upsert of the new row, in either order', () => {
  assert.deepEqual(classifyKeyUpdates([{ row: a, weight: -1 }, { row: b, weight: 1 }]), { kind: 'upsert', row: b });
  assert.deepEqual(classifyKeyUpdates([{ row: b, weight: 1 }, { row: a, weight: -1 }]), { kind: 'upsert', row: b });
});

test('changes that cancel do nothing, also for equal rows that are different objects', () => {
  assert.deepEqual(classifyKeyUpdates([{ row: a, weight: 1 }, { row: { ...a }, weight: -1 }]), { kind: 'none' });
  assert.deepEqual(classifyKeyUpdates([{ row: a, weight: 0 }]), { kind: 'none' });
  // One update given as such, as the writer gives a key with a single update.
  assert.deepEqual(classifyKeyUpdates({ row: a, weight: 1 }), { kind: 'insert', row: a });
  assert.deepEqual(classifyKeyUpdates({ row: a, weight: -1 }), { kind: 'delete', row: a });
  assert.deepEqual(classifyKeyUpdates({ row: a, weight: 0 }), { kind: 'none' });
  assert.equal(classifyKeyUpdates({ row: a, weight: 2 }).kind, 'violation');
});

test('identical rows are consolidated before classification', () => {
  // +a, -a, +b: a cancels out, leaving an insert of b.
  assert.deepEqual(
    classifyKeyUpdates([{ row: a, weight: 1 }, { row: a, weight: -1 }, { row: b, weight: 1 }]),
    { kind: 'insert', row: b },
  );
});

test('two new values for one key are a uniqueness violation', () => {
  const change = classifyKeyUpdates([{ row: a, weight: 1 }, { row: b, weight: 1 }]);
  assert.equal(change.kind, 'violation');
  assert.match(change.kind === 'violation' ? change.description : '', /multiple new values/);
});

test('two deleted values, or a record inserted or deleted several times, are violations', () => {
  const cases: Array<[Parameters<typeof classifyKeyUpdates>[0], RegExp]> = [
    [[{ row: a, weight: -1 }, { row: b, weight: -1 }], /multiple deleted values/],
    [[{ row: a, weight: 2 }], /inserted 2 times/],
    [[{ row: a, weight: 1 }, { row: a, weight: 1 }], /inserted 2 times/],
    [[{ row: a, weight: -3 }], /deleted 3 times/],
    [[{ row: a, weight: -1 }, { row: b, weight: 1 }, { row: c, weight: 1 }], /multiple new values/],
  ];
  for (const [updates, pattern] of cases) {
    const change = classifyKeyUpdates(updates);
    assert.equal(change.kind, 'violation', JSON.stringify(updates));
    assert.match(change.kind === 'violation' ? change.description : '', pattern);
  }
});
