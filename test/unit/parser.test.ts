import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProgram } from '../../src/sql/parser.js';
import { tokenize } from '../../src/sql/lexer.js';
import { SqlError } from '../../src/errors.js';
import type { CreateTable, CreateView, Expression, Program, Select, Statement } from '../../src/sql/ast.js';

// The example program of Feldera's DynamoDB connector documentation, as shipped.
const SEED = readFileSync(new URL('../../../examples/seed.sql', import.meta.url), 'utf8');

const SPAN_KEYS = new Set(['span', 'keySpan', 'valueSpan']);

/** The tree without positions, so that shapes can be compared exactly. */
function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !SPAN_KEYS.has(key)).map(([key, v]) => [key, withoutSpans(v)]));
}

function parse(sql: string): Program {
  return parseProgram(sql, 'prog.sql');
}

function only(sql: string): Statement {
  const { statements } = parse(sql);
  assert.equal(statements.length, 1);
  return statements[0]!;
}

function table(sql: string): CreateTable {
  const statement = only(sql);
  assert.equal(statement.kind, 'CreateTable');
  return statement as CreateTable;
}

function view(sql: string): CreateView {
  const statement = only(sql);
  assert.equal(statement.kind, 'CreateView');
  return statement as CreateView;
}

function query(sql: string): Select {
  return view(`CREATE VIEW v AS ${sql}`).query;
}

/** The expression of `SELECT <sql> FROM t`, as written in the tree. */
function expression(sql: string): Expression {
  const item = query(`SELECT ${sql} FROM t`).items[0];
  assert.equal(item?.kind, 'SelectExpression');
  return (item as { expression: Expression }).expression;
}

function shape(sql: string): unknown {
  return withoutSpans(expression(sql));
}

const id = (name: string, quoted = false): unknown => ({ name, quoted });
const column = (name: string, tableName: string | null = null): unknown => (
  { kind: 'ColumnReference', table: tableName === null ? null : id(tableName), column: id(name) });
const literal = (type: string, text: string): unknown => ({ kind: 'Literal', type, text });
const integer = (text: string): unknown => literal('INTEGER', text);
const binary = (operator: string, left: unknown, right: unknown): unknown => ({ kind: 'Binary', operator, left, right });
const call = (name: string, ...args: unknown[]): unknown => ({ kind: 'FunctionCall', name: id(name), args });

function rejects(sql: string, code: string, message: string): void {
  assert.throws(() => parse(sql), (error: unknown) => {
    assert.ok(error instanceof SqlError, `expected a SqlError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.code, code);
    return true;
  });
}

const notSupported = (sql: string, message: string): void => rejects(sql, 'SQL_NOT_SUPPORTED', message);
const syntaxError = (sql: string, message: string): void => rejects(sql, 'SQL_SYNTAX_ERROR', message);

// ---- The documented example -----------------------------------------------------------------

test('parses the DynamoDB connector example program into its table, view and index', () => {
  const program = parseProgram(SEED, 'seed.sql');
  const datagen = '[{\n"transport": {\n"name": "datagen",\n"config": {\n"plan": [{ "rate": 1, "limit": 5 }]\n}\n}\n}]';
  const sink = '[{\n"index": "v1_idx",\n"transport": {\n"name": "dynamodb_output",\n"config": {\n"table": "feldera_out",\n"region": "us-east-1"\n}\n}\n}]';
  assert.deepEqual(withoutSpans(program), {
    statements: [
      {
        kind: 'CreateTable',
        name: id('t0'),
        columns: [
          { name: id('id'), type: { text: 'INT' }, nullable: false, primaryKey: false, defaultValue: null },
          { name: id('sort'), type: { text: 'VARCHAR' }, nullable: false, primaryKey: false, defaultValue: null },
          { name: id('s'), type: { text: 'VARCHAR' }, nullable: true, primaryKey: false, defaultValue: null },
        ],
        primaryKey: [],
        properties: [{ key: 'connectors', value: datagen }],
      },
      {
        kind: 'CreateView',
        name: id('v1'),
        modifier: 'materialized',
        columnNames: null,
        properties: [{ key: 'connectors', value: sink }],
        query: { kind: 'Select', items: [{ kind: 'AllColumns' }], from: { name: id('t0'), alias: null }, where: null },
      },
      { kind: 'CreateIndex', name: id('v1_idx'), relation: id('v1'), columns: [id('id'), id('sort')] },
    ],
  });
});

test('gives the example program positions that point at the source text', () => {
  const [createTable, createView, createIndex] = parseProgram(SEED).statements as [CreateTable, CreateView, Statement];
  assert.deepEqual(createTable.span, {
    start: { line: 3, col: 1, offset: SEED.indexOf('CREATE TABLE') },
    end: { line: 12, col: 2, offset: SEED.indexOf(');') + 1 },
  });
  const property = createTable.properties[0]!;
  assert.deepEqual(property.keySpan.start, { line: 4, col: 1, offset: SEED.indexOf("'connectors'") });
  assert.deepEqual(property.valueSpan.start, { line: 4, col: 16, offset: SEED.indexOf("'[{") });
  assert.deepEqual(property.valueSpan.end, { line: 11, col: 4, offset: SEED.indexOf("}]'") + 3 });
  assert.deepEqual(createTable.columns[1]!.span.start, { line: 3, col: 35, offset: SEED.indexOf('sort VARCHAR') });
  assert.equal(createView.query.span.start.line, 25);
  assert.equal(createView.query.span.start.col, 6);
  assert.deepEqual(createIndex.span.end, { line: 28, col: 36, offset: SEED.lastIndexOf(';') });
});

// ---- Statements ------------------------------------------------------------------------------

test('CREATE TABLE reads column types verbatim, nullability, defaults and a column primary key', () => {
  const statement = table(`CREATE TABLE t (
    id BIGINT PRIMARY KEY,
    price DECIMAL(10, 2) NOT NULL DEFAULT 0.00,
    tags VARCHAR NOT NULL ARRAY,
    attrs MAP<VARCHAR, INT NOT NULL> NULL,
    address ROW(street VARCHAR, "Zip" INT),
    born TIMESTAMP WITHOUT TIME ZONE DEFAULT NULL NOT NULL,
    note VARCHAR(20) DEFAULT 'n/a'
  )`);
  assert.deepEqual(withoutSpans(statement), {
    kind: 'CreateTable',
    name: id('t'),
    columns: [
      { name: id('id'), type: { text: 'BIGINT' }, nullable: false, primaryKey: true, defaultValue: null },
      { name: id('price'), type: { text: 'DECIMAL(10, 2)' }, nullable: false, primaryKey: false, defaultValue: literal('DECIMAL', '0.00') },
      { name: id('tags'), type: { text: 'VARCHAR NOT NULL ARRAY' }, nullable: true, primaryKey: false, defaultValue: null },
      { name: id('attrs'), type: { text: 'MAP<VARCHAR, INT NOT NULL>' }, nullable: true, primaryKey: false, defaultValue: null },
      { name: id('address'), type: { text: 'ROW(street VARCHAR, "Zip" INT)' }, nullable: true, primaryKey: false, defaultValue: null },
      { name: id('born'), type: { text: 'TIMESTAMP WITHOUT TIME ZONE' }, nullable: false, primaryKey: false, defaultValue: literal('NULL', 'NULL') },
      { name: id('note'), type: { text: 'VARCHAR(20)' }, nullable: true, primaryKey: false, defaultValue: literal('VARCHAR', 'n/a') },
    ],
    primaryKey: [id('id')],
    properties: [],
  });
});

test('a table-level PRIMARY KEY marks its columns as key columns and NOT NULL', () => {
  const statement = table('CREATE TABLE t (a INT NULL, b VARCHAR, c INT, PRIMARY KEY (a, b))');
  assert.deepEqual(withoutSpans(statement.primaryKey), [id('a'), id('b')]);
  assert.deepEqual(statement.columns.map((c) => [c.name.name, c.nullable, c.primaryKey]), [
    ['a', false, true],
    ['b', false, true],
    ['c', true, false],
  ]);
});

test('a table may have only one primary key', () => {
  rejects('CREATE TABLE t (a INT PRIMARY KEY, b INT PRIMARY KEY)', 'SQL_INVALID', 'prog.sql:1:42: table t has more than one PRIMARY KEY');
  rejects('CREATE TABLE t (a INT PRIMARY KEY,\n  PRIMARY KEY (a))', 'SQL_INVALID', 'prog.sql:2:3: table t has more than one PRIMARY KEY');
});

test('WITH properties are string pairs whose values have doubled quotes unescaped', () => {
  const statement = table("CREATE TABLE t (a INT) WITH ('k1' = 'it''s', 'k2'='')");
  assert.deepEqual(withoutSpans(statement.properties), [{ key: 'k1', value: "it's" }, { key: 'k2', value: '' }]);
  const value = statement.properties[0]!.valueSpan;
  assert.deepEqual(value, { start: { line: 1, col: 37, offset: 36 }, end: { line: 1, col: 44, offset: 43 } });
  syntaxError("CREATE TABLE t (a INT) WITH ('k' = 1)", 'prog.sql:1:36: expected a property value but found "1"');
  syntaxError("CREATE TABLE t (a INT) WITH (k = 'v')", 'prog.sql:1:30: expected a property name but found "k"');
});

test('CREATE VIEW takes an optional modifier, column names and properties before AS', () => {
  assert.equal(view('CREATE VIEW v AS SELECT * FROM t').modifier, null);
  assert.equal(view('CREATE MATERIALIZED VIEW v AS SELECT * FROM t').modifier, 'materialized');
  assert.equal(view('create local view v as select * from t').modifier, 'local');
  const statement = view("CREATE VIEW v (x, \"Y\") WITH ('a' = 'b') AS SELECT a, b FROM t");
  assert.deepEqual(withoutSpans(statement.columnNames), [id('x'), id('Y', true)]);
  assert.deepEqual(withoutSpans(statement.properties), [{ key: 'a', value: 'b' }]);
});

test('CREATE INDEX names the relation and its columns; an empty list is left for the catalog', () => {
  assert.deepEqual(withoutSpans(only('CREATE INDEX i ON v("Id", sort)')), {
    kind: 'CreateIndex', name: id('i'), relation: id('v'), columns: [id('Id', true), id('sort')],
  });
  assert.deepEqual(withoutSpans(only('CREATE INDEX i ON v()')), { kind: 'CreateIndex', name: id('i'), relation: id('v'), columns: [] });
});

test('CREATE TYPE declares a struct with nullable-by-default fields, or an alias', () => {
  assert.deepEqual(withoutSpans(only('CREATE TYPE address AS (street VARCHAR NOT NULL, zip INT NULL, tags INT ARRAY)')), {
    kind: 'CreateType',
    name: id('address'),
    fields: [
      { name: id('street'), type: { text: 'VARCHAR' }, nullable: false, primaryKey: false, defaultValue: null },
      { name: id('zip'), type: { text: 'INT' }, nullable: true, primaryKey: false, defaultValue: null },
      { name: id('tags'), type: { text: 'INT ARRAY' }, nullable: true, primaryKey: false, defaultValue: null },
    ],
    alias: null,
  });
  assert.deepEqual(withoutSpans(only('CREATE TYPE money AS DECIMAL(10, 2);')), {
    kind: 'CreateType', name: id('money'), fields: null, alias: { text: 'DECIMAL(10, 2)' },
  });
  syntaxError('CREATE TYPE t AS (a INT PRIMARY KEY)', 'prog.sql:1:25: expected "," or ")" but found "PRIMARY"');
});

test('statements are separated by semicolons; the last one is optional and empty ones are skipped', () => {
  assert.deepEqual(parse('').statements, []);
  assert.deepEqual(parse(' ;; -- nothing\n').statements, []);
  const kinds = parse('CREATE TYPE a AS INT;; CREATE TABLE t (x a);\nCREATE VIEW v AS SELECT x FROM t').statements.map((s) => s.kind);
  assert.deepEqual(kinds, ['CreateType', 'CreateTable', 'CreateView']);
  syntaxError('CREATE TABLE t (x INT)\nCREATE TABLE u (y INT)', 'prog.sql:2:1: expected ";" but found "CREATE"');
});

// ---- Queries ---------------------------------------------------------------------------------

test('SELECT reads *, expressions with and without AS, a FROM alias and WHERE', () => {
  assert.deepEqual(withoutSpans(query('SELECT ALL *, a AS x, b y, "C" FROM t AS u WHERE a > 1')), {
    kind: 'Select',
    items: [
      { kind: 'AllColumns' },
      { kind: 'SelectExpression', expression: column('a'), alias: id('x') },
      { kind: 'SelectExpression', expression: column('b'), alias: id('y') },
      { kind: 'SelectExpression', expression: { kind: 'ColumnReference', table: null, column: id('C', true) }, alias: null },
    ],
    from: { name: id('t'), alias: id('u') },
    where: binary('>', column('a'), integer('1')),
  });
  assert.deepEqual(withoutSpans(query('SELECT a FROM t u').from), { name: id('t'), alias: id('u') });
});

// ---- Expressions -----------------------------------------------------------------------------

test('multiplication binds tighter than addition, and both associate to the left', () => {
  assert.deepEqual(shape('a + b * c'), binary('+', column('a'), binary('*', column('b'), column('c'))));
  assert.deepEqual(shape('a * b + c'), binary('+', binary('*', column('a'), column('b')), column('c')));
  assert.deepEqual(shape('a - b - c'), binary('-', binary('-', column('a'), column('b')), column('c')));
  assert.deepEqual(shape('a / b % c'), binary('%', binary('/', column('a'), column('b')), column('c')));
  assert.deepEqual(shape('(a + b) * c'), binary('*', binary('+', column('a'), column('b')), column('c')));
  assert.deepEqual(shape("a || b + c"), binary('||', column('a'), binary('+', column('b'), column('c'))));
  assert.deepEqual(shape("a = b || c"), binary('=', column('a'), binary('||', column('b'), column('c'))));
});

test('NOT binds tighter than AND, looser than comparison; AND tighter than OR', () => {
  assert.deepEqual(shape('NOT a = b AND c'), binary('AND',
    { kind: 'Unary', operator: 'NOT', operand: binary('=', column('a'), column('b')) }, column('c')));
  assert.deepEqual(shape('a OR b AND c'), binary('OR', column('a'), binary('AND', column('b'), column('c'))));
  assert.deepEqual(shape('NOT NOT a'), { kind: 'Unary', operator: 'NOT', operand: { kind: 'Unary', operator: 'NOT', operand: column('a') } });
});

test('unary signs bind tighter than multiplication and looser than postfix operators', () => {
  assert.deepEqual(shape('-a * b'), binary('*', { kind: 'Unary', operator: '-', operand: column('a') }, column('b')));
  assert.deepEqual(shape('+ -1'), { kind: 'Unary', operator: '+', operand: { kind: 'Unary', operator: '-', operand: integer('1') } });
  assert.deepEqual(shape('-a::INT'), { kind: 'Unary', operator: '-', operand: { kind: 'Cast', operand: column('a'), type: { text: 'INT' } } });
  assert.deepEqual(shape('-a[1]'), { kind: 'Unary', operator: '-', operand: { kind: 'Subscript', operand: column('a'), index: integer('1') } });
});

test('numbers are INTEGER, DECIMAL or DOUBLE by their form and keep their text', () => {
  const cases: [string, string][] = [
    ['12', 'INTEGER'], ['12.50', 'DECIMAL'], ['.5', 'DECIMAL'], ['7.', 'DECIMAL'], ['1e3', 'DOUBLE'], ['1.5E-7', 'DOUBLE'], ['2e+2', 'DOUBLE'],
  ];
  for (const [text, type] of cases) assert.deepEqual(shape(text), literal(type, text), text);
});

test('other literals: strings, booleans, NULL, binary strings and typed literals', () => {
  assert.deepEqual(shape("'it''s'"), literal('VARCHAR', "it's"));
  assert.deepEqual(shape("''"), literal('VARCHAR', ''));
  assert.deepEqual(shape('true'), literal('BOOLEAN', 'TRUE'));
  assert.deepEqual(shape('FALSE'), literal('BOOLEAN', 'FALSE'));
  assert.deepEqual(shape('null'), literal('NULL', 'NULL'));
  assert.deepEqual(shape("X'0AFf'"), literal('BINARY', '0aff'));
  assert.deepEqual(shape("x''"), literal('BINARY', ''));
  assert.deepEqual(shape("DATE '2024-01-01'"), literal('DATE', '2024-01-01'));
  assert.deepEqual(shape("time '12:30:00'"), literal('TIME', '12:30:00'));
  assert.deepEqual(shape("TIMESTAMP '2024-01-01 12:30:00'"), literal('TIMESTAMP', '2024-01-01 12:30:00'));
  assert.deepEqual(shape("UUID '123e4567-e89b-12d3-a456-426614174000'"), literal('UUID', '123e4567-e89b-12d3-a456-426614174000'));
  syntaxError("CREATE VIEW v AS SELECT X'ABC' FROM t", 'prog.sql:1:25: expected an even number of hex digits but found "X\'ABC\'"');
  syntaxError("CREATE VIEW v AS SELECT X'0G' FROM t", 'prog.sql:1:25: expected an even number of hex digits but found "X\'0G\'"');
});

test('a typed literal spans its keyword and its string', () => {
  const date = expression("DATE '2024-01-01'");
  assert.deepEqual([date.span.start.col, date.span.end.col], [25, 42]);
});

test('column references may be qualified by a table and quoted', () => {
  assert.deepEqual(shape('t.a'), column('a', 't'));
  assert.deepEqual(shape('"T"."Col"'), { kind: 'ColumnReference', table: id('T', true), column: id('Col', true) });
  assert.deepEqual(shape('t.a.f'), { kind: 'FieldAccess', operand: column('a', 't'), field: id('f') });
  assert.deepEqual(shape('(a).f'), { kind: 'FieldAccess', operand: column('a'), field: id('f') });
});

test('comparison operators, with != read as <>', () => {
  for (const operator of ['=', '<>', '<', '<=', '>', '>=']) {
    assert.deepEqual(shape(`a ${operator} 1`), binary(operator, column('a'), integer('1')), operator);
  }
  assert.deepEqual(shape('a != 1'), binary('<>', column('a'), integer('1')));
  assert.deepEqual(shape('a+1>=b'), binary('>=', binary('+', column('a'), integer('1')), column('b')));
});

test('IS [NOT] NULL, IS [NOT] TRUE and IS [NOT] FALSE', () => {
  assert.deepEqual(shape('a IS NULL'), { kind: 'IsNull', operand: column('a'), negated: false });
  assert.deepEqual(shape('a IS NOT NULL'), { kind: 'IsNull', operand: column('a'), negated: true });
  assert.deepEqual(shape('a IS TRUE'), { kind: 'IsBoolean', operand: column('a'), value: true, negated: false });
  assert.deepEqual(shape('a IS NOT FALSE'), { kind: 'IsBoolean', operand: column('a'), value: false, negated: true });
  assert.deepEqual(shape('a = 1 IS NULL'), { kind: 'IsNull', operand: binary('=', column('a'), integer('1')), negated: false });
  syntaxError('CREATE VIEW v AS SELECT a IS 1 FROM t', 'prog.sql:1:30: expected "NULL", "TRUE" or "FALSE" but found "1"');
});

test('[NOT] BETWEEN, [NOT] IN and [NOT] LIKE', () => {
  assert.deepEqual(shape('a BETWEEN 1 AND b + 2 AND c'), binary('AND',
    { kind: 'Between', operand: column('a'), low: integer('1'), high: binary('+', column('b'), integer('2')), negated: false },
    column('c')));
  assert.deepEqual(shape('a NOT BETWEEN 1 AND 2'), { kind: 'Between', operand: column('a'), low: integer('1'), high: integer('2'), negated: true });
  assert.deepEqual(shape("a IN (1, 'x')"), { kind: 'InList', operand: column('a'), list: [integer('1'), literal('VARCHAR', 'x')], negated: false });
  assert.deepEqual(shape('a NOT IN (1)'), { kind: 'InList', operand: column('a'), list: [integer('1')], negated: true });
  assert.deepEqual(shape("a LIKE 'x%'"), { kind: 'Like', operand: column('a'), pattern: literal('VARCHAR', 'x%'), negated: false });
  assert.deepEqual(shape("a NOT LIKE b || '%'"), {
    kind: 'Like', operand: column('a'), pattern: binary('||', column('b'), literal('VARCHAR', '%')), negated: true,
  });
});

test('CAST(x AS type) and x::type capture the type text', () => {
  assert.deepEqual(shape('CAST(a AS DECIMAL(10, 2))'), { kind: 'Cast', operand: column('a'), type: { text: 'DECIMAL(10, 2)' } });
  assert.deepEqual(shape('CAST(a + 1 AS MAP<VARCHAR, INT ARRAY>)'), {
    kind: 'Cast', operand: binary('+', column('a'), integer('1')), type: { text: 'MAP<VARCHAR, INT ARRAY>' },
  });
  assert.deepEqual(shape('a::VARCHAR(3) ARRAY || b'), binary('||',
    { kind: 'Cast', operand: column('a'), type: { text: 'VARCHAR(3) ARRAY' } }, column('b')));
  assert.deepEqual(shape('a::INT < 5'), binary('<', { kind: 'Cast', operand: column('a'), type: { text: 'INT' } }, integer('5')));
  assert.deepEqual(shape('a::MAP<INT, INT>[1]'), {
    kind: 'Subscript', operand: { kind: 'Cast', operand: column('a'), type: { text: 'MAP<INT, INT>' } }, index: integer('1'),
  });
  assert.deepEqual(shape('a::DOUBLE PRECISION::BIGINT UNSIGNED'), {
    kind: 'Cast', operand: { kind: 'Cast', operand: column('a'), type: { text: 'DOUBLE PRECISION' } }, type: { text: 'BIGINT UNSIGNED' },
  });
  const cast = expression('CAST(a AS INT)') as Extract<Expression, { kind: 'Cast' }>;
  assert.deepEqual([cast.type.span.start.col, cast.type.span.end.col, cast.span.end.col], [35, 38, 39]);
});

test('CASE with and without an operand, with or without ELSE', () => {
  assert.deepEqual(shape("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"), {
    kind: 'Case',
    operand: null,
    branches: [
      { when: binary('>', column('a'), integer('1')), then: literal('VARCHAR', 'big') },
      { when: binary('>', column('a'), integer('0')), then: literal('VARCHAR', 'small') },
    ],
    otherwise: literal('VARCHAR', 'none'),
  });
  assert.deepEqual(shape('CASE a WHEN 1 THEN TRUE END'), {
    kind: 'Case', operand: column('a'), branches: [{ when: integer('1'), then: literal('BOOLEAN', 'TRUE') }], otherwise: null,
  });
  syntaxError('CREATE VIEW v AS SELECT CASE a END FROM t', 'prog.sql:1:32: expected "WHEN" but found "END"');
});

test('ARRAY constructors, subscripts and field access chain left to right', () => {
  assert.deepEqual(shape('ARRAY[1, a]'), { kind: 'ArrayConstructor', elements: [integer('1'), column('a')] });
  assert.deepEqual(shape('array[]'), { kind: 'ArrayConstructor', elements: [] });
  assert.deepEqual(shape('a[1][b]'), {
    kind: 'Subscript', operand: { kind: 'Subscript', operand: column('a'), index: integer('1') }, index: column('b'),
  });
  assert.deepEqual(shape('a[1].f."G"'), {
    kind: 'FieldAccess',
    operand: { kind: 'FieldAccess', operand: { kind: 'Subscript', operand: column('a'), index: integer('1') }, field: id('f') },
    field: id('G', true),
  });
});

test('function calls, including COALESCE, take plain argument lists', () => {
  assert.deepEqual(shape('COALESCE(a, 0)'), call('coalesce', column('a'), integer('0')));
  assert.deepEqual(shape('now()'), call('now'));
  assert.deepEqual(shape('"MyFn"(1)'), { kind: 'FunctionCall', name: id('MyFn', true), args: [integer('1')] });
  assert.deepEqual(shape('ABS(-a) + 1'), binary('+', call('abs', { kind: 'Unary', operator: '-', operand: column('a') }), integer('1')));
  assert.deepEqual(shape('SUBSTRING(s, 2, 3)'), call('substring', column('s'), integer('2'), integer('3')));
});

test('special function syntaxes are normalized to plain arguments', () => {
  assert.deepEqual(shape('SUBSTRING(s FROM 2)'), call('substring', column('s'), integer('2')));
  assert.deepEqual(shape('SUBSTRING(s FROM a + 1 FOR 3)'), call('substring', column('s'), binary('+', column('a'), integer('1')), integer('3')));
  assert.deepEqual(shape('TRIM(s)'), { ...call('trim', column('s')) as object, mode: 'BOTH' });
  assert.deepEqual(shape('TRIM(FROM s)'), { ...call('trim', column('s')) as object, mode: 'BOTH' });
  assert.deepEqual(shape("TRIM(' ' FROM s)"), { ...call('trim', column('s'), literal('VARCHAR', ' ')) as object, mode: 'BOTH' });
  assert.deepEqual(shape("TRIM(LEADING 'x' FROM s)"), { ...call('trim', column('s'), literal('VARCHAR', 'x')) as object, mode: 'LEADING' });
  assert.deepEqual(shape('TRIM(TRAILING FROM s)'), { ...call('trim', column('s')) as object, mode: 'TRAILING' });
  assert.deepEqual(shape("TRIM(BOTH 'x' FROM s)"), { ...call('trim', column('s'), literal('VARCHAR', 'x')) as object, mode: 'BOTH' });
  assert.deepEqual(shape("POSITION('b' IN s)"), call('position', literal('VARCHAR', 'b'), column('s')));
  assert.deepEqual(shape('EXTRACT(year FROM d)'), { ...call('extract', column('d')) as object, field: 'YEAR' });
  syntaxError("CREATE VIEW v AS SELECT POSITION('b', s) FROM t", 'prog.sql:1:37: expected "IN" but found ","');
  syntaxError('CREATE VIEW v AS SELECT EXTRACT(1 FROM d) FROM t', 'prog.sql:1:33: expected a date or time field such as YEAR but found "1"');
});

test('every expression node spans from its first to its last token, parentheses included', () => {
  const sum = expression('(a + b) * c');
  assert.deepEqual(sum.span, { start: { line: 1, col: 25, offset: 24 }, end: { line: 1, col: 36, offset: 35 } });
  const left = (sum as Extract<Expression, { kind: 'Binary' }>).left;
  assert.deepEqual([left.span.start.col, left.span.end.col], [25, 32]);
  const isNull = expression('a  IS NOT NULL');
  assert.deepEqual([isNull.span.start.col, isNull.span.end.col], [25, 39]);
  const item = query('SELECT a AS x FROM t u').items[0]!;
  assert.deepEqual([item.span.start.col, item.span.end.col], [25, 31]);
  const from = query('SELECT a AS x FROM t u').from;
  assert.deepEqual([from.span.start.col, from.span.end.col], [37, 40]);
});

// ---- Identifiers, keywords and comments ------------------------------------------------------

test('unquoted identifiers fold to lower case; quoted ones keep their case and may hold a quote', () => {
  const statement = table('CREATE TABLE "MyTable" (Id INT, "Name" VARCHAR, "a""b" INT, "select" INT, ÉTÉ INT)');
  assert.deepEqual(withoutSpans(statement.name), id('MyTable', true));
  assert.deepEqual(statement.columns.map((c) => [c.name.name, c.name.quoted]), [
    ['id', false], ['Name', true], ['a"b', true], ['select', true], ['été', false],
  ]);
});

test('keywords are case-insensitive, and reserved words must be quoted to be names', () => {
  const statement = view('cReAtE vIeW V aS sElEcT A fRoM T wHeRe a iS nOt NuLl');
  assert.deepEqual(withoutSpans(statement.query.where), { kind: 'IsNull', operand: column('a'), negated: true });
  assert.deepEqual(table('CREATE TABLE if (if INT)').columns.map((c) => c.name.name), ['if']);
  syntaxError('CREATE TABLE select (a INT)', 'prog.sql:1:14: expected a table name but found "select"');
  syntaxError('CREATE TABLE t (from INT)', 'prog.sql:1:17: expected a column name but found "from"');
  syntaxError('CREATE TABLE t (""  INT)', 'prog.sql:1:17: expected a name between the double quotes but found ""');
});

test('line and block comments are skipped and do not shift positions', () => {
  const program = parse('-- first\n/* a\n block */ CREATE TABLE t ( -- the columns\n a INT /* inline */ NOT NULL)');
  const statement = program.statements[0] as CreateTable;
  assert.deepEqual(statement.span.start, { line: 3, col: 11, offset: 24 });
  assert.deepEqual(withoutSpans(statement.columns), [{ name: id('a'), type: { text: 'INT' }, nullable: false, primaryKey: false, defaultValue: null }]);
  assert.deepEqual(statement.columns[0]!.name.span.start, { line: 4, col: 2, offset: 57 });
  syntaxError('CREATE TABLE t (a INT) /* never\nclosed', 'prog.sql:1:24: expected "*/" to close the comment but found end of input');
});

// ---- Tokens ----------------------------------------------------------------------------------

test('the lexer reads operators longest first and gives every token its span', () => {
  const tokens = tokenize("a<=b<>c!=d||e::f >= .5 -- x\n'q'");
  assert.deepEqual(tokens.map((t) => [t.kind, t.text]), [
    ['word', 'a'], ['symbol', '<='], ['word', 'b'], ['symbol', '<>'], ['word', 'c'], ['symbol', '!='], ['word', 'd'],
    ['symbol', '||'], ['word', 'e'], ['symbol', '::'], ['word', 'f'], ['symbol', '>='], ['number', '.5'], ['string', "'q'"], ['end', ''],
  ]);
  assert.deepEqual(tokens[13]!.span, { start: { line: 2, col: 1, offset: 28 }, end: { line: 2, col: 4, offset: 31 } });
  assert.deepEqual(tokens[14]!.span.start, { line: 2, col: 4, offset: 31 });
});

test('the lexer folds words to lower case and unescapes quoted text', () => {
  const tokens = tokenize(`SeLeCt "A""b" 'it''s' X'0A'`);
  assert.deepEqual(tokens.map((t) => [t.kind, t.value]), [
    ['word', 'select'], ['quotedIdentifier', 'A"b'], ['string', "it's"], ['binaryString', '0a'], ['end', ''],
  ]);
});

// ---- Errors ----------------------------------------------------------------------------------

test('a syntax error names what was expected and quotes what was found, at its position', () => {
  syntaxError('CREATE VIEW v AS\n  SELECT a\n  FROM t\n  WHERE a = = 1', 'prog.sql:4:13: expected an expression but found "="');
  syntaxError('CREATE TABLE t (a INT', 'prog.sql:1:22: expected "," or ")" but found end of input');
  syntaxError('CREATE VIEW v AS SELECT a b c FROM t', 'prog.sql:1:29: expected "," or "FROM" but found "c"');
  syntaxError('DROP TABLE t', 'prog.sql:1:1: expected "CREATE" but found "DROP"');
  syntaxError('CREATE SEQUENCE s', 'prog.sql:1:8: expected "TABLE", "VIEW", "MATERIALIZED VIEW", "LOCAL VIEW", "INDEX" or "TYPE" but found "SEQUENCE"');
  syntaxError('CREATE VIEW v AS SELECT a FROM t WHERE (a', 'prog.sql:1:42: expected ")" but found end of input');
  syntaxError('CREATE VIEW v AS SELECT # FROM t', 'prog.sql:1:25: expected a SQL token but found "#"');
  syntaxError("CREATE TABLE t (a INT) WITH ('connectors' = '[{\"a\": 1, \"b\": 2, \"c\": 3}]' 'x')",
    'prog.sql:1:74: expected "," or ")" but found "\'x\'"');
  syntaxError("CREATE TABLE t (a INT) WITH ('c' '[{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}]')",
    'prog.sql:1:34: expected "=" but found "\'[{\\"a\\": 1, \\"b\\": 2, \\"c\\": 3, \\"d\\"...\"');
});

test('an unterminated string or quoted identifier is reported where it starts', () => {
  syntaxError("CREATE TABLE t (a INT) WITH (\n  'connectors' = '[{\n}]\n)", "prog.sql:2:18: expected ' to close the string but found end of input");
  syntaxError('CREATE TABLE "t (a INT)', 'prog.sql:1:14: expected " to close the identifier but found end of input');
});

test('a bad type text is reported at the type, with what parseSqlType expected', () => {
  syntaxError('CREATE TABLE t (\n  a DECIMAL(50, 2) NOT NULL)',
    'prog.sql:2:5: invalid SQL type "DECIMAL(50, 2)": expected a precision between 1 and 38 at character 9');
  syntaxError('CREATE TABLE t (a MAP<INT>)', 'prog.sql:1:19: invalid SQL type "MAP<INT>": expected "," at character 8');
  syntaxError('CREATE TABLE t (a INT UNKNOWN)', 'prog.sql:1:19: invalid SQL type "INT UNKNOWN": expected end of type at character 5');
  syntaxError('CREATE VIEW v AS SELECT CAST(a AS VARCHAR(0)) FROM t', 'prog.sql:1:35: invalid SQL type "VARCHAR(0)": expected a length of at least 1 at character 9');
  syntaxError('CREATE VIEW v AS SELECT a::ARRAY<INT FROM t', 'prog.sql:1:28: invalid SQL type "ARRAY<INT FROM t": expected ">" at character 11');
  syntaxError('CREATE TYPE t AS NOT', 'prog.sql:1:18: invalid SQL type "NOT": expected a type name at character 1');
  syntaxError('CREATE TABLE t (a , b INT)', 'prog.sql:1:19: expected a type but found ","');
});

test('errors carry the code, the position and the file, which defaults to <program>', () => {
  assert.throws(() => parseProgram('CREATE TABLE'), (error: unknown) => {
    assert.ok(error instanceof SqlError);
    assert.equal(error.message, '<program>:1:13: expected a table name but found end of input');
    assert.deepEqual(error.context, { line: 1, col: 13 });
    return true;
  });
  assert.throws(() => parseProgram('\n  CREATE TABLE 1', 'app.sql'), (error: unknown) => {
    assert.ok(error instanceof SqlError);
    assert.equal(error.code, 'SQL_SYNTAX_ERROR');
    assert.deepEqual(error.context, { file: 'app.sql', line: 2, col: 16 });
    return true;
  });
});

// ---- Not supported yet -----------------------------------------------------------------------

test('valid Feldera SQL that dynaview cannot run yet is reported as not supported, at the construct', () => {
  const select = 'CREATE VIEW v AS SELECT ';
  const cases: [string, string][] = [
    [`${select}DISTINCT a FROM t`, '1:25: DISTINCT'],
    [`${select}a FROM t JOIN u ON t.a = u.a`, '1:34: JOIN'],
    [`${select}a FROM t\n  LEFT OUTER JOIN u ON t.a = u.a`, '2:3: JOIN'],
    [`${select}a FROM t x CROSS JOIN u`, '1:36: JOIN'],
    [`${select}a FROM t NATURAL JOIN u`, '1:34: JOIN'],
    [`${select}a FROM t, u`, "1:33: a join (',' in FROM)"],
    [`${select}a FROM (SELECT a FROM t)`, '1:32: a subquery'],
    [`${select}a FROM t WHERE a IN (SELECT b FROM u)`, '1:46: a subquery'],
    [`${select}(SELECT 1 FROM u) FROM t`, '1:26: a subquery'],
    [`${select}a FROM t WHERE EXISTS (SELECT 1 FROM u)`, '1:40: a subquery'],
    [`${select}a FROM t\nGROUP BY a`, '2:1: GROUP BY'],
    [`${select}a FROM t WHERE a > 1 HAVING a > 2`, '1:46: HAVING'],
    [`${select}a FROM t ORDER BY a`, '1:34: ORDER BY'],
    [`${select}a FROM t LIMIT 10`, '1:34: LIMIT'],
    [`${select}a FROM t UNION SELECT a FROM u`, '1:34: UNION'],
    [`${select}a FROM t u EXCEPT SELECT a FROM u`, '1:36: EXCEPT'],
    [`${select}a FROM t INTERSECT SELECT a FROM u`, '1:34: INTERSECT'],
    [`${select}ROW_NUMBER() OVER (ORDER BY a) FROM t`, '1:38: a window function (OVER)'],
    [`${select}COUNT(*) FROM t`, '1:25: aggregate function COUNT'],
    [`${select}a, sum(b) FROM t`, '1:28: aggregate function SUM'],
    [`${select}AVG(a) FROM t`, '1:25: aggregate function AVG'],
    [`${select}MIN(a) FROM t`, '1:25: aggregate function MIN'],
    [`${select}max(a) FROM t`, '1:25: aggregate function MAX'],
    [`${select}array_agg(a) FROM t`, '1:25: aggregate function ARRAY_AGG'],
    [`${select}f(DISTINCT a) FROM t`, '1:27: DISTINCT'],
    [`${select}t.* FROM t`, '1:25: t.*'],
    [`${select}a IS DISTINCT FROM b FROM t`, '1:30: IS DISTINCT FROM'],
    [`${select}a LIKE 'x!%' ESCAPE '!' FROM t`, '1:38: LIKE ... ESCAPE'],
    [`${select}INTERVAL '1' DAY FROM t`, '1:25: INTERVAL'],
    [`${select}ARRAY(SELECT a FROM u) FROM t`, '1:25: a subquery'],
    [`${select}1`, '1:18: SELECT without FROM'],
    [`${select}a FROM TABLE(tumble(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR))`, '1:32: a table function'],
    [`${select}a FROM UNNEST(ARRAY[1])`, '1:32: UNNEST'],
    ['CREATE VIEW v AS WITH w AS (SELECT a FROM t) SELECT a FROM w', '1:18: WITH (a common table expression)'],
    ['CREATE FUNCTION f(x INT) RETURNS INT AS x + 1', '1:1: CREATE FUNCTION'],
    ['CREATE OR REPLACE VIEW v AS SELECT a FROM t', '1:1: CREATE OR REPLACE'],
    ['CREATE TABLE IF NOT EXISTS t (a INT)', '1:14: IF NOT EXISTS'],
    ['CREATE VIEW IF NOT EXISTS v AS SELECT a FROM t', '1:13: IF NOT EXISTS'],
    ['CREATE INDEX IF NOT EXISTS i ON v(a)', '1:14: IF NOT EXISTS'],
    ['DECLARE RECURSIVE VIEW v (a INT)', '1:1: DECLARE RECURSIVE'],
    ['LATENESS v.ts INTERVAL 1 HOUR', '1:1: LATENESS'],
    ["CREATE TABLE t (ts TIMESTAMP LATENESS INTERVAL '1' HOUR)", '1:30: LATENESS'],
    ['CREATE TABLE t (a INT FOREIGN KEY REFERENCES u(b))', '1:23: FOREIGN KEY'],
    ['CREATE TABLE t (a INT,\n  FOREIGN KEY (a) REFERENCES u(b))', '2:3: FOREIGN KEY'],
  ];
  for (const [sql, expected] of cases) {
    const [position, construct] = [expected.slice(0, expected.indexOf(': ')), expected.slice(expected.indexOf(': ') + 2)];
    notSupported(sql, `prog.sql:${position}: ${construct} is not supported yet`);
  }
});

test('LEFT and RIGHT followed by a parenthesis are function calls, not joins', () => {
  const program = parseProgram('CREATE VIEW v AS SELECT LEFT(s, 2) AS l, RIGHT(s, 1) AS r FROM t;', 'p.sql');
  const view = program.statements[0];
  assert.ok(view?.kind === 'CreateView');
  const names = view.query.items.map((item) => (item.kind === 'SelectExpression' && item.expression.kind === 'FunctionCall' ? item.expression.name.name : '?'));
  assert.deepEqual(names, ['left', 'right']);
});
