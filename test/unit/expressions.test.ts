import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, isTrue, type ExpressionScope } from '../../src/engine/expressions.js';
import type { Value } from '../../src/engine/value.js';
import { formatSqlType, parseSqlType } from '../../src/sql/parse-type.js';
import {
  assertCompileError,
  assertRuntimeError,
  assertValues,
  compile,
  compileCondition,
  evaluate,
  fieldsOf,
  parseExpression,
  ROW,
  ROW_VALUES,
  SCOPE,
  typeOf,
} from './expression-helpers.js';

test('literals are typed like Calcite: INT, then BIGINT, then DECIMAL; 12.50 is DECIMAL(4, 2); 1e3 is DOUBLE', () => {
  const cases: [string, Value, string][] = [
    ['12', 12, 'INT NOT NULL'],
    ['2147483647', 2147483647, 'INT NOT NULL'],
    ['2147483648', 2147483648n, 'BIGINT NOT NULL'],
    ['99999999999999999999', '99999999999999999999', 'DECIMAL(20, 0) NOT NULL'],
    ['12.50', '12.5', 'DECIMAL(4, 2) NOT NULL'],
    ['0.05', '0.05', 'DECIMAL(3, 2) NOT NULL'],
    ['1e3', 1000, 'DOUBLE NOT NULL'],
    ['1.5e-7', 1.5e-7, 'DOUBLE NOT NULL'],
    ["'abc'", 'abc', 'VARCHAR NOT NULL'],
    ["''", '', 'VARCHAR NOT NULL'],
    ['TRUE', true, 'BOOLEAN NOT NULL'],
    ['false', false, 'BOOLEAN NOT NULL'],
    ["DATE '2024-1-5'", '2024-01-05', 'DATE NOT NULL'],
    ["TIME '01:02:03.5'", '01:02:03.500', 'TIME NOT NULL'],
    ["TIMESTAMP '2024-05-25 01:02:03.000456'", '2024-05-25 01:02:03.000456', 'TIMESTAMP NOT NULL'],
    ["UUID '550E8400-E29B-41D4-A716-446655440000'", '550e8400-e29b-41d4-a716-446655440000', 'UUID NOT NULL'],
    ["X'0aFF'", new Uint8Array([10, 255]), 'BINARY(2) NOT NULL'],
    ['CAST(NULL AS INT)', null, 'INT'],
  ];
  for (const [sql, value, type] of cases) {
    assert.deepEqual(evaluate(sql), value, sql);
    assert.equal(typeOf(sql), type, sql);
  }
});

test('invalid typed literals and a bare NULL are compile errors at their position', () => {
  assertCompileError("DATE '2024-02-30'", 'SQL_INVALID', "prog.sql:2:1: invalid DATE literal '2024-02-30': day 30 is out of range (1..29)");
  assertCompileError("1 + UUID 'xyz'", 'SQL_INVALID', "prog.sql:2:5: invalid UUID literal 'xyz': expected 8-4-4-4-12 hex digits");
  assertCompileError('NULL', 'SQL_INVALID', 'prog.sql:2:1: illegal use of NULL: give it a type with CAST(NULL AS type)');
  assertCompileError(`${'9'.repeat(39)}`, 'SQL_INVALID', `prog.sql:2:1: numeric literal ${'9'.repeat(39)} has more than 38 digits`);
});

test('columns are found by name, directly or through the relation name or alias', () => {
  assertValues([
    ['i', 7],
    ['t.i', 7],
    ['tt.s', 'Hello'],
    ['n', null],
  ]);
  assert.equal(typeOf('i'), 'INT NOT NULL');
  assert.equal(typeOf('n'), 'INT');
  assert.equal(typeOf('addr'), 'address');
});

test('unknown and ambiguous names are compile errors at the name', () => {
  assertCompileError('zz + 1', 'SQL_INVALID', 'prog.sql:2:1: unknown column zz');
  assertCompileError('qqqqqq + 1', 'SQL_INVALID', 'prog.sql:2:1: unknown column qqqqqq');
  assertCompileError('ADRR', 'SQL_INVALID', 'prog.sql:2:1: unknown column adrr; did you mean addr?');
  assertCompileError('t.zz', 'SQL_INVALID', 'prog.sql:2:3: unknown column zz in t');
  assertCompileError('q.i', 'SQL_INVALID', 'prog.sql:2:1: unknown table or column q');
  assertCompileError('i.x', 'SQL_INVALID', 'prog.sql:2:3: cannot access field x of INT');
  const scope: ExpressionScope = { ...SCOPE, columns: [...SCOPE.columns, { name: 'i', type: parseSqlType('BIGINT'), nullable: false }] };
  assert.throws(() => compileExpression(parseExpression('1 + i'), scope), { code: 'SQL_INVALID', message: 'prog.sql:2:5: column i is ambiguous (qualify it with its table name or alias)' });
});

test('integer arithmetic keeps the wider operand type, truncates division and follows the dividend sign in %', () => {
  const cases: [string, Value, string][] = [
    ['i + 1', 8, 'INT NOT NULL'],
    ['i - 10', -3, 'INT NOT NULL'],
    ['i * 3', 21, 'INT NOT NULL'],
    ['i / 2', 3, 'INT NOT NULL'],
    ['-i / 2', -3, 'INT NOT NULL'],
    ['i % 3', 1, 'INT NOT NULL'],
    ['-i % 3', -1, 'INT NOT NULL'],
    ['i % -3', 1, 'INT NOT NULL'],
    ['ti + i', 107, 'INT NOT NULL'],
    ['ti - ti', 0, 'TINYINT NOT NULL'],
    ['big + 1', 9007199254740994n, 'BIGINT NOT NULL'],
    ['big / 2', 4503599627370496n, 'BIGINT NOT NULL'],
    ['big % 10', 3n, 'BIGINT NOT NULL'],
    ['i + big', 9007199254741000n, 'BIGINT NOT NULL'],
    ['+i', 7, 'INT NOT NULL'],
    ['0 * -1', 0, 'INT NOT NULL'],
  ];
  for (const [sql, value, type] of cases) {
    assert.deepEqual(evaluate(sql), value, sql);
    assert.equal(typeOf(sql), type, sql);
  }
  assert.ok(Object.is(evaluate('0 * -1'), 0), 'no negative zero in integers');
});

test('integer overflow and division by zero are runtime errors naming the operation', () => {
  assertRuntimeError('2147483647 + i', /^integer overflow: 2147483647 \+ 7 does not fit in INT$/);
  assertRuntimeError('ti + ti', /^integer overflow: 100 \+ 100 does not fit in TINYINT$/);
  assertRuntimeError('big * big', /^integer overflow: 9007199254740993 \* 9007199254740993 does not fit in BIGINT$/);
  assertRuntimeError('-(-2147483647 - 1)', /^integer overflow: -\(-2147483648\) does not fit in INT$/);
  assertRuntimeError('i / 0', /^division by zero: 7 \/ 0$/);
  assertRuntimeError('i % 0', /^division by zero: 7 % 0$/);
  assertRuntimeError('big / 0', /^division by zero: 9007199254740993 \/ 0$/);
});

test('DECIMAL arithmetic is exact, with Calcite result precision and scale', () => {
  const cases: [string, Value, string][] = [
    ['d + 1.25', '13.75', 'DECIMAL(11, 2) NOT NULL'],
    ['d - 20', '-7.5', 'DECIMAL(13, 2) NOT NULL'],
    ['i + d', '19.5', 'DECIMAL(13, 2) NOT NULL'],
    ['d * 2.5', '31.25', 'DECIMAL(12, 3) NOT NULL'],
    ['0.1 * 0.2', '0.02', 'DECIMAL(4, 2) NOT NULL'],
    ['d / 4', '3.125', 'DECIMAL(21, 13) NOT NULL'],
    ['1.00 / 3.00', '0.333333', 'DECIMAL(9, 6) NOT NULL'],
    ['2.00 / 3.00', '0.666667', 'DECIMAL(9, 6) NOT NULL'],
    ['-2.00 / 3.00', '-0.666667', 'DECIMAL(9, 6) NOT NULL'],
    ['d % 5', '2.5', 'DECIMAL(10, 2) NOT NULL'],
    ['-d % 5', '-2.5', 'DECIMAL(10, 2) NOT NULL'],
    ['-d', '-12.5', 'DECIMAL(10, 2) NOT NULL'],
    ['0.1 + 0.2 - 0.3', '0', 'DECIMAL(4, 1) NOT NULL'],
  ];
  for (const [sql, value, type] of cases) {
    assert.deepEqual(evaluate(sql), value, sql);
    assert.equal(typeOf(sql), type, sql);
  }
  assertRuntimeError('d / 0', /^division by zero: 12.5 \/ 0$/);
  assertRuntimeError('d % 0.0', /^division by zero: 12.5 % 0$/);
  const max = '9'.repeat(38);
  assertRuntimeError(`${max} + 1`, new RegExp(`^the result of ${max} \\+ 1 does not fit in DECIMAL\\(38, 0\\)$`));
});

test('REAL and DOUBLE arithmetic is IEEE: division by zero gives infinities or NaN', () => {
  const cases: [string, Value, string][] = [
    ['f * 2', 5, 'DOUBLE NOT NULL'],
    ['i + f', 9.5, 'DOUBLE NOT NULL'],
    ['d + f', 15, 'DOUBLE NOT NULL'],
    ['f / 0', Infinity, 'DOUBLE NOT NULL'],
    ['-f / 0', -Infinity, 'DOUBLE NOT NULL'],
    ['0e0 / 0', Number.NaN, 'DOUBLE NOT NULL'],
    ['f % 0', Number.NaN, 'DOUBLE NOT NULL'],
    ['f % 2', 0.5, 'DOUBLE NOT NULL'],
    ['r + 1', 2.5, 'REAL NOT NULL'],
    ['r + 0.1', Math.fround(1.6), 'REAL NOT NULL'],
    ['r * f', 3.75, 'DOUBLE NOT NULL'],
  ];
  for (const [sql, value, type] of cases) {
    assert.deepEqual(evaluate(sql), value, sql);
    assert.equal(typeOf(sql), type, sql);
  }
});

test('arithmetic on non-numbers is a compile error naming both types at the expression', () => {
  assertCompileError("'a' + 1", 'SQL_INVALID', 'prog.sql:2:1: cannot apply + to VARCHAR and INT');
  assertCompileError('i * flag', 'SQL_INVALID', 'prog.sql:2:1: cannot apply * to INT and BOOLEAN');
  assertCompileError('dt - 1', 'SQL_INVALID', 'prog.sql:2:1: cannot apply - to DATE and INT');
  assertCompileError('-s', 'SQL_INVALID', 'prog.sql:2:1: cannot apply - to VARCHAR');
  assertCompileError('+s', 'SQL_INVALID', 'prog.sql:2:1: cannot apply + to VARCHAR');
  assertCompileError("i +\n  (1 || 'a')", 'SQL_INVALID', 'prog.sql:3:3: cannot apply || to INT and VARCHAR');
});

test('NULL propagates through operators, and a NULL operand takes the other operand type', () => {
  const cases: [string, string][] = [
    ['n + 1', 'INT'],
    ['NULL + 1', 'INT'],
    ['1.5 * NULL', 'DECIMAL(4, 2)'],
    ['-n', 'INT'],
    ["NULL || 'a'", 'VARCHAR'],
    ['n = 1', 'BOOLEAN'],
    ['n < i', 'BOOLEAN'],
    ['NULL = 1', 'BOOLEAN'],
  ];
  for (const [sql, type] of cases) {
    assert.equal(evaluate(sql), null, sql);
    assert.equal(typeOf(sql), type, sql);
  }
});

test('comparisons work across numeric kinds, strings, dates, times, timestamps, booleans and binary', () => {
  assertValues([
    ['i = 7', true],
    ['i <> 7', false],
    ['i < 7.5', true],
    ['i < 7.5e0', true],
    ['i >= 7.0', true],
    ['d > 12', true],
    ['d = 12.50', true],
    ['big > 9007199254740992', true],
    ['ti < big', true],
    ['f = 2.5', true],
    ["s < 'World'", true],
    ["s = 'Hello'", true],
    ["s <= 'Hell'", false],
    ["DATE '2024-05-25' < DATE '2024-06-01'", true],
    ["dt = '2024-05-25'", true],
    ["'2024-05-26' > dt", true],
    ['ts > dt', true],
    ["ts < TIMESTAMP '2024-05-25 01:02:03.121'", true],
    ["tm < TIME '02:00:00'", true],
    ["tm > '01:02:03.499'", true],
    ['flag > FALSE', true],
    ["bin < X'0104'", true],
    ["bin > X'0102'", true],
    ["u = '550E8400-E29B-41D4-A716-446655440000'", true],
    ["CAST('NaN' AS DOUBLE) = CAST('NaN' AS DOUBLE)", true],
    ["CAST('NaN' AS DOUBLE) > 1e308", true],
    ['-0e0 = 0e0', true],
  ]);
});

test('arrays compare element by element with NULL elements equal and below everything', () => {
  assertValues([
    ['arr = ARRAY[1, 2, CAST(NULL AS INT)]', true],
    ['arr <> ARRAY[1, 2]', true],
    ['ARRAY[CAST(NULL AS INT)] < ARRAY[1]', true],
    ['ARRAY[1, 2] < ARRAY[1, 2, 0]', true],
    ['ARRAY[45] > ARRAY[22]', true],
    ['ARRAY[1, 2] = ARRAY[1.0, 2.0]', true],
    ['addr < addr', false],
    ['addr <= addr', true],
  ]);
});

test('comparing values that do not mix, or ROW values with =, is a compile error', () => {
  assertCompileError('dt = TRUE', 'SQL_INVALID', 'prog.sql:2:1: cannot apply = to DATE and BOOLEAN');
  assertCompileError('s = 1', 'SQL_INVALID', 'prog.sql:2:1: cannot apply = to VARCHAR and INT');
  assertCompileError('arr < s', 'SQL_INVALID', 'prog.sql:2:1: cannot apply < to INT ARRAY and VARCHAR');
  assertCompileError('addr = addr', 'SQL_INVALID', 'prog.sql:2:1: cannot apply = to ROW values (address): compare their fields instead');
  assertRuntimeError("dt = 'x'", /^cannot cast 'x' to DATE: expected YYYY-MM-DD$/);
});

test('AND, OR and NOT follow three-valued logic', () => {
  const values = ['TRUE', 'FALSE', 'nb'] as const;
  const truth = { TRUE: true, FALSE: false, nb: null } as const;
  const and = (a: boolean | null, b: boolean | null): boolean | null => (a === false || b === false ? false : a === null || b === null ? null : true);
  const or = (a: boolean | null, b: boolean | null): boolean | null => (a === true || b === true ? true : a === null || b === null ? null : false);
  for (const a of values) {
    for (const b of values) {
      assert.equal(evaluate(`${a} AND ${b}`), and(truth[a], truth[b]), `${a} AND ${b}`);
      assert.equal(evaluate(`${a} OR ${b}`), or(truth[a], truth[b]), `${a} OR ${b}`);
    }
    const x = truth[a];
    assert.equal(evaluate(`NOT ${a}`), x === null ? null : !x, `NOT ${a}`);
  }
  assert.equal(evaluate('NULL AND FALSE'), false);
  assert.equal(evaluate('NULL OR TRUE'), true);
  assert.equal(typeOf('flag AND TRUE'), 'BOOLEAN NOT NULL');
  assert.equal(typeOf('flag AND nb'), 'BOOLEAN');
  assert.equal(evaluate('FALSE AND i / 0 = 1'), false, 'the right side is not needed');
  assert.equal(evaluate('TRUE OR i / 0 = 1'), true, 'the right side is not needed');
  assertCompileError('1 AND TRUE', 'SQL_INVALID', 'prog.sql:2:1: cannot apply AND to INT and BOOLEAN');
  assertCompileError('NOT s', 'SQL_INVALID', 'prog.sql:2:1: cannot apply NOT to VARCHAR');
});

test('IS [NOT] NULL and IS [NOT] TRUE/FALSE never return NULL', () => {
  assertValues([
    ['n IS NULL', true],
    ['i IS NULL', false],
    ['n IS NOT NULL', false],
    ['addr IS NOT NULL', true],
    ['nb IS TRUE', false],
    ['nb IS NOT TRUE', true],
    ['nb IS FALSE', false],
    ['nb IS NOT FALSE', true],
    ['flag IS TRUE', true],
    ['flag IS NOT FALSE', true],
    ['flag IS FALSE', false],
    ['NULL IS NULL', true],
  ]);
  assert.equal(typeOf('n IS NULL'), 'BOOLEAN NOT NULL');
  assert.equal(typeOf('nb IS TRUE'), 'BOOLEAN NOT NULL');
  assertCompileError('i IS TRUE', 'SQL_INVALID', 'prog.sql:2:1: cannot apply IS TRUE to INT');
});

test('BETWEEN is inclusive and asymmetric, with three-valued logic', () => {
  assertValues([
    ['i BETWEEN 1 AND 10', true],
    ['i BETWEEN 7 AND 7', true],
    ['i BETWEEN 8 AND 10', false],
    ['i NOT BETWEEN 8 AND 10', true],
    ['i BETWEEN 10 AND 1', false],
    ['i BETWEEN n AND 10', null],
    ['i BETWEEN n AND 5', false],
    ['i NOT BETWEEN n AND 5', true],
    ['n BETWEEN 1 AND 2', null],
    ['d BETWEEN 12 AND 12.5', true],
    ["dt BETWEEN '2024-01-01' AND '2024-12-31'", true],
    ["s BETWEEN 'A' AND 'Z'", true],
  ]);
  assertCompileError("i BETWEEN 1 AND 'a'", 'SQL_INVALID', 'prog.sql:2:1: cannot apply BETWEEN to INT, INT, VARCHAR');
});

test('IN is TRUE on a match, else NULL when a NULL is involved, else FALSE', () => {
  assertValues([
    ['i IN (1, 2, 7)', true],
    ['i IN (1, 2)', false],
    ['i NOT IN (1, 2)', true],
    ['i IN (1, NULL)', null],
    ['i IN (7, NULL)', true],
    ['i NOT IN (1, NULL)', null],
    ['n IN (1, 2)', null],
    ['i IN (7.0)', true],
    ['d IN (3, 12.5)', true],
    ['big IN (9007199254740993)', true],
    ["s IN ('a', 'Hello')", true],
    ["c IN ('ab   ')", true],
    ['i IN (n, 7)', true],
    ['i IN (n, 1)', null],
    ['i IN (i - 1, i)', true],
    ['f IN (2.5e0)', true],
    ["dt IN ('2024-05-25', '2024-05-26')", true],
    ['-i IN (-7)', true],
  ]);
  assert.equal(typeOf('i IN (1, 2)'), 'BOOLEAN NOT NULL');
  assert.equal(typeOf('i IN (1, n)'), 'BOOLEAN');
  assertCompileError("i IN (1, 'a')", 'SQL_INVALID', 'prog.sql:2:1: cannot apply IN to INT and (INT, VARCHAR)');
  assertCompileError('addr IN (addr)', 'SQL_INVALID', 'prog.sql:2:1: cannot apply IN to ROW values (address): compare their fields instead');
  assertRuntimeError("dt IN ('bad')", /^cannot cast 'bad' to DATE/);
});

test('LIKE matches the whole string with % and _, backslash escaping', () => {
  assertValues([
    ["s LIKE 'H%'", true],
    ["s LIKE 'h%'", false],
    ["s LIKE '_ello'", true],
    ["s LIKE 'Hello_'", false],
    ["s LIKE '%ll%'", true],
    ["s NOT LIKE '%x%'", true],
    ["'abc' LIKE 'abc'", true],
    ["'abc' LIKE 'c'", false],
    ["'a.c' LIKE 'a.c'", true],
    ["'abc' LIKE 'a.c'", false],
    ["'a(b)*' LIKE 'a(b)*'", true],
    ["'100%' LIKE '100\\%'", true],
    ["'100x' LIKE '100\\%'", false],
    ["'a_b' LIKE 'a\\_b'", true],
    ["'axb' LIKE 'a\\_b'", false],
    ["'😀x' LIKE '_x'", true],
    ["CAST(NULL AS VARCHAR) LIKE 'a'", null],
    ['s LIKE CAST(NULL AS VARCHAR)', null],
  ]);
  assert.equal(evaluate("'line1\nline2' LIKE 'line1%'"), true);
  assertCompileError("i LIKE 'a'", 'SQL_INVALID', 'prog.sql:2:1: cannot apply LIKE to INT');
  assertRuntimeError("s LIKE 'abc\\'", /^LIKE pattern 'abc\\' ends with the escape character$/);
});

test('CASE picks the first matching branch; its type is the common type of the results', () => {
  const cases: [string, Value, string][] = [
    ["CASE WHEN i > 5 THEN 'big' WHEN i > 2 THEN 'mid' END", 'big', 'VARCHAR'],
    ["CASE WHEN i > 50 THEN 'big' WHEN i > 2 THEN 'mid' ELSE 'small' END", 'mid', 'VARCHAR NOT NULL'],
    ["CASE WHEN i > 50 THEN 'big' END", null, 'VARCHAR'],
    ['CASE WHEN nb THEN 1 ELSE 2 END', 2, 'INT NOT NULL'],
    ['CASE WHEN flag THEN 1 ELSE 2.5 END', '1', 'DECIMAL(11, 1) NOT NULL'],
    ['CASE WHEN flag THEN n ELSE 1 END', null, 'INT'],
    ["CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' ELSE 'other' END", 'seven', 'VARCHAR NOT NULL'],
    ["CASE i WHEN 1 THEN 'one' END", null, 'VARCHAR'],
    ['CASE n WHEN NULL THEN 1 ELSE 0 END', 0, 'INT NOT NULL'],
    ['CASE d WHEN 12.5 THEN TRUE ELSE FALSE END', true, 'BOOLEAN NOT NULL'],
    ['CASE WHEN i = 0 THEN 1 / 0 ELSE 1 END', 1, 'INT NOT NULL'],
  ];
  for (const [sql, value, type] of cases) {
    assert.deepEqual(evaluate(sql), value, sql);
    assert.equal(typeOf(sql), type, sql);
  }
  assertCompileError("CASE WHEN flag THEN 1 ELSE 'a' END", 'SQL_INVALID', 'prog.sql:2:1: CASE branches have incompatible types: INT, VARCHAR');
  assertCompileError('CASE WHEN flag THEN 1 WHEN i THEN 2 END', 'SQL_INVALID', 'prog.sql:2:28: a CASE condition must be BOOLEAN, not INT');
  assertCompileError("CASE i WHEN 'a' THEN 1 END", 'SQL_INVALID', 'prog.sql:2:1: cannot compare CASE value INT with VARCHAR');
});

test('array elements are 1-based and out-of-range indexes give NULL; maps and VARIANTs are indexed by key', () => {
  assertValues([
    ['arr[1]', 1],
    ['arr[2]', 2],
    ['arr[3]', null],
    ['arr[4]', null],
    ['arr[0]', null],
    ['arr[n]', null],
    ["m['a']", 1],
    ["m['b']", null],
    ["m['z']", null],
    ["m['constructor']", null],
    ['mi[10]', 'ten'],
    ['mi[3]', null],
    ["v['n']", 5],
    ["v['a'][1]", 1],
    ["v['a'][2]", 'x'],
    ["v['a'][5]", null],
    ['v[1]', null],
    ["v['zz']", null],
    ['v.n', 5],
    ['ARRAY[10, 20, 30][2]', 20],
  ]);
  assert.equal(typeOf('arr[1]'), 'INT');
  assert.equal(typeOf("m['a']"), 'INT');
  assert.equal(typeOf("v['a']"), 'VARIANT');
  assertCompileError('i[1]', 'SQL_INVALID', 'prog.sql:2:1: cannot apply [] to INT with an index of type INT');
  assertCompileError("arr['a']", 'SQL_INVALID', 'prog.sql:2:1: cannot apply [] to INT ARRAY with an index of type VARCHAR');
});

test('struct fields are read with a dot, through the column or the relation name', () => {
  assertValues([
    ['addr.street', 'Main'],
    ['addr.num', 10],
    ['t.addr.num', 10],
    ['(addr).num + 1', 11],
  ]);
  assert.equal(typeOf('addr.num'), 'INT', 'the struct itself can be NULL');
  assert.equal(compile('addr.num').evaluate(fieldsOf({ ...ROW_VALUES, addr: null })), null);
  assertCompileError('addr.zip', 'SQL_INVALID', 'prog.sql:2:6: address has no field zip');
  assertCompileError('t.addr.zip', 'SQL_INVALID', 'prog.sql:2:8: address has no field zip');
});

test('ARRAY[...] takes the common element type; || concatenates strings (keeping CHAR padding), binary and arrays', () => {
  const cases: [string, Value, string][] = [
    ['ARRAY[1, 2.5]', ['1', '2.5'], 'DECIMAL(11, 1) NOT NULL ARRAY NOT NULL'],
    ['ARRAY[i, n]', [7, null], 'INT ARRAY NOT NULL'],
    ["ARRAY['a', s]", ['a', 'Hello'], 'VARCHAR NOT NULL ARRAY NOT NULL'],
    ['ARRAY[1, 2] || ARRAY[3]', [1, 2, 3], 'INT NOT NULL ARRAY NOT NULL'],
    ['arr || ARRAY[big]', [1n, 2n, null, 9007199254740993n], 'BIGINT ARRAY NOT NULL'],
    ["s || ' ' || c", 'Hello ab   ', 'VARCHAR NOT NULL'],
    ['c || c', 'ab   ab   ', 'CHAR(10) NOT NULL'],
    ["bin || X'04'", new Uint8Array([1, 2, 3, 4]), 'VARBINARY NOT NULL'],
  ];
  for (const [sql, value, type] of cases) {
    assert.deepEqual(evaluate(sql), value, sql);
    assert.equal(typeOf(sql), type, sql);
  }
  assertCompileError("ARRAY[1, 'a']", 'SQL_INVALID', 'prog.sql:2:1: ARRAY elements have incompatible types: INT, VARCHAR');
  assertCompileError('ARRAY[NULL]', 'SQL_INVALID', 'prog.sql:2:1: illegal use of NULL: give the ARRAY elements a type with CAST(NULL AS type)');
});

test('result types print as text that parses back to the same type', () => {
  for (const sql of ['ARRAY[1, 2.5]', 'CAST(addr AS address)', 'm', 'ARRAY[i, n]', 'c || c', 'd / 3', "CAST(v AS MAP<VARCHAR, INT NOT NULL>)", 'CAST(addr AS ROW(a VARCHAR, "B" INT NULL))']) {
    const type = compile(sql).type;
    assert.deepEqual(parseSqlType(formatSqlType(type)), type, sql);
  }
});

test('function errors: unknown and unsupported functions, aggregates outside an aggregation and wrong arguments', () => {
  assertCompileError('FOO(1)', 'SQL_INVALID', 'prog.sql:2:1: unknown function FOO');
  assertCompileError('1 + nosuch(zz)', 'SQL_INVALID', 'prog.sql:2:5: unknown function NOSUCH');
  assertCompileError('UPPPER(s)', 'SQL_INVALID', 'prog.sql:2:1: unknown function UPPPER; did you mean UPPER?');
  assertCompileError('substrng(s, 1)', 'SQL_INVALID', 'prog.sql:2:1: unknown function SUBSTRNG; did you mean SUBSTRING?');
  // Functions of Feldera's SQL that dynaview lacks are named as such.
  assertCompileError('INITCAP(s)', 'SQL_NOT_SUPPORTED', 'prog.sql:2:1: function INITCAP is not supported yet');
  assertCompileError('PARSE_JSON(s)', 'SQL_NOT_SUPPORTED', 'prog.sql:2:1: function PARSE_JSON is not supported yet');
  const call = parseExpression('FOO(i)');
  assert.ok(call.kind === 'FunctionCall');
  const count = { ...call, name: { ...call.name, name: 'count' } };
  assert.throws(() => compileExpression(count, SCOPE), { code: 'SQL_INVALID', message: 'prog.sql:2:1: COUNT is an aggregate function: write its name unquoted' });
  const listagg = { ...call, name: { ...call.name, name: 'listagg' } };
  assert.throws(() => compileExpression(listagg, SCOPE), { code: 'SQL_NOT_SUPPORTED', message: 'prog.sql:2:1: aggregate function LISTAGG is not supported yet' });
  assertCompileError("UPPER(s) || LOWER(5)", 'SQL_INVALID', 'prog.sql:2:19: cannot apply LOWER to INT');
  assertCompileError('UPPER(s, s)', 'SQL_INVALID', 'prog.sql:2:1: wrong number of arguments to UPPER: expected 1, got 2');
});

test('a condition must be BOOLEAN; only TRUE keeps a row', () => {
  const condition = compileCondition('i > 3');
  assert.equal(condition.type.kind, 'boolean');
  assert.equal(condition.evaluate(ROW), true);
  assert.equal(compileCondition('NULL').evaluate(ROW), null);
  assert.equal(compileCondition('nb').nullable, true);
  assert.throws(() => compileCondition('i + 1'), { code: 'SQL_INVALID', message: 'prog.sql:2:1: a condition must be BOOLEAN, not INT' });
  assert.equal(isTrue(true), true);
  assert.equal(isTrue(false), false);
  assert.equal(isTrue(null), false);
});

test('nullability: NULL-able when an input can be NULL or the operation can produce NULL', () => {
  const cases: [string, string][] = [
    ['i + 1', 'INT NOT NULL'],
    ['n + 1', 'INT'],
    ['i = n', 'BOOLEAN'],
    ['COALESCE(n, 1)', 'INT NOT NULL'],
    ['COALESCE(n, n)', 'INT'],
    ['NULLIF(i, 1)', 'INT'],
    ['arr[1]', 'INT'],
    ['CAST(v AS INT)', 'INT'],
    ['CAST(i AS VARCHAR)', 'VARCHAR NOT NULL'],
    ['UPPER(s)', 'VARCHAR NOT NULL'],
    ['i / 2', 'INT NOT NULL'],
    ['addr.street', 'VARCHAR'],
    ["CASE WHEN flag THEN 'a' ELSE s END", 'VARCHAR NOT NULL'],
  ];
  for (const [sql, type] of cases) assert.equal(typeOf(sql), type, sql);
});

test('a compiled expression can be evaluated on many rows', () => {
  const compiled = compile('CASE WHEN i % 2 = 0 THEN i / 2 ELSE 3 * i + 1 END');
  const results = [1, 2, 3, 4, 5, 6].map((i) => compiled.evaluate(fieldsOf({ ...ROW_VALUES, i })));
  assert.deepEqual(results, [4, 1, 10, 2, 16, 3]);
});
