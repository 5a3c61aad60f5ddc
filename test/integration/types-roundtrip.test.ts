import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDynamoDBOutput } from '../../src/index.js';
import { jsonText } from '../../src/util/json-text.js';
import { createTable, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';

const ddb = useDynamoDB();

const columns = [
  ['id', 'BIGINT', false], ['b', 'BOOLEAN', true], ['ti', 'TINYINT', true], ['si', 'SMALLINT', true], ['i', 'INT', true],
  ['bi', 'BIGINT', true], ['d', 'DECIMAL(10, 4)', true], ['r', 'REAL', true], ['db', 'DOUBLE', true], ['vc', 'VARCHAR', true],
  ['ch', 'CHAR(3)', true], ['t', 'TIME', true], ['dt', 'DATE', true], ['ts', 'TIMESTAMP', true], ['u', 'UUID', true],
  ['vb', 'VARBINARY', true], ['arr', 'VARCHAR ARRAY', true], ['nested', 'INT ARRAY ARRAY', true], ['m', 'MAP<VARCHAR, INT>', true],
  ['addr', 'address', true], ['rw', 'ROW(x INT, y VARCHAR)', true], ['v', 'VARIANT', true], ['n', 'INT', true],
] as const;

const view = { name: 'all_types', columns: columns.map(([name, type, nullable]) => ({ name, type, nullable })) };
const types = { address: [{ name: 'street', type: 'VARCHAR', nullable: true }, { name: 'zip', type: 'INT', nullable: true }] };

const row = {
  id: 9007199254740993n, b: true, ti: -8, si: 300, i: -70000, bi: '-9223372036854775808', d: '12.3450', r: 0.1,
  db: 1e-7, vc: 'héllo 🎉 "quoted"', ch: 'ab ', t: '1:2:3.12', dt: '2024-5-25', ts: '2024-05-25T01:02:03.000456Z',
  u: '550E8400-E29B-41D4-A716-446655440000', vb: [1, 2, 255], arr: ['a', null, ''], nested: [[1, 2], [], [3]],
  m: { a: 1, b: null }, addr: { street: 'Main St' }, rw: { x: 1, y: 'why' },
  v: { list: [1.5, 'two', true, null, { deep: 1000 }] }, n: null,
};

// What Feldera's connector writes for this row (feldera-facts §2), as DynamoDB gives it back.
const expected = {
  id: { N: '9007199254740993' }, b: { BOOL: true }, ti: { N: '-8' }, si: { N: '300' }, i: { N: '-70000' },
  bi: { N: '-9223372036854775808' }, d: { N: '12.345' }, r: { N: '0.1' }, db: { N: '0.0000001' },
  vc: { S: 'héllo 🎉 "quoted"' }, ch: { S: 'ab ' }, t: { S: '01:02:03.120' }, dt: { S: '2024-05-25' },
  ts: { S: '2024-05-25 01:02:03.000456' }, u: { S: '550e8400-e29b-41d4-a716-446655440000' }, vb: { B: [1, 2, 255] },
  arr: { L: [{ S: 'a' }, { NULL: true }, { S: '' }] },
  nested: { L: [{ L: [{ N: '1' }, { N: '2' }] }, { L: [] }, { L: [{ N: '3' }] }] },
  m: { M: { a: { N: '1' }, b: { NULL: true } } },
  addr: { M: { street: { S: 'Main St' }, zip: { NULL: true } } },
  rw: { M: { x: { N: '1' }, y: { S: 'why' } } },
  v: { M: { list: { L: [{ N: '1.5' }, { S: 'two' }, { BOOL: true }, { NULL: true }, { M: { deep: { N: '1000' } } }] } } },
  n: { NULL: true },
};

for (const write_mode of ['batch', 'transactional'] as const) {
  test(`${write_mode} mode: every SQL type is written as Feldera writes it and reads back from a Scan`, async () => {
    const table = await createTable(ddb.client, { hash: ['id', 'N'] });
    const out = await openDynamoDBOutput({
      name: 'types', view, types, index: { name: 'all_types_idx', columns: ['id'] },
      config: { table, ...localConnection(ddb.endpoint), write_mode },
    });
    try {
      const result = await out.writeStep([{ row, weight: 1 }]);
      assert.deepEqual(result.errors, []);
      assert.equal(result.puts, 1);
    } finally {
      await out.close();
    }
    const [item] = await scanAll(ddb.client, table);
    // Bytes compare as arrays of byte values.
    assert.deepEqual(JSON.parse(jsonText(item)), expected);
  });
}

test('keys of every key type round-trip: number, string, binary and temporal keys', async () => {
  const cases = [
    { type: 'DECIMAL(20, 2)', attribute: 'N', value: '1.50', stored: { N: '1.5' } },
    { type: 'DOUBLE', attribute: 'N', value: -0.25, stored: { N: '-0.25' } },
    { type: 'VARBINARY', attribute: 'B', value: [0, 1, 2], stored: { B: [0, 1, 2] } },
    { type: 'TIMESTAMP', attribute: 'S', value: '2024-01-01 00:00:00', stored: { S: '2024-01-01 00:00:00' } },
    { type: 'UUID', attribute: 'S', value: '00000000-0000-0000-0000-00000000000A', stored: { S: '00000000-0000-0000-0000-00000000000a' } },
  ] as const;
  for (const c of cases) {
    const table = await createTable(ddb.client, { hash: ['k', c.attribute] });
    const out = await openDynamoDBOutput({
      name: 'keys', index: { name: 'k_idx', columns: ['k'] },
      view: { name: 'keys', columns: [{ name: 'k', type: c.type, nullable: false }, { name: 'x', type: 'INT', nullable: true }] },
      config: { table, ...localConnection(ddb.endpoint) },
    });
    try {
      await out.writeStep([{ row: { k: c.value, x: 1 }, weight: 1 }]);
      assert.deepEqual(JSON.parse(jsonText(await scanAll(ddb.client, table))), [{ k: c.stored, x: { N: '1' } }], c.type);
      // A delete finds the item by the same key encoding.
      await out.writeStep([{ row: { k: c.value, x: 1 }, weight: -1 }]);
      assert.equal((await scanAll(ddb.client, table)).length, 0, c.type);
    } finally {
      await out.close();
    }
  }
});
