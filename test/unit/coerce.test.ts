import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { coerceRow, coerceValue } from '../../src/engine/coerce.js';
import { DynaviewError } from '../../src/errors.js';
import { parseSqlType } from '../../src/sql/parse-type.js';
import type { SqlField } from '../../src/sql/sql-type.js';
import { JsonNumberText, JsonSyntaxError, parseJsonLossless } from '../../src/util/lossless-json.js';

function coerce(typeText: string, json: unknown): unknown {
  return coerceValue(parseSqlType(typeText), json, 'c');
}

/** Coerces JSON text, read losslessly, as input files are. */
function coerceText(typeText: string, jsonText: string): unknown {
  return coerce(typeText, parseJsonLossless(jsonText));
}

function rejection(typeText: string, json: unknown): DynaviewError {
  try {
    coerce(typeText, json);
  } catch (error) {
    assert.ok(error instanceof DynaviewError, `expected a DynaviewError, got ${String(error)}`);
    assert.equal(error.code, 'INPUT_INVALID_VALUE');
    return error;
  }
  assert.fail(`${JSON.stringify(json)} was accepted as ${typeText}`);
}

function fields(list: [name: string, type: string, nullable?: boolean][]): SqlField[] {
  return list.map(([name, type, nullable = true]) => ({ name, type: parseSqlType(type), nullable }));
}

describe('scalars', () => {
  test('BOOLEAN takes true and false only', () => {
    assert.equal(coerce('BOOLEAN', true), true);
    assert.equal(coerce('BOOLEAN', false), false);
    assert.match(rejection('BOOLEAN', 'true').message, /column "c" \(BOOLEAN\): expected true or false, got "true"/);
  });

  test('integers are numbers in the type range; BIGINT becomes a bigint', () => {
    assert.equal(coerce('TINYINT', -128), -128);
    assert.equal(coerce('SMALLINT', 32767), 32767);
    assert.equal(coerce('INT', 7), 7);
    assert.equal(coerce('BIGINT', 7), 7n);
    assert.equal(coerce('INT UNSIGNED', 4294967295), 4294967295);
    assert.match(rejection('TINYINT', 128).message, /128 is out of range \(-128 to 127\)/);
    assert.match(rejection('INT UNSIGNED', -1).message, /out of range/);
    assert.match(rejection('INT', 1.5).message, /expected an integer, got 1.5/);
    assert.match(rejection('INT', '1.0').message, /expected an integer, got "1.0"/);
    assert.match(rejection('INT', ' 1').message, /expected an integer, got " 1"/);
  });

  test('integers are also read from their decimal text, as dynaview\'s dead letters write BIGINT (Feldera takes numbers only)', () => {
    assert.equal(coerce('INT', '-17'), -17);
    assert.equal(coerce('BIGINT', '9223372036854775807'), 9223372036854775807n);
    assert.deepEqual(coerce('BIGINT ARRAY', ['1', 2]), [1n, 2n]);
    assert.match(rejection('TINYINT', '300').message, /300 is out of range/);
  });

  test('BIGINT beyond 2^53 keeps every digit when the JSON is read losslessly', () => {
    assert.equal(coerceText('BIGINT', '9223372036854775807'), 9223372036854775807n);
    assert.equal(coerceText('BIGINT', '-9223372036854775808'), -9223372036854775808n);
    assert.equal(coerceText('BIGINT UNSIGNED', '18446744073709551615'), 18446744073709551615n);
    assert.equal(coerceText('BIGINT', '9007199254740993'), 9007199254740993n);
    assert.throws(() => coerceText('BIGINT', '9223372036854775808'), /out of range/);
  });

  test('DECIMAL takes numbers and numeric strings, rounds to its scale and drops trailing zeros', () => {
    assert.equal(coerce('DECIMAL(10, 2)', 12.5), '12.5');
    assert.equal(coerce('DECIMAL(10, 2)', '12.345'), '12.35');
    assert.equal(coerce('DECIMAL(10, 2)', ' -0.005 '), '-0.01');
    assert.equal(coerce('DECIMAL(10, 2)', '1e3'), '1000');
    assert.equal(coerceText('DECIMAL(38, 10)', '1234567890123456789012345678.0123456789'), '1234567890123456789012345678.0123456789');
    assert.equal(coerceText('DECIMAL(38, 0)', '12345678901234567890123456789'), '12345678901234567890123456789');
    assert.match(rejection('DECIMAL(4, 2)', 123.4).message, /more than the 2 digits before the point/);
    assert.match(rejection('DECIMAL(4, 2)', 'abc').message, /expected a number or a numeric string, got "abc"/);
  });

  test('REAL is rounded to 32 bits; REAL and DOUBLE take numeric strings and NaN/Infinity names', () => {
    assert.equal(coerce('REAL', 0.1), Math.fround(0.1));
    assert.equal(coerce('DOUBLE', 0.1), 0.1);
    assert.equal(coerce('DOUBLE', ' 2.5e3 '), 2500);
    assert.ok(Number.isNaN(coerce('DOUBLE', 'NaN')));
    assert.equal(coerce('DOUBLE', '-Infinity'), -Infinity);
    assert.equal(coerce('REAL', 'inf'), Infinity);
    assert.match(rejection('DOUBLE', 'x1').message, /expected a number or a numeric string/);
  });

  test('VARCHAR and CHAR take strings; CHAR(n) is padded and longer values are cut', () => {
    assert.equal(coerce('VARCHAR', 'héllo'), 'héllo');
    assert.equal(coerce('CHAR(5)', 'ab'), 'ab   ');
    assert.equal(coerce('CHAR(2)', 'abcd'), 'ab');
    assert.equal(coerce('VARCHAR(3)', 'abcd'), 'abc');
    assert.match(rejection('VARCHAR', 5).message, /expected a string, got 5/);
  });

  test('TIMESTAMP accepts RFC 3339 with offsets (converted to UTC) and the SQL form', () => {
    assert.equal(coerce('TIMESTAMP', '2024-01-01T00:00:00Z'), '2024-01-01 00:00:00');
    assert.equal(coerce('TIMESTAMP', '2024-01-01T01:30:00+02:00'), '2023-12-31 23:30:00');
    assert.equal(coerce('TIMESTAMP', '2024-05-25 01:02:03.1234567'), '2024-05-25 01:02:03.123456');
    assert.equal(coerce('TIMESTAMP', ' 2024-05-25 01:02:03.120 '), '2024-05-25 01:02:03.120');
    assert.match(rejection('TIMESTAMP', '2024-13-01 00:00:00').message, /not a valid TIMESTAMP: month 13 is out of range/);
  });

  test('DATE takes YYYY-M-D and TIME takes H:M:S with up to 9 fraction digits', () => {
    assert.equal(coerce('DATE', '2024-1-5'), '2024-01-05');
    assert.equal(coerce('TIME', '1:2:3.000000001'), '01:02:03.000000001');
    assert.equal(coerce('TIME', '23:59:59.5'), '23:59:59.500');
    assert.match(rejection('DATE', '2024-02-30').message, /day 30 is out of range/);
  });

  test('UUID is read in its usual forms and stored lower-case and hyphenated', () => {
    const canonical = '550e8400-e29b-41d4-a716-446655440000';
    assert.equal(coerce('UUID', '550E8400-E29B-41D4-A716-446655440000'), canonical);
    assert.equal(coerce('UUID', '550e8400e29b41d4a716446655440000'), canonical);
    assert.equal(coerce('UUID', '{550e8400-e29b-41d4-a716-446655440000}'), canonical);
    assert.match(rejection('UUID', '550e8400').message, /is not a UUID/);
  });

  test('binary values are arrays of bytes; BINARY(n) is zero-padded', () => {
    assert.deepEqual(coerce('VARBINARY', [1, 2, 255]), new Uint8Array([1, 2, 255]));
    assert.deepEqual(coerce('BINARY(4)', [1, 2]), new Uint8Array([1, 2, 0, 0]));
    assert.deepEqual(coerce('VARBINARY(2)', [1, 2, 3]), new Uint8Array([1, 2]));
    const error = rejection('VARBINARY', [1, 256]);
    assert.match(error.message, /column "c\[1\]" \(VARBINARY\): 256 is not a byte value/);
  });

  test('JSON null is SQL NULL for any type', () => {
    assert.equal(coerce('INT', null), null);
    assert.equal(coerce('ROW(a INT)', null), null);
  });
});

describe('nested values', () => {
  test('ARRAY elements are converted and NULL elements follow the element nullability', () => {
    assert.deepEqual(coerce('INT ARRAY', [1, null, 3]), [1, null, 3]);
    assert.deepEqual(coerce('BIGINT ARRAY', [1, 2]), [1n, 2n]);
    const error = rejection('INT NOT NULL ARRAY', [1, null]);
    assert.match(error.message, /column "c\[1\]" \(INT\): NULL is not allowed: the ARRAY element is NOT NULL/);
    assert.deepEqual(error.context, { column: 'c', field: 'c[1]' });
  });

  test('MAP keys are stored as the canonical text of the key type', () => {
    assert.deepEqual(coerce('MAP<VARCHAR, INT>', { a: 1, b: null }), { a: 1, b: null });
    assert.deepEqual(coerce('MAP<INT, VARCHAR>', { '007': 'x' }), { 7: 'x' });
    assert.deepEqual(coerce('MAP<DATE, INT>', { '2024-1-2': 1 }), { '2024-01-02': 1 });
    assert.match(rejection('MAP<INT, INT>', { x: 1 }).message, /the key "x" is not a valid INT/);
    assert.match(rejection('MAP<VARCHAR, INT NOT NULL>', { a: null }).message, /column "c\["a"\]" \(INT\): NULL is not allowed: the MAP value is NOT NULL/);
  });

  test('ROW fields match like columns, missing fields are NULL, unknown keys are ignored', () => {
    const type = 'ROW(street VARCHAR NULL, "Zip" INT NULL, n INT)';
    assert.deepEqual(coerce(type, { STREET: 'Main', Zip: 1, n: 2, other: true }), { street: 'Main', Zip: 1, n: 2 });
    assert.deepEqual(coerce(type, { n: 2, zip: 5 }), { street: null, Zip: null, n: 2 });
    const error = rejection(type, { street: 'x' });
    assert.match(error.message, /column "c\.n" \(INT\): is missing and NOT NULL/);
  });

  test('VARIANT keeps any JSON value, including exact big integers', () => {
    assert.deepEqual(coerce('VARIANT', { a: [1, 'x', null, true] }), { a: [1, 'x', null, true] });
    assert.deepEqual(coerceText('VARIANT', '{"n": 12345678901234567890}'), { n: 12345678901234567890n });
  });
});

describe('coerceRow', () => {
  const columns = fields([['id', 'INT', false], ['name', 'VARCHAR'], ['Quoted', 'INT']]);

  test('keys match columns case-insensitively unless the column name has upper-case letters', () => {
    assert.deepEqual(coerceRow(columns, { ID: 1, NAME: 'a', Quoted: 3 }), { id: 1, name: 'a', Quoted: 3 });
    assert.deepEqual(coerceRow(columns, { id: 1, quoted: 3 }), { id: 1, name: null, Quoted: null });
  });

  test('an exact key wins over a case-insensitive one', () => {
    assert.deepEqual(coerceRow(columns, { ID: 2, id: 1 }), { id: 1, name: null, Quoted: null });
    assert.deepEqual(coerceRow(columns, { id: 1, ID: 2 }), { id: 1, name: null, Quoted: null });
  });

  test('a missing or null NOT NULL column is an error naming the column', () => {
    assert.throws(() => coerceRow(columns, { name: 'a' }), (error: unknown) => {
      assert.ok(error instanceof DynaviewError);
      assert.equal(error.message, 'column "id" (INT): is missing and NOT NULL');
      assert.deepEqual(error.context, { column: 'id' });
      return true;
    });
    assert.throws(() => coerceRow(columns, { id: null }), /column "id" \(INT\): NULL is not allowed: the column is NOT NULL/);
  });

  test('a record that is not an object is an error', () => {
    assert.throws(() => coerceRow(columns, 'x'), /^DynaviewError: expected a JSON object, got "x"$/);
  });

  test('a record may be an array of the column values in column order, as Feldera reads it; extra values are ignored', () => {
    assert.deepEqual(coerceRow(columns, [1, 'a', 3, 'extra']), { id: 1, name: 'a', Quoted: 3 });
    assert.throws(() => coerceRow(columns, [1]), /^DynaviewError: expected a JSON object, or an array of 3 values, got an array of 1$/);
  });

  test('a column named __proto__ is an ordinary column', () => {
    const row = coerceRow(fields([['__proto__', 'INT']]), JSON.parse('{"__proto__": 5}'));
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, 5);
  });
});

describe('parseJsonLossless', () => {
  test('integers beyond 2^53 become bigints, safe ones stay numbers', () => {
    assert.deepEqual(parseJsonLossless('[9007199254740991, 9007199254740993, -18446744073709551616]'), [
      9007199254740991, 9007199254740993n, -18446744073709551616n,
    ]);
  });

  test('long fractions are kept as text, short ones are numbers', () => {
    const parsed = parseJsonLossless('{"a": 0.12345678901234567890, "b": 1.5, "c": 1.50000000000000000}');
    assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && !(parsed instanceof JsonNumberText));
    const record = parsed as Record<string, unknown>;
    assert.deepEqual(record['a'], new JsonNumberText('0.12345678901234567890'));
    assert.equal(record['b'], 1.5);
    assert.equal(record['c'], 1.5);
  });

  test('reads strings, escapes and nesting like JSON.parse', () => {
    const text = '{"s": "a\\"b\\\\c\\u00e9\\n", "t": [true, false, null, {}], "n": -1.5e3, "x": "12345678901234567"}';
    assert.deepEqual(parseJsonLossless(text), JSON.parse(text));
  });

  test('syntax errors say where they are', () => {
    assert.throws(() => parseJsonLossless('{"a": 1,}'), (error: unknown) => {
      assert.ok(error instanceof JsonSyntaxError);
      assert.equal(error.offset, 8);
      assert.match(error.reason, /expected a property name/);
      return true;
    });
    assert.throws(() => parseJsonLossless('[1, 12345678901234567 x]'), (error: unknown) => error instanceof JsonSyntaxError && error.offset === 22);
    assert.throws(() => parseJsonLossless('{"a": "open'), /unterminated string/);
  });
});
