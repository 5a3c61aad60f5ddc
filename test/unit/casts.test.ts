import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression } from '../../src/engine/expressions.js';
import { assertCompileError, assertRuntimeError, assertValues, evaluate, parseExpression, SCOPE, typeOf } from './expression-helpers.js';

test('numbers cast to integers by truncating toward zero, with range checks', () => {
  assertValues([
    ['CAST(2.9 AS INT)', 2],
    ['CAST(-2.9 AS INT)', -2],
    ['CAST(2.9e0 AS INT)', 2],
    ['CAST(-2.9e0 AS BIGINT)', -2n],
    ['CAST(i AS BIGINT)', 7n],
    ['CAST(big - 9007199254740000 AS INT)', 993],
    ['CAST(ti AS SMALLINT)', 100],
    ['CAST(127 AS TINYINT)', 127],
    ['CAST(255 AS TINYINT UNSIGNED)', 255],
    ['CAST(flag AS INT)', 1],
    ['CAST(1 AS BOOLEAN)', true],
    ['CAST(0.0 AS BOOLEAN)', false],
    ['CAST(0e0 AS BOOLEAN)', false],
  ]);
  assertRuntimeError('CAST(300 AS TINYINT)', /^cannot cast 300 to TINYINT: out of range \(-128\.\.127\)$/);
  assertRuntimeError('CAST(-1 AS INT UNSIGNED)', /^cannot cast -1 to INT UNSIGNED: out of range \(0\.\.4294967295\)$/);
  assertRuntimeError('CAST(big AS INT)', /^cannot cast 9007199254740993 to INT: out of range/);
  assertRuntimeError('CAST(3e9 AS INT)', /^cannot cast 3000000000 to INT: out of range/);
  assertRuntimeError("CAST(CAST('NaN' AS DOUBLE) AS INT)", /^cannot cast NaN to INT: not a finite number$/);
});

test('numbers cast to DECIMAL rounding half away from zero; too many integer digits is a runtime error', () => {
  assertValues([
    ['CAST(1.5e0 AS DECIMAL(5, 2))', '1.5'],
    ['CAST(1234.125 AS DECIMAL(6, 2))', '1234.13'],
    ['CAST(-1234.125 AS DECIMAL(6, 2))', '-1234.13'],
    ['CAST(1234.1234 AS DECIMAL(6, 2))', '1234.12'],
    ['CAST(i AS DECIMAL(3, 1))', '7'],
    ['CAST(big AS DECIMAL(38, 2))', '9007199254740993'],
    ["CAST('0.5' AS DECIMAL)", '1'],
    ['CAST(flag AS DECIMAL(2, 1))', '1'],
  ]);
  assert.equal(typeOf('CAST(i AS DECIMAL(3, 1))'), 'DECIMAL(3, 1) NOT NULL');
  assertRuntimeError("CAST('1234.1234' AS DECIMAL(6, 3))", /^'1234.1234' does not fit in DECIMAL\(6, 3\)$/);
  assertRuntimeError('CAST(100 AS DECIMAL(3, 1))', /^100 does not fit in DECIMAL\(3, 1\)$/);
  assertRuntimeError('CAST(1e0 / 0 AS DECIMAL(5, 2))', /^cannot cast Infinity to DECIMAL\(5, 2\): not a finite number$/);
});

test('numbers cast to REAL and DOUBLE; text that is no number casts to 0 as Feldera does', () => {
  assertValues([
    ['CAST(i AS DOUBLE)', 7],
    ['CAST(big AS DOUBLE)', 9007199254740992],
    ['CAST(d AS DOUBLE)', 12.5],
    ['CAST(0.1 AS REAL)', Math.fround(0.1)],
    ['CAST(0.1e0 AS REAL)', Math.fround(0.1)],
    ['CAST(r AS DOUBLE)', 1.5],
    ["CAST(' 1.5 ' AS DOUBLE)", 1.5],
    ["CAST('.5' AS DOUBLE)", 0.5],
    ["CAST('1e400' AS DOUBLE)", Infinity],
    ["CAST('-inf' AS DOUBLE)", -Infinity],
    ["CAST('Infinity' AS DOUBLE)", Infinity],
    ["CAST('NaN' AS REAL)", Number.NaN],
    ["CAST('abc' AS DOUBLE)", 0],
    ['CAST(flag AS DOUBLE)', 1],
  ]);
});

test('text casts to numbers and booleans parse it, with a runtime error naming the text', () => {
  assertValues([
    ["CAST(' 42 ' AS INT)", 42],
    ["CAST('-42' AS BIGINT)", -42n],
    ["CAST('12.345' AS DECIMAL(5, 2))", '12.35'],
    ["CAST('1e3' AS DECIMAL(5, 0))", '1000'],
    ["CAST(' TRUE ' AS BOOLEAN)", true],
    ["CAST('false' AS BOOLEAN)", false],
  ]);
  assertRuntimeError("CAST('4x' AS INT)", /^cannot cast '4x' to INT: not an integer$/);
  assertRuntimeError("CAST('1.5' AS INT)", /^cannot cast '1.5' to INT: not an integer$/);
  assertRuntimeError("CAST('99999999999' AS INT)", /^cannot cast '99999999999' to INT: out of range/);
  assertRuntimeError("CAST('abc' AS DECIMAL(5, 2))", /^cannot cast 'abc' to DECIMAL\(5, 2\): not a number$/);
  assertRuntimeError("CAST('yes' AS BOOLEAN)", /^cannot cast 'yes' to BOOLEAN: expected 'true' or 'false'$/);
});

test('values cast to text in their canonical forms; floats as Rust ryu prints them; VARCHAR(n) cuts and CHAR(n) pads', () => {
  assertValues([
    ['CAST(i AS VARCHAR)', '7'],
    ['CAST(-i AS VARCHAR)', '-7'],
    ['CAST(big AS VARCHAR)', '9007199254740993'],
    ['CAST(d AS VARCHAR)', '12.5'],
    ['CAST(100.00 AS VARCHAR)', '100'],
    ['CAST(1e0 AS VARCHAR)', '1.0'],
    ['CAST(0.1e0 AS VARCHAR)', '0.1'],
    ['CAST(-0e0 AS VARCHAR)', '-0.0'],
    ['CAST(1e15 AS VARCHAR)', '1000000000000000.0'],
    ['CAST(1e16 AS VARCHAR)', '1e16'],
    ['CAST(1.5e16 AS VARCHAR)', '1.5e16'],
    ['CAST(1e-5 AS VARCHAR)', '0.00001'],
    ['CAST(1.5e-7 AS VARCHAR)', '1.5e-7'],
    ['CAST(123456.789e0 AS VARCHAR)', '123456.789'],
    ['CAST(r AS VARCHAR)', '1.5'],
    ['CAST(CAST(0.1 AS REAL) AS VARCHAR)', '0.1'],
    ['CAST(CAST(1e13 AS REAL) AS VARCHAR)', '1e13'],
    ['CAST(CAST(1e-6 AS REAL) AS VARCHAR)', '0.000001'],
    ["CAST(CAST('NaN' AS DOUBLE) AS VARCHAR)", 'NaN'],
    ['CAST(-1e0 / 0 AS VARCHAR)', '-inf'],
    ['CAST(flag AS VARCHAR)', 'TRUE'],
    ['CAST(NOT flag AS VARCHAR)', 'FALSE'],
    ['CAST(dt AS VARCHAR)', '2024-05-25'],
    ['CAST(ts AS VARCHAR)', '2024-05-25 01:02:03.120'],
    ['CAST(tm AS VARCHAR)', '01:02:03.500'],
    ['CAST(u AS VARCHAR)', '550e8400-e29b-41d4-a716-446655440000'],
    ['CAST(s AS VARCHAR(3))', 'Hel'],
    ['CAST(s AS CHAR(7))', 'Hello  '],
    ['CAST(s AS CHAR(2))', 'He'],
    ["CAST('😀😀' AS VARCHAR(1))", '😀'],
    ["CAST('😀' AS CHAR(2))", '😀 '],
    ['CAST(c AS VARCHAR)', 'ab   '],
  ]);
  assert.equal(typeOf('CAST(s AS CHAR(7))'), 'CHAR(7) NOT NULL');
});

test('text casts to DATE, TIME, TIMESTAMP and UUID parse it, with a runtime error naming the text', () => {
  assertValues([
    ["CAST('2024-1-5' AS DATE)", '2024-01-05'],
    ["CAST(' 2024-01-05 ' AS DATE)", '2024-01-05'],
    ["CAST('1:2:3' AS TIME)", '01:02:03'],
    ["CAST('01:02:03.123456789' AS TIME)", '01:02:03.123456789'],
    ["CAST('2024-05-25 01:02:03.5' AS TIMESTAMP)", '2024-05-25 01:02:03.500'],
    ["CAST('2024-05-25T01:02:03+02:00' AS TIMESTAMP)", '2024-05-24 23:02:03'],
    ["CAST('2024-05-25' AS TIMESTAMP)", '2024-05-25 00:00:00'],
    ["CAST(' 550E8400-E29B-41D4-A716-446655440000 ' AS UUID)", '550e8400-e29b-41d4-a716-446655440000'],
  ]);
  assertRuntimeError("CAST('2024-02-30' AS DATE)", /^cannot cast '2024-02-30' to DATE: day 30 is out of range \(1\.\.29\)$/);
  assertRuntimeError("CAST('noon' AS TIME)", /^cannot cast 'noon' to TIME: expected H:M:S/);
  assertRuntimeError("CAST('x' AS TIMESTAMP)", /^cannot cast 'x' to TIMESTAMP: expected YYYY-MM-DD HH:MM:SS/);
  assertRuntimeError("CAST('nope' AS UUID)", /^cannot cast 'nope' to UUID: expected 8-4-4-4-12 hex digits$/);
});

test('DATE, TIME and TIMESTAMP convert into each other; TIMESTAMP and integers through milliseconds since the epoch', () => {
  assertValues([
    ['CAST(dt AS TIMESTAMP)', '2024-05-25 00:00:00'],
    ['CAST(ts AS DATE)', '2024-05-25'],
    ['CAST(ts AS TIME)', '01:02:03.120'],
    ['CAST(ts AS BIGINT)', 1716598923120n],
    ['CAST(1716598923120 AS TIMESTAMP)', '2024-05-25 01:02:03.120'],
    ['CAST(0 AS TIMESTAMP)', '1970-01-01 00:00:00'],
    ['CAST(-1 AS TIMESTAMP)', '1969-12-31 23:59:59.999'],
    ["CAST(TIMESTAMP '0001-01-01 00:00:00' AS BIGINT)", -62135596800000n],
  ]);
  assertRuntimeError('CAST(ts AS INT)', /^cannot cast TIMESTAMP '2024-05-25 01:02:03.120' to INT: out of range/);
  assertRuntimeError('CAST(300000000000000 AS TIMESTAMP)', /outside the TIMESTAMP range/);
});

test('UUID and binary strings convert into each other; BINARY(n) pads and VARBINARY(n) cuts', () => {
  assert.deepEqual(evaluate('CAST(u AS VARBINARY)'), Uint8Array.from([0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00]));
  assertValues([
    ['CAST(CAST(u AS BINARY(16)) AS UUID) = u', true],
    ['CAST(bin AS BINARY(5))', new Uint8Array([1, 2, 3, 0, 0])],
    ['CAST(bin AS VARBINARY(2))', new Uint8Array([1, 2])],
    ["CAST(X'0102' AS VARBINARY)", new Uint8Array([1, 2])],
  ]);
  assertRuntimeError('CAST(bin AS UUID)', /^cannot cast 3 bytes to UUID: a UUID is 16 bytes$/);
});

test('arrays, maps and rows cast element by element; rows by field position', () => {
  assertValues([
    ['CAST(arr AS BIGINT ARRAY)', [1n, 2n, null]],
    ['CAST(arr AS VARCHAR ARRAY)', ['1', '2', null]],
    ["CAST(ARRAY['1', '2'] AS INT ARRAY)", [1, 2]],
    ['CAST(m AS MAP<VARCHAR, BIGINT>)', { a: 1n, b: null }],
    ['CAST(mi AS MAP<BIGINT, VARCHAR>)', { '10': 'ten', '2': 'two' }],
    ['CAST(mi AS MAP<VARCHAR, VARCHAR>)', { '10': 'ten', '2': 'two' }],
    ['CAST(addr AS ROW(a VARCHAR, b BIGINT))', { a: 'Main', b: 10n }],
    ['CAST(addr AS address)', { street: 'Main', num: 10 }],
  ]);
  assert.equal(typeOf('CAST(addr AS ROW(a VARCHAR, b BIGINT))'), 'ROW(a VARCHAR, b BIGINT)');
  assertRuntimeError("CAST(ARRAY['1', 'x'] AS INT ARRAY)", /^cannot cast 'x' to INT: not an integer$/);
  assertCompileError('CAST(addr AS ROW(a VARCHAR))', 'SQL_INVALID', 'prog.sql:2:1: cannot cast address to ROW(a VARCHAR)');
  assertCompileError('CAST(arr AS DATE ARRAY)', 'SQL_INVALID', 'prog.sql:2:1: cannot cast INT ARRAY to DATE ARRAY');
});

test('casts SQL has no rule for, and bad type names, are compile errors', () => {
  assertCompileError('CAST(dt AS BOOLEAN)', 'SQL_INVALID', 'prog.sql:2:1: cannot cast DATE to BOOLEAN');
  assertCompileError('CAST(i AS DATE)', 'SQL_INVALID', 'prog.sql:2:1: cannot cast INT to DATE');
  assertCompileError('CAST(flag AS TIMESTAMP)', 'SQL_INVALID', 'prog.sql:2:1: cannot cast BOOLEAN to TIMESTAMP');
  assertCompileError('CAST(arr AS VARCHAR)', 'SQL_INVALID', 'prog.sql:2:1: cannot cast INT ARRAY to VARCHAR');
  assertCompileError(
    'CAST(i AS nosuch)',
    'SQL_INVALID',
    'prog.sql:2:11: unknown SQL type nosuch: no built-in or user-defined type has this name',
  );
  // The parser checks type text itself; a tree built some other way is checked here.
  const cast = parseExpression('CAST(i AS INT)');
  assert.ok(cast.kind === 'Cast');
  const invalid = { ...cast, type: { ...cast.type, text: 'DECIMAL(50)' } };
  assert.throws(() => compileExpression(invalid, SCOPE), {
    code: 'SQL_INVALID',
    message: 'prog.sql:2:11: invalid SQL type "DECIMAL(50)": expected a precision between 1 and 38 at character 9',
  });
});

test('any value casts to VARIANT as a JSON value; casts from VARIANT never fail and give NULL on a mismatch', () => {
  assertValues([
    ['CAST(i AS VARIANT)', 7],
    ['CAST(big AS VARIANT)', 9007199254740993n],
    ['CAST(CAST(5 AS BIGINT) AS VARIANT)', 5],
    ['CAST(d AS VARIANT)', 12.5],
    ['CAST(s AS VARIANT)', 'Hello'],
    ['CAST(dt AS VARIANT)', '2024-05-25'],
    ['CAST(arr AS VARIANT)', [1, 2, null]],
    ['CAST(addr AS VARIANT)', { street: 'Main', num: 10 }],
    ['CAST(m AS VARIANT)', { a: 1, b: null }],
    ["CAST(v['n'] AS INT)", 5],
    ["CAST(v['n'] AS DECIMAL(5, 2))", '5'],
    ["CAST(v['n'] AS DOUBLE)", 5],
    ["CAST(v['n'] AS VARCHAR)", null],
    ["CAST(v['n'] AS BOOLEAN)", null],
    ["CAST(v['a'] AS VARCHAR ARRAY)", [null, 'x']],
    ["CAST(v['a'] AS INT ARRAY)", [1, null]],
    ["CAST(v['a'] AS INT)", null],
    ['CAST(v AS address)', { street: null, num: null }],
    ['CAST(v AS MAP<VARCHAR, VARIANT>)', { a: [1, 'x'], n: 5 }],
    ["CAST(CAST(300 AS VARIANT) AS TINYINT)", null],
    ["CAST(CAST(2.5 AS VARIANT) AS INT)", 2],
    ["CAST(CAST(1.5 AS VARIANT) AS DECIMAL(5, 2))", '1.5'],
    ["CAST(CAST('2024-01-01' AS VARIANT) AS DATE)", '2024-01-01'],
    ["CAST(CAST('bad' AS VARIANT) AS DATE)", null],
    ["CAST(CAST(addr AS VARIANT) AS address)", { street: 'Main', num: 10 }],
    ["CAST(CAST(mi AS VARIANT) AS MAP<INT, VARCHAR>)", { '10': 'ten', '2': 'two' }],
    ["CAST(CAST(m AS VARIANT) AS MAP<INT, INT>)", null],
  ]);
  assert.equal(typeOf('CAST(i AS VARIANT)'), 'VARIANT NOT NULL');
  assert.equal(typeOf("CAST(v['n'] AS INT)"), 'INT');
  assert.equal(typeOf('CAST(CAST(i AS VARIANT) AS INT)'), 'INT', 'a cast from VARIANT can give NULL');
});

test('values survive a round trip through VARCHAR and through VARIANT', () => {
  const columns: [string, string][] = [
    ['i', 'INT'],
    ['big', 'BIGINT'],
    ['ti', 'TINYINT'],
    ['d', 'DECIMAL(10, 2)'],
    ['f', 'DOUBLE'],
    ['r', 'REAL'],
    ['flag', 'BOOLEAN'],
    ['dt', 'DATE'],
    ['tm', 'TIME'],
    ['ts', 'TIMESTAMP'],
    ['u', 'UUID'],
    ['s', 'VARCHAR'],
  ];
  for (const [column, type] of columns) {
    const original = evaluate(column);
    assert.deepEqual(evaluate(`CAST(CAST(${column} AS VARCHAR) AS ${type})`), original, `${column} through VARCHAR`);
    assert.deepEqual(evaluate(`CAST(CAST(${column} AS VARIANT) AS ${type})`), original, `${column} through VARIANT`);
  }
  for (const x of [0.1, 1 / 3, -1e-7, 1e300, 123456789.123, 2 ** 60]) {
    const literal = `${x.toExponential()}`.replace('e+', 'e');
    assert.equal(evaluate(`CAST(CAST(${literal} AS VARCHAR) AS DOUBLE)`), x, literal);
  }
  for (const column of ['arr', 'addr', 'm']) {
    assert.deepEqual(evaluate(`CAST(CAST(${column} AS VARIANT) AS ${typeOf(column).replace(' NOT NULL', '')})`), evaluate(column), column);
  }
});
