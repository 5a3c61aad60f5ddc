/**
 * Test helpers for the expression compiler: expressions written as SQL, parsed by the real
 * parser, compiled against one sample table. An expression starts on line 2, column 1 of the
 * program `prog.sql`, so an error at character i of the expression is at `prog.sql:2:<i + 1>`
 * (for single-line expressions).
 */
import assert from 'node:assert/strict';
import { DynaviewError } from '../../src/errors.js';
import { compileExpression, compilePredicate, type ColumnBinding, type CompiledExpression, type ExpressionScope } from '../../src/engine/expressions.js';
import type { Fields, Tuple, Value } from '../../src/engine/value.js';
import type { Expression } from '../../src/sql/ast.js';
import { formatSqlType, parseSqlType } from '../../src/sql/parse-type.js';
import { parseProgram } from '../../src/sql/parser.js';

const COLUMNS: readonly [string, string, boolean][] = [
  ['i', 'INT', false],
  ['n', 'INT', true],
  ['ti', 'TINYINT', false],
  ['big', 'BIGINT', false],
  ['d', 'DECIMAL(10, 2)', false],
  ['r', 'REAL', false],
  ['f', 'DOUBLE', false],
  ['s', 'VARCHAR', false],
  ['c', 'CHAR(5)', false],
  ['dt', 'DATE', false],
  ['tm', 'TIME', false],
  ['ts', 'TIMESTAMP', false],
  ['u', 'UUID', false],
  ['bin', 'VARBINARY', false],
  ['arr', 'INT ARRAY', false],
  ['m', 'MAP<VARCHAR, INT>', false],
  ['mi', 'MAP<INT, VARCHAR>', false],
  ['addr', 'address', true],
  ['v', 'VARIANT', true],
  ['flag', 'BOOLEAN', false],
  ['nb', 'BOOLEAN', true],
];

export const SCOPE: ExpressionScope = {
  columns: COLUMNS.map(([name, type, nullable]): ColumnBinding => ({ name, type: parseSqlType(type), nullable })),
  relationNames: ['t', 'tt'],
  file: 'prog.sql',
  types: new Map([['address', [
    { name: 'street', type: parseSqlType('VARCHAR'), nullable: true },
    { name: 'num', type: parseSqlType('INT'), nullable: false },
  ]]]),
};

/** The sample row by column name; `ROW` is the same row as the engine holds it, by position. */
export const ROW_VALUES: Tuple = {
  i: 7,
  n: null,
  ti: 100,
  big: 9007199254740993n,
  d: '12.5',
  r: Math.fround(1.5),
  f: 2.5,
  s: 'Hello',
  c: 'ab   ',
  dt: '2024-05-25',
  tm: '01:02:03.500',
  ts: '2024-05-25 01:02:03.120',
  u: '550e8400-e29b-41d4-a716-446655440000',
  bin: new Uint8Array([1, 2, 3]),
  arr: [1, 2, null],
  m: { a: 1, b: null },
  mi: { '10': 'ten', '2': 'two' },
  addr: { street: 'Main', num: 10 },
  v: { a: [1, 'x'], n: 5 },
  flag: true,
  nb: null,
};

export const ROW: Fields = fieldsOf(ROW_VALUES);

/** A row given by column name as the engine holds it: values in the order of the scope's columns. */
export function fieldsOf(values: Tuple): Fields {
  return SCOPE.columns.map((c) => values[c.name] ?? null);
}

export function parseExpression(sql: string): Expression {
  const program = parseProgram(`CREATE VIEW v AS SELECT\n${sql} AS x FROM t;`, 'prog.sql');
  const statement = program.statements[0];
  assert.ok(statement !== undefined && statement.kind === 'CreateView');
  const body = statement.query.body;
  assert.ok(body.kind === 'Select');
  const item = body.items[0];
  assert.ok(item !== undefined && item.kind === 'SelectExpression');
  return item.expression;
}

export function compile(sql: string): CompiledExpression {
  return compileExpression(parseExpression(sql), SCOPE);
}

export function compileCondition(sql: string): CompiledExpression {
  return compilePredicate(parseExpression(sql), SCOPE);
}

export function evaluate(sql: string, row: Fields = ROW): Value {
  return compile(sql).evaluate(row);
}

/** The result type as text, with ` NOT NULL` when it cannot be NULL. */
export function typeOf(sql: string): string {
  const compiled = compile(sql);
  return `${formatSqlType(compiled.type)}${compiled.nullable ? '' : ' NOT NULL'}`;
}

/** Asserts each SQL expression evaluates to the expected value on ROW. */
export function assertValues(cases: readonly (readonly [string, Value])[]): void {
  for (const [sql, expected] of cases) assert.deepEqual(evaluate(sql), expected, sql);
}

/** Asserts compiling `sql` fails with `code` and exactly `message` (which includes the position). */
export function assertCompileError(sql: string, code: string, message: string): void {
  assert.throws(() => compile(sql), (error: unknown) => {
    assert.ok(error instanceof DynaviewError, String(error));
    assert.equal(error.message, message, sql);
    assert.equal(error.code, code, sql);
    return true;
  });
}

/** Asserts evaluating `sql` on ROW fails with SQL_RUNTIME_ERROR and a message matching `pattern`. */
export function assertRuntimeError(sql: string, pattern: RegExp): void {
  const compiled = compile(sql);
  assert.throws(() => compiled.evaluate(ROW), (error: unknown) => {
    assert.ok(error instanceof DynaviewError, String(error));
    assert.equal(error.code, 'SQL_RUNTIME_ERROR', sql);
    assert.match(error.message, pattern, sql);
    return true;
  });
}
