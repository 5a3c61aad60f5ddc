import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression } from '../../src/engine/expressions.js';
import type { Value } from '../../src/engine/value.js';
import { assertCompileError, assertRuntimeError, assertValues, evaluate, parseExpression, ROW, SCOPE, typeOf } from './expression-helpers.js';

function assertTyped(cases: readonly (readonly [string, Value, string])[]): void {
  for (const [sql, value, type] of cases) {
    assert.deepEqual(evaluate(sql), value, sql);
    assert.equal(typeOf(sql), type, sql);
  }
}

test('UPPER and LOWER keep the string type', () => {
  assertTyped([
    ["UPPER('abc')", 'ABC', 'VARCHAR NOT NULL'],
    ['LOWER(s)', 'hello', 'VARCHAR NOT NULL'],
    ['UPPER(c)', 'AB   ', 'CHAR(5) NOT NULL'],
    ['UPPER(NULL)', null, 'VARCHAR'],
  ]);
  assertCompileError('UPPER(5)', 'SQL_INVALID', 'prog.sql:2:7: cannot apply UPPER to INT');
});

test('TRIM removes any of the given characters (a space by default) from both, the leading or the trailing end', () => {
  assertValues([
    ["TRIM('  a  ')", 'a'],
    ["TRIM(LEADING FROM '  a  ')", 'a  '],
    ["TRIM(TRAILING FROM '  a  ')", '  a'],
    ["TRIM(BOTH 'xyz' FROM 'yxTomxx')", 'Tom'],
    ["TRIM(LEADING 'xyz' FROM 'yxTomxx')", 'Tomxx'],
    ["TRIM(TRAILING 'xyz' FROM 'yxTomxx')", 'yxTom'],
    ["TRIM('x' FROM 'xxaxx')", 'a'],
    ["TRIM('😀' FROM '😀a😀')", 'a'],
    ['TRIM(c)', 'ab'],
    ["TRIM('   ')", ''],
    ["LTRIM('  a ')", 'a '],
    ["RTRIM(' a  ')", ' a'],
    ['TRIM(CAST(NULL AS VARCHAR))', null],
  ]);
  assert.equal(typeOf('TRIM(c)'), 'VARCHAR NOT NULL');
});

test('SUBSTRING counts characters from 1; positions before 1 count towards the length; a negative length gives an empty string', () => {
  assertValues([
    ["SUBSTRING('Thomas', 2, 3)", 'hom'],
    ["SUBSTRING('Thomas' FROM 2 FOR 3)", 'hom'],
    ["SUBSTRING('Thomas' FROM 3)", 'omas'],
    ["SUBSTRING('Thomas' FROM 0 FOR 2)", 'T'],
    ["SUBSTRING('Thomas', -1, 4)", 'Th'],
    ["SUBSTRING('Thomas', 2, -1)", ''],
    ["SUBSTRING('Thomas', 10)", ''],
    ["SUBSTRING('Thomas', 5, 100)", 'as'],
    ["SUBSTRING('😀ab', 2, 1)", 'a'],
    ['SUBSTRING(s, n)', null],
    ['SUBSTRING(s, big)', ''],
  ]);
  assertCompileError("SUBSTRING('abc', 'x')", 'SQL_INVALID', "prog.sql:2:18: cannot apply SUBSTRING to VARCHAR, VARCHAR");
});

test('CHAR_LENGTH, CHARACTER_LENGTH and LENGTH count characters; POSITION finds a substring', () => {
  assertTyped([
    ["CHAR_LENGTH('josé')", 4, 'INT NOT NULL'],
    ["CHARACTER_LENGTH('😀')", 1, 'INT NOT NULL'],
    ['LENGTH(c)', 5, 'INT NOT NULL'],
    ["LENGTH('')", 0, 'INT NOT NULL'],
    ["POSITION('om' IN 'Thomas')", 3, 'INT NOT NULL'],
    ["POSITION('x' IN 'Thomas')", 0, 'INT NOT NULL'],
    ["POSITION('' IN 'abc')", 1, 'INT NOT NULL'],
    ["POSITION('b' IN '😀b')", 2, 'INT NOT NULL'],
    ["POSITION(CAST(NULL AS VARCHAR) IN 'abc')", null, 'INT'],
  ]);
});

test('REPLACE, CONCAT, LEFT and RIGHT', () => {
  assertValues([
    ["REPLACE('abcdefabcdef', 'cd', 'XX')", 'abXXefabXXef'],
    ["REPLACE('a$b', 'a', '$&')", '$&$b'],
    ["REPLACE('aaa', 'b', 'c')", 'aaa'],
    ["CONCAT('Post', 'greSQL', 1)", 'PostgreSQL1'],
    ['CONCAT(s, d, flag, dt, f)', 'Hello12.5TRUE2024-05-252.5'],
    ["CONCAT('a', n)", null],
  ]);
  // The parser reads LEFT and RIGHT as join keywords: call them through an AST with that name.
  const cases: [string, string, Value][] = [
    ['LEFT', "'abcde', 2", 'ab'],
    ['RIGHT', "'abcde', 2", 'de'],
    ['LEFT', "'abc', 0", ''],
    ['LEFT', "'abc', -1", ''],
    ['RIGHT', "'abc', 10", 'abc'],
    ['RIGHT', "'a😀', 1", '😀'],
    ['LEFT', 's, n', null],
  ];
  for (const [name, args, expected] of cases) {
    const call = parseExpression(`F(${args})`);
    assert.ok(call.kind === 'FunctionCall');
    const renamed = { ...call, name: { ...call.name, name: name.toLowerCase() } };
    assert.deepEqual(compileExpression(renamed, SCOPE).evaluate(ROW), expected, `${name}(${args})`);
  }
  assertCompileError('CONCAT(s, arr)', 'SQL_INVALID', 'prog.sql:2:11: cannot apply CONCAT to VARCHAR, INT ARRAY');
});

test('ABS keeps the type and fails on the one integer without an absolute value', () => {
  assertTyped([
    ['ABS(-5)', 5, 'INT NOT NULL'],
    ['ABS(i)', 7, 'INT NOT NULL'],
    ['ABS(-1.50)', '1.5', 'DECIMAL(3, 2) NOT NULL'],
    ['ABS(-2.5e0)', 2.5, 'DOUBLE NOT NULL'],
    ['ABS(-big)', 9007199254740993n, 'BIGINT NOT NULL'],
    ['ABS(n)', null, 'INT'],
  ]);
  assertRuntimeError('ABS(CAST(-128 AS TINYINT))', /^integer overflow: ABS\(-128\) does not fit in TINYINT$/);
  assertCompileError("ABS('a')", 'SQL_INVALID', 'prog.sql:2:5: cannot apply ABS to VARCHAR');
});

test('ROUND rounds half away from zero to the given digits (negative: tens, hundreds), keeping the type', () => {
  assertTyped([
    ['ROUND(2.5)', '3', 'DECIMAL(2, 1) NOT NULL'],
    ['ROUND(-2.5)', '-3', 'DECIMAL(2, 1) NOT NULL'],
    ['ROUND(2.4)', '2', 'DECIMAL(2, 1) NOT NULL'],
    ['ROUND(12.345, 2)', '12.35', 'DECIMAL(5, 3) NOT NULL'],
    ['ROUND(-12.345, 2)', '-12.35', 'DECIMAL(5, 3) NOT NULL'],
    ['ROUND(12.345, -1)', '10', 'DECIMAL(5, 3) NOT NULL'],
    ['ROUND(d, 5)', '12.5', 'DECIMAL(10, 2) NOT NULL'],
    ['ROUND(1250, -2)', 1300, 'INT NOT NULL'],
    ['ROUND(-1250, -2)', -1300, 'INT NOT NULL'],
    ['ROUND(1249, -2)', 1200, 'INT NOT NULL'],
    ['ROUND(7)', 7, 'INT NOT NULL'],
    ['ROUND(2.5e0)', 3, 'DOUBLE NOT NULL'],
    ['ROUND(-2.5e0)', -3, 'DOUBLE NOT NULL'],
    ['ROUND(1.2345e0, 2)', 1.23, 'DOUBLE NOT NULL'],
    ['ROUND(-0.4e0)', 0, 'DOUBLE NOT NULL'],
    ['ROUND(d, n)', null, 'DECIMAL(10, 2)'],
  ]);
  assert.ok(Object.is(evaluate('ROUND(-0.4e0)'), 0), 'no negative zero');
  assertRuntimeError('ROUND(9.99)', /^ROUND\(9.99, 0\) does not fit in DECIMAL\(3, 2\)$/);
  assertRuntimeError('ROUND(CAST(127 AS TINYINT), -1)', /^integer overflow: ROUND\(127, -1\) does not fit in TINYINT$/);
});

test('FLOOR and CEIL: DECIMAL(p, s) gives DECIMAL(p, 0), floats stay floats, integers are unchanged', () => {
  assertTyped([
    ['FLOOR(2.7)', '2', 'DECIMAL(2, 0) NOT NULL'],
    ['FLOOR(-2.5)', '-3', 'DECIMAL(2, 0) NOT NULL'],
    ['CEIL(2.1)', '3', 'DECIMAL(2, 0) NOT NULL'],
    ['CEILING(-2.7)', '-2', 'DECIMAL(2, 0) NOT NULL'],
    ['CEIL(d)', '13', 'DECIMAL(10, 0) NOT NULL'],
    ['FLOOR(2.7e0)', 2, 'DOUBLE NOT NULL'],
    ['CEIL(r)', 2, 'REAL NOT NULL'],
    ['CEIL(i)', 7, 'INT NOT NULL'],
  ]);
});

test('MOD is %, the floating point functions return DOUBLE', () => {
  assertTyped([
    ['MOD(7, 3)', 1, 'INT NOT NULL'],
    ['MOD(-7, 3)', -1, 'INT NOT NULL'],
    ['MOD(d, 5)', '2.5', 'DECIMAL(10, 2) NOT NULL'],
    ['POWER(2, 10)', 1024, 'DOUBLE NOT NULL'],
    ['POWER(d, 2)', 156.25, 'DOUBLE NOT NULL'],
    ['SQRT(16)', 4, 'DOUBLE NOT NULL'],
    ['SQRT(-1)', Number.NaN, 'DOUBLE NOT NULL'],
    ['EXP(0)', 1, 'DOUBLE NOT NULL'],
    ['LN(1)', 0, 'DOUBLE NOT NULL'],
    ['LN(0)', -Infinity, 'DOUBLE NOT NULL'],
    ['LOG10(1000)', 3, 'DOUBLE NOT NULL'],
    ['SQRT(n)', null, 'DOUBLE'],
  ]);
  assertRuntimeError('LN(-1)', /^LN of a negative number: -1$/);
  assertRuntimeError('LOG10(-0.5)', /^LOG10 of a negative number: -0.5$/);
  assertRuntimeError('MOD(i, 0)', /^division by zero: 7 % 0$/);
  assertCompileError("SQRT('4')", 'SQL_INVALID', 'prog.sql:2:6: cannot apply SQRT to VARCHAR');
});

test('SIGN gives -1, 0 or 1 in the argument type', () => {
  assertTyped([
    ['SIGN(-5)', -1, 'INT NOT NULL'],
    ['SIGN(0)', 0, 'INT NOT NULL'],
    ['SIGN(d)', '1', 'DECIMAL(10, 2) NOT NULL'],
    ['SIGN(-0.5)', '-1', 'DECIMAL(2, 1) NOT NULL'],
    ['SIGN(0.0)', '0', 'DECIMAL(2, 1) NOT NULL'],
    ['SIGN(-2.5e0)', -1, 'DOUBLE NOT NULL'],
    ['SIGN(big)', 1n, 'BIGINT NOT NULL'],
  ]);
});

test('COALESCE, NULLIF, GREATEST and LEAST', () => {
  assertTyped([
    ['COALESCE(n, i)', 7, 'INT NOT NULL'],
    ['COALESCE(n, NULL, 3)', 3, 'INT NOT NULL'],
    ['COALESCE(n, 1.5)', '1.5', 'DECIMAL(11, 1) NOT NULL'],
    ['COALESCE(n)', null, 'INT'],
    ['NULLIF(i, 7)', null, 'INT'],
    ['NULLIF(i, 1)', 7, 'INT'],
    ['NULLIF(i, n)', 7, 'INT'],
    ['NULLIF(n, 1)', null, 'INT'],
    ['NULLIF(i, 7.0)', null, 'INT'],
    ['GREATEST(1, i, 3)', 7, 'INT NOT NULL'],
    ['LEAST(1, i, 3)', 1, 'INT NOT NULL'],
    ['GREATEST(1, n)', null, 'INT'],
    ['GREATEST(1, 2.5)', '2.5', 'DECIMAL(11, 1) NOT NULL'],
    ["LEAST('b', 'a', s)", 'Hello', 'VARCHAR NOT NULL'],
    ["GREATEST(dt, '2025-01-01')", '2025-01-01', 'DATE NOT NULL'],
  ]);
  assertCompileError("COALESCE(n, 'a')", 'SQL_INVALID', 'prog.sql:2:10: cannot apply COALESCE to INT, VARCHAR');
  assertCompileError('NULLIF(addr, addr)', 'SQL_INVALID', 'prog.sql:2:1: cannot apply NULLIF to ROW values (address): compare their fields instead');
  assertCompileError('COALESCE(NULL, NULL)', 'SQL_INVALID', 'prog.sql:2:1: illegal use of NULL: COALESCE needs an argument with a type (CAST(NULL AS type))');
});

test('EXTRACT and its shorthands read fields of dates, times and timestamps as BIGINT', () => {
  assertValues([
    ['EXTRACT(YEAR FROM dt)', 2024n],
    ['EXTRACT(MONTH FROM dt)', 5n],
    ['EXTRACT(DAY FROM dt)', 25n],
    ['EXTRACT(DOW FROM dt)', 7n],
    ["EXTRACT(DOW FROM DATE '2024-05-26')", 1n],
    ['EXTRACT(ISODOW FROM dt)', 6n],
    ["EXTRACT(ISODOW FROM DATE '2024-05-26')", 7n],
    ['EXTRACT(DOY FROM dt)', 146n],
    ['EXTRACT(QUARTER FROM dt)', 2n],
    ['EXTRACT(WEEK FROM dt)', 21n],
    ["EXTRACT(WEEK FROM DATE '2021-01-01')", 53n],
    ["EXTRACT(WEEK FROM DATE '2024-12-30')", 1n],
    ['EXTRACT(EPOCH FROM dt)', 1716595200n],
    ['EXTRACT(DECADE FROM dt)', 202n],
    ['EXTRACT(CENTURY FROM dt)', 21n],
    ["EXTRACT(CENTURY FROM DATE '2000-12-31')", 20n],
    ['EXTRACT(MILLENNIUM FROM dt)', 3n],
    ['EXTRACT(HOUR FROM ts)', 1n],
    ['EXTRACT(MINUTE FROM ts)', 2n],
    ['EXTRACT(SECOND FROM ts)', 3n],
    ['EXTRACT(MILLISECOND FROM ts)', 3120n],
    ['EXTRACT(MICROSECOND FROM ts)', 3120000n],
    ['EXTRACT(EPOCH FROM ts)', 1716598923n],
    ["EXTRACT(EPOCH FROM TIMESTAMP '1969-12-31 23:59:58.500')", -1n],
    ['EXTRACT(YEAR FROM ts)', 2024n],
    ['EXTRACT(HOUR FROM tm)', 1n],
    ['EXTRACT(MILLISECOND FROM tm)', 3500n],
    ["EXTRACT(NANOSECOND FROM TIME '00:00:01.000000002')", 1000000002n],
    ['YEAR(dt)', 2024n],
    ['MONTH(ts)', 5n],
    ['DAYOFMONTH(dt)', 25n],
    ['DAYOFWEEK(dt)', 7n],
    ['DAYOFYEAR(dt)', 146n],
    ['QUARTER(dt)', 2n],
    ['WEEK(dt)', 21n],
    ['HOUR(dt)', 0n],
    ['MINUTE(tm)', 2n],
    ['SECOND(ts)', 3n],
    ['YEAR(CAST(NULL AS DATE))', null],
  ]);
  assert.equal(typeOf('YEAR(dt)'), 'BIGINT NOT NULL');
  assertCompileError('EXTRACT(YEAR FROM tm)', 'SQL_INVALID', 'prog.sql:2:19: cannot extract YEAR from TIME');
  assertCompileError('YEAR(i)', 'SQL_INVALID', 'prog.sql:2:6: cannot apply YEAR to INT');
});

test('CARDINALITY, ARRAY_LENGTH and ARRAY_SIZE count array elements and map entries', () => {
  assertTyped([
    ['CARDINALITY(arr)', 3, 'INT NOT NULL'],
    ['ARRAY_LENGTH(ARRAY[1, 2])', 2, 'INT NOT NULL'],
    ['ARRAY_SIZE(arr)', 3, 'INT NOT NULL'],
    ['CARDINALITY(m)', 2, 'INT NOT NULL'],
    ['CARDINALITY(CAST(NULL AS INT ARRAY))', null, 'INT'],
  ]);
  assertCompileError('CARDINALITY(s)', 'SQL_INVALID', 'prog.sql:2:13: cannot apply CARDINALITY to VARCHAR');
});
