// Rows are written with Feldera's JSON value formats, from the engine's values (engine/value.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonRowEncoder } from '../../src/connectors/outputs/json-encode.js';
import { insertDeleteLines } from '../../src/connectors/outputs/json-format.js';
import { parseSqlType } from '../../src/sql/parse-type.js';

/** The JSON text of `value` in a column of type `type`. */
function encoded(type: string, value: unknown): string {
  const encode = compileJsonRowEncoder([{ name: 'c', type: parseSqlType(type), nullable: true }]);
  const text = encode({ c: value });
  assert.ok(text.startsWith('{"c":') && text.endsWith('}'), text);
  return text.slice(5, -1);
}

test('integers, BIGINT beyond 2^53 included, and DECIMAL are bare JSON numbers with every digit', () => {
  assert.equal(encoded('TINYINT', -8), '-8');
  assert.equal(encoded('INT', 2147483647), '2147483647');
  assert.equal(encoded('BIGINT', 2n ** 63n - 1n), '9223372036854775807');
  assert.equal(encoded('BIGINT UNSIGNED', 18446744073709551615n), '18446744073709551615');
  assert.equal(encoded('DECIMAL(38, 10)', '12.345'), '12.345');
  assert.equal(encoded('DECIMAL(38, 26)', '-0.00000000012345678901234567'), '-0.00000000012345678901234567');
  assert.equal(encoded('DECIMAL(5, 2)', '100'), '100');
});

test('REAL and DOUBLE print as Feldera (ryu) does: .0 on integral values, exponents beyond plain range; NaN and infinities are null', () => {
  assert.equal(encoded('DOUBLE', 2), '2.0');
  assert.equal(encoded('DOUBLE', 0.1), '0.1');
  assert.equal(encoded('DOUBLE', 1e16), '1e16');
  assert.equal(encoded('DOUBLE', 1.5e-7), '1.5e-7');
  assert.equal(encoded('DOUBLE', -0), '-0.0');
  assert.equal(encoded('REAL', Math.fround(0.1)), '0.1');
  assert.equal(encoded('REAL', Math.fround(1e13)), '1e13');
  for (const x of [Number.NaN, Infinity, -Infinity]) {
    assert.equal(encoded('DOUBLE', x), 'null');
    assert.equal(encoded('REAL', x), 'null');
  }
});

test('text, dates, times, timestamps and UUIDs are JSON strings, escaped', () => {
  assert.equal(encoded('VARCHAR', 'a "quoted"\nline ü 😀'), JSON.stringify('a "quoted"\nline ü 😀'));
  assert.equal(encoded('CHAR(4)', 'ab  '), '"ab  "');
  assert.equal(encoded('DATE', '2024-05-25'), '"2024-05-25"');
  assert.equal(encoded('TIME', '01:02:03.120'), '"01:02:03.120"');
  assert.equal(encoded('TIMESTAMP', '2024-05-25 01:02:03.000456'), '"2024-05-25 01:02:03.000456"');
  assert.equal(encoded('UUID', '550e8400-e29b-41d4-a716-446655440000'), '"550e8400-e29b-41d4-a716-446655440000"');
  assert.equal(encoded('BOOLEAN', false), 'false');
});

test('binary is an array of byte values; arrays, maps and rows nest, with nulls', () => {
  assert.equal(encoded('VARBINARY', new Uint8Array([0, 1, 255])), '[0,1,255]');
  assert.equal(encoded('BINARY(2)', new Uint8Array([])), '[]');
  assert.equal(encoded('DOUBLE ARRAY', [1, null, 2.5]), '[1.0,null,2.5]');
  assert.equal(encoded('MAP<VARCHAR, DECIMAL(10, 2)>', { a: '1.5', 'b"': null }), '{"a":1.5,"b\\"":null}');
  assert.equal(encoded('ROW(x BIGINT, "Y" VARCHAR ARRAY)', { x: 1n, Y: ['a', null] }), '{"x":1,"Y":["a",null]}');
  assert.equal(encoded('VARIANT', { n: 1.5, big: 2n ** 60n, list: [true, null, 'x'], bytes: new Uint8Array([7]) }),
    '{"n":1.5,"big":1152921504606846976,"list":[true,null,"x"],"bytes":[7]}');
  assert.equal(encoded('INT', null), 'null');
});

test('a row holds every column in declaration order, NULL written as null, whatever the key order of the row object', () => {
  const encode = compileJsonRowEncoder([
    { name: 'id', type: parseSqlType('INT'), nullable: false },
    { name: 'constructor', type: parseSqlType('VARCHAR'), nullable: true },
    { name: 'Mixed Case', type: parseSqlType('BOOLEAN'), nullable: true },
  ]);
  assert.equal(encode({ 'Mixed Case': true, id: 7, constructor: null }), '{"id":7,"constructor":null,"Mixed Case":true}');
  assert.equal(encode({ id: 8, 'Mixed Case': null }), '{"id":8,"constructor":null,"Mixed Case":null}');
});

test('a batch is written as every delete, then every insert, a record of weight w |w| times', () => {
  const encode = compileJsonRowEncoder([{ name: 'id', type: parseSqlType('INT'), nullable: false }]);
  const heavy: number[] = [];
  const lines = [...insertDeleteLines(
    [{ row: { id: 1 }, weight: 2 }, { row: { id: 2 }, weight: -1 }, { row: { id: 3 }, weight: 1 }, { row: { id: 4 }, weight: -3 },
      { row: { id: 5 }, weight: 1_000_001 }, { row: { id: 6 }, weight: 0 }],
    encode,
    (change) => heavy.push(change.row['id'] as number),
  )];
  assert.deepEqual(lines, [
    '{"delete":{"id":2}}\n', '{"delete":{"id":4}}\n', '{"delete":{"id":4}}\n', '{"delete":{"id":4}}\n',
    '{"insert":{"id":1}}\n', '{"insert":{"id":1}}\n', '{"insert":{"id":3}}\n',
  ]);
  assert.deepEqual(heavy, [5], 'a weight beyond 1,000,000 is refused, as Feldera\'s encoder refuses it');
});
