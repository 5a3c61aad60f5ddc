import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProgram, parseProgramWithProblems } from '../../src/sql/parser.js';
import { tokenize } from '../../src/sql/lexer.js';
import { SqlError } from '../../src/errors.js';
import type { CreateTable, CreateView, Expression, FromItem, Program, Query, QueryBody, Select, Statement } from '../../src/sql/ast.js';

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

function query(sql: string): Query {
  return view(`CREATE VIEW v AS ${sql}`).query;
}

/** The body of a view's query that is one SELECT. */
function select(sql: string): Select {
  const { body } = query(sql);
  assert.equal(body.kind, 'Select');
  return body as Select;
}

/** The expression of `SELECT <sql> FROM t`, as written in the tree. */
function expression(sql: string): Expression {
  const item = select(`SELECT ${sql} FROM t`).items[0];
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
const tableRef = (name: string, alias: string | null = null): unknown => ({ kind: 'TableReference', name: id(name), alias: alias === null ? null : id(alias) });
const item = (expression: unknown, alias: string | null = null): unknown => ({ kind: 'SelectExpression', expression, alias: alias === null ? null : id(alias) });
const star = { kind: 'AllColumns', table: null };
const selectShape = (items: unknown[], from: unknown, clauses: object = {}): unknown => (
  { kind: 'Select', distinct: false, items, from, where: null, groupBy: null, having: null, ...clauses });
const queryShape = (body: unknown, clauses: object = {}): unknown => (
  { kind: 'Query', with: [], body, orderBy: [], limit: null, offset: null, ...clauses });
const orderItem = (expression: unknown, descending = false, nullsFirst: boolean | null = null): unknown => ({ expression, descending, nullsFirst });
const aggregate = (name: string, args: unknown[], options: object = {}): unknown => (
  { kind: 'AggregateCall', name: id(name), args, star: false, distinct: false, filter: null, ...options });

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

/** A query body as a compact string: a SELECT by its FROM table, set operations and nested queries in brackets. */
function bodyTree(body: QueryBody): string {
  switch (body.kind) {
    case 'Select':
      return body.from?.kind === 'TableReference' ? body.from.name.name : '?';
    case 'Values':
      return 'values';
    case 'SetOperation':
      return `(${bodyTree(body.left)} ${body.operator}${body.all ? ' ALL' : ''} ${bodyTree(body.right)})`;
    case 'Query':
      return `[${bodyTree(body.body)}${body.orderBy.length > 0 ? ' ORDER BY' : ''}${body.limit !== null ? ' LIMIT' : ''}]`;
  }
}

/** The body tree of a query written with single letters for `SELECT * FROM <letter>`. */
function setTree(sql: string): string {
  return bodyTree(query(sql.replace(/\b([a-e])\b/g, 'SELECT * FROM $1')).body);
}

/** A FROM clause as a compact string: tables by name (or alias), subqueries as `(alias)`, joins in parentheses. */
function fromTree(item: FromItem): string {
  switch (item.kind) {
    case 'TableReference':
      return (item.alias ?? item.name).name;
    case 'SubqueryReference':
      return `(${item.alias?.name ?? ''})`;
    case 'Join': {
      const operator = item.comma ? ',' : `${item.natural ? 'NATURAL ' : ''}${item.type}`;
      const condition = item.on !== null ? ' ON' : item.using !== null ? ' USING' : '';
      return `(${fromTree(item.left)} ${operator} ${fromTree(item.right)}${condition})`;
    }
  }
}

function fromOf(sql: string): FromItem {
  const from = select(`SELECT * FROM ${sql}`).from;
  assert.ok(from !== null);
  return from;
}

/** [start column, end column] of a node on line 1. */
function columns(node: { span: { start: { col: number }; end: { col: number } } }): [number, number] {
  return [node.span.start.col, node.span.end.col];
}

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
        query: queryShape(selectShape([star], tableRef('t0'))),
      },
      { kind: 'CreateIndex', name: id('v1_idx'), relation: id('v1'), columns: [id('id'), id('sort')] },
    ],
    problems: [],
    unparsed: [],
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
  assert.deepEqual(withoutSpans(query('SELECT ALL *, a AS x, b y, "C" FROM t AS u WHERE a > 1')), queryShape(selectShape([
    star,
    item(column('a'), 'x'),
    item(column('b'), 'y'),
    item({ kind: 'ColumnReference', table: null, column: id('C', true) }),
  ], tableRef('t', 'u'), { where: binary('>', column('a'), integer('1')) })));
  assert.deepEqual(withoutSpans(select('SELECT a FROM t u').from), tableRef('t', 'u'));
});

// ---- Set operations, VALUES, ORDER BY and LIMIT -------------------------------------------------

test('set operations: INTERSECT binds tighter than UNION and EXCEPT, and all associate to the left', () => {
  const cases: [string, string][] = [
    ['a UNION b UNION c', '((a UNION b) UNION c)'],
    ['a UNION b INTERSECT c', '(a UNION (b INTERSECT c))'],
    ['a INTERSECT b UNION c', '((a INTERSECT b) UNION c)'],
    ['a EXCEPT b UNION ALL c', '((a EXCEPT b) UNION ALL c)'],
    ['a UNION b EXCEPT c INTERSECT d INTERSECT e', '((a UNION b) EXCEPT ((c INTERSECT d) INTERSECT e))'],
    ['a MINUS ALL b', '(a EXCEPT ALL b)'],
    ['a UNION DISTINCT b', '(a UNION b)'],
    ['a UNION (b UNION c)', '(a UNION (b UNION c))'],
    ['(a UNION b) INTERSECT c', '((a UNION b) INTERSECT c)'],
    ['((a))', 'a'],
    ['a EXCEPT (b ORDER BY x LIMIT 1)', '(a EXCEPT [b ORDER BY LIMIT])'],
  ];
  for (const [sql, tree] of cases) assert.equal(setTree(sql), tree, sql);
});

test('a parenthesized query keeps its own ORDER BY and LIMIT as a nested query; plain parentheses vanish', () => {
  const fromA = selectShape([item(column('x'))], tableRef('a'));
  const fromB = selectShape([item(column('x'))], tableRef('b'));
  assert.deepEqual(withoutSpans(query('(SELECT x FROM a ORDER BY x LIMIT 2) UNION ALL SELECT x FROM b ORDER BY 1 DESC')), queryShape({
    kind: 'SetOperation',
    operator: 'UNION',
    all: true,
    left: queryShape(fromA, { orderBy: [orderItem(column('x'))], limit: integer('2') }),
    right: fromB,
  }, { orderBy: [orderItem(integer('1'), true)] }));
  assert.deepEqual(withoutSpans(query('(SELECT x FROM a)')), queryShape(fromA));
  assert.deepEqual(withoutSpans(query('((SELECT x FROM a LIMIT 1))')), queryShape(fromA, { limit: integer('1') }));
  // The body's span grows to cover its parentheses.
  const sql = 'CREATE VIEW v AS (SELECT x FROM a) UNION SELECT x FROM b';
  const body = view(sql).query.body;
  assert.ok(body.kind === 'SetOperation');
  assert.deepEqual(columns(body), [18, sql.length + 1]);
  assert.deepEqual(columns(body.left), [18, 35]);
  assert.deepEqual(columns(body.right), [42, sql.length + 1]);
});

test('VALUES and VALUE rows are query bodies, alone or in set operations', () => {
  const values = (...rows: unknown[][]): unknown => queryShape({ kind: 'Values', rows });
  assert.deepEqual(withoutSpans(query("VALUES (1, 'a'), (2, NULL)")), values([integer('1'), literal('VARCHAR', 'a')], [integer('2'), literal('NULL', 'NULL')]));
  assert.deepEqual(withoutSpans(query('VALUE (1)')), values([integer('1')]));
  assert.deepEqual(withoutSpans(query('VALUES 1, 2 + 3')), values([integer('1')], [binary('+', integer('2'), integer('3'))]));
  assert.deepEqual(withoutSpans(query('values ROW(1, 2)')), values([integer('1'), integer('2')]));
  assert.equal(setTree('VALUES (1) UNION a'), '(values UNION a)');
  // VALUE is a keyword only before a row: otherwise it is an ordinary name.
  assert.deepEqual(shape('value'), column('value'));
  syntaxError('CREATE VIEW v AS VALUES ()', 'prog.sql:1:26: expected an expression but found ")"');
  syntaxError('CREATE VIEW v AS 1', 'prog.sql:1:18: expected "SELECT", "VALUES" or "(" but found "1"');
});

test('ORDER BY items take ASC or DESC and NULLS FIRST or LAST', () => {
  const { orderBy } = query('SELECT x FROM t ORDER BY x, y DESC, z ASC NULLS FIRST, x + 1 NULLS LAST');
  assert.deepEqual(withoutSpans(orderBy), [
    orderItem(column('x')),
    orderItem(column('y'), true),
    orderItem(column('z'), false, true),
    orderItem(binary('+', column('x'), integer('1')), false, false),
  ]);
  assert.deepEqual(columns(orderBy[1]!), [46, 52]);
  assert.deepEqual(columns(orderBy[2]!), [54, 71]);
  syntaxError('CREATE VIEW v AS SELECT x FROM t ORDER BY x NULLS', 'prog.sql:1:50: expected "FIRST" or "LAST" but found end of input');
});

test('LIMIT, LIMIT start, count, LIMIT ALL, OFFSET and FETCH become a limit and an offset', () => {
  const cases: [string, string | null, string | null][] = [
    ['LIMIT 10', '10', null],
    ['LIMIT 5, 10', '10', '5'],
    ['LIMIT ALL', null, null],
    ['LIMIT 10 OFFSET 5', '10', '5'],
    ['LIMIT ALL OFFSET 5 ROWS', null, '5'],
    ['OFFSET 5', null, '5'],
    ['OFFSET 1 ROW', null, '1'],
    ['OFFSET 5 ROWS FETCH NEXT 3 ROWS ONLY', '3', '5'],
    ['FETCH FIRST 3 ROWS ONLY', '3', null],
    ['FETCH FIRST ROW ONLY', '1', null],
    ['ORDER BY x DESC LIMIT 3', '3', null],
  ];
  for (const [tail, limit, offset] of cases) {
    const parsed = query(`SELECT x FROM t ${tail}`);
    assert.deepEqual(withoutSpans([parsed.limit, parsed.offset]), [limit && integer(limit), offset && integer(offset)], tail);
  }
  // FETCH without a count has the span of the whole clause.
  assert.deepEqual(columns(query('SELECT x FROM t FETCH FIRST ROW ONLY').limit!), [34, 54]);
  const select = 'CREATE VIEW v AS SELECT x FROM t ';
  syntaxError(`${select}LIMIT 1.5`, 'prog.sql:1:40: expected a whole number but found "1.5"');
  syntaxError(`${select}LIMIT n`, 'prog.sql:1:40: expected a whole number but found "n"');
  syntaxError(`${select}LIMIT 1 FETCH FIRST 1 ROW ONLY`, 'prog.sql:1:42: expected ";" but found "FETCH"');
  syntaxError(`${select}LIMIT 5, 10 OFFSET 2`, 'prog.sql:1:46: expected ";" but found "OFFSET"');
  syntaxError(`${select}FETCH FIRST 3 ONLY`, 'prog.sql:1:48: expected "ROW" or "ROWS" but found "ONLY"');
  syntaxError(`${select}FETCH 3 ROWS ONLY`, 'prog.sql:1:40: expected "FIRST" or "NEXT" but found "3"');
});

test('WITH defines common table expressions, with optional column lists, before any query', () => {
  const sql = 'CREATE VIEW v AS WITH a (x, y) AS (SELECT 1, 2), b AS (SELECT x FROM a) SELECT * FROM b';
  const parsed = view(sql).query;
  assert.deepEqual(withoutSpans(parsed), queryShape(selectShape([star], tableRef('b')), {
    with: [
      { name: id('a'), columnNames: [id('x'), id('y')], query: queryShape(selectShape([item(integer('1')), item(integer('2'))], null)) },
      { name: id('b'), columnNames: null, query: queryShape(selectShape([item(column('x'))], tableRef('a'))) },
    ],
  }));
  assert.deepEqual(columns(parsed), [18, sql.length + 1]);
  assert.deepEqual(columns(parsed.with[0]!), [23, 48]);
  const nested = fromOf('(WITH c AS (SELECT 1) SELECT * FROM c) AS s');
  assert.ok(nested.kind === 'SubqueryReference');
  assert.deepEqual(nested.query.with.map((cte) => cte.name.name), ['c']);
  assert.equal(setTree('(WITH cte AS (SELECT 1) SELECT * FROM cte) UNION a'), '([cte] UNION a)');
  syntaxError('CREATE VIEW v AS WITH a AS SELECT 1 SELECT 1', 'prog.sql:1:28: expected "(" but found "SELECT"');
  syntaxError('CREATE VIEW v AS WITH a AS (SELECT 1)', 'prog.sql:1:38: expected "SELECT", "VALUES" or "(" but found end of input');
});

// ---- SELECT, GROUP BY and HAVING ------------------------------------------------------------

test('SELECT DISTINCT, t.* and SELECT without FROM', () => {
  assert.deepEqual(withoutSpans(select('SELECT DISTINCT t.*, "U".* FROM t')), selectShape([
    { kind: 'AllColumns', table: id('t') },
    { kind: 'AllColumns', table: id('U', true) },
  ], tableRef('t'), { distinct: true }));
  assert.deepEqual(columns(select('SELECT t.* FROM t').items[0]!), [25, 28]);
  assert.deepEqual(withoutSpans(select('SELECT 1 + 1 AS two')), selectShape([item(binary('+', integer('1'), integer('1')), 'two')], null));
  assert.deepEqual(withoutSpans(select('SELECT 1 WHERE FALSE').where), literal('BOOLEAN', 'FALSE'));
  assert.equal(setTree('SELECT 1 UNION a'), '(? UNION a)');
  syntaxError('CREATE VIEW v AS SELECT 1 x y', 'prog.sql:1:29: expected "," or "FROM" but found "y"');
});

test('GROUP BY takes expressions, ordinals and names; HAVING may come with or without it', () => {
  assert.deepEqual(withoutSpans(select('SELECT a, COUNT(*) AS n FROM t WHERE b > 0 GROUP BY a, b + 1, 1 HAVING COUNT(*) > 1')), selectShape(
    [item(column('a')), item(aggregate('COUNT', [], { star: true }), 'n')],
    tableRef('t'),
    {
      where: binary('>', column('b'), integer('0')),
      groupBy: [column('a'), binary('+', column('b'), integer('1')), integer('1')],
      having: binary('>', aggregate('COUNT', [], { star: true }), integer('1')),
    },
  ));
  assert.deepEqual(withoutSpans(select('SELECT a FROM t GROUP BY (a), (b) + 1').groupBy), [column('a'), binary('+', column('b'), integer('1'))]);
  assert.deepEqual(withoutSpans(select('SELECT SUM(a) FROM t HAVING SUM(a) > 0').groupBy), null);
  syntaxError('CREATE VIEW v AS SELECT a FROM t GROUP a', 'prog.sql:1:40: expected "BY" but found "a"');
});

// ---- FROM and joins ------------------------------------------------------------------------

test('joins associate to the left, comma joins included (as in Calcite), unless parenthesized', () => {
  const cases: [string, string][] = [
    ['a JOIN b ON TRUE JOIN c ON TRUE', '((a INNER b ON) INNER c ON)'],
    ['a, b, c', '((a , b) , c)'],
    ['a, b JOIN c ON TRUE', '((a , b) INNER c ON)'],
    ['a JOIN b USING (x), c', '((a INNER b USING) , c)'],
    ['a JOIN (b JOIN c ON TRUE) ON TRUE', '(a INNER (b INNER c ON) ON)'],
    ['(a JOIN b ON TRUE) JOIN c ON TRUE', '((a INNER b ON) INNER c ON)'],
    ['((a CROSS JOIN b))', '(a CROSS b)'],
    ['(a)', 'a'],
    ['a x NATURAL JOIN b y CROSS JOIN c', '((x NATURAL INNER y) CROSS c)'],
  ];
  for (const [sql, tree] of cases) assert.equal(fromTree(fromOf(sql)), tree, sql);
});

test('join types, ON and USING, NATURAL joins and comma joins', () => {
  assert.deepEqual(withoutSpans(fromOf('t INNER JOIN u ON t.a = u.a LEFT OUTER JOIN w USING (a, "B")')), {
    kind: 'Join',
    type: 'LEFT',
    natural: false,
    comma: false,
    left: {
      kind: 'Join', type: 'INNER', natural: false, comma: false, left: tableRef('t'), right: tableRef('u'),
      on: binary('=', column('a', 't'), column('a', 'u')), using: null,
    },
    right: tableRef('w'),
    on: null,
    using: [id('a'), id('B', true)],
  });
  const cases: [string, string, boolean, boolean][] = [
    ['JOIN u ON TRUE', 'INNER', false, false],
    ['INNER JOIN u USING (a)', 'INNER', false, false],
    ['LEFT JOIN u ON TRUE', 'LEFT', false, false],
    ['left outer join u on true', 'LEFT', false, false],
    ['RIGHT JOIN u ON TRUE', 'RIGHT', false, false],
    ['RIGHT OUTER JOIN u ON TRUE', 'RIGHT', false, false],
    ['FULL JOIN u ON TRUE', 'FULL', false, false],
    ['FULL OUTER JOIN u ON TRUE', 'FULL', false, false],
    ['CROSS JOIN u', 'CROSS', false, false],
    [', u', 'CROSS', false, true],
    ['NATURAL JOIN u', 'INNER', true, false],
    ['NATURAL INNER JOIN u', 'INNER', true, false],
    ['NATURAL LEFT OUTER JOIN u', 'LEFT', true, false],
    ['NATURAL FULL JOIN u', 'FULL', true, false],
  ];
  for (const [join, type, natural, comma] of cases) {
    const from = fromOf(`t ${join}`);
    assert.ok(from.kind === 'Join', join);
    assert.deepEqual([from.type, from.natural, from.comma], [type, natural, comma], join);
    if (natural || type === 'CROSS') assert.deepEqual([from.on, from.using], [null, null], join);
  }
  const sql = 'CREATE VIEW v AS SELECT * FROM t JOIN u ON t.a = u.a, w';
  const from = (view(sql).query.body as Select).from!;
  assert.ok(from.kind === 'Join');
  assert.deepEqual([columns(from), columns(from.left)], [[32, sql.length + 1], [32, 53]]);
});

test('a join that needs a condition names what is expected; NATURAL and CROSS joins take none', () => {
  const select = 'CREATE VIEW v AS SELECT * FROM t ';
  syntaxError(`${select}JOIN u`, 'prog.sql:1:40: expected "ON" or "USING" but found end of input');
  syntaxError(`${select}LEFT JOIN u\nWHERE a > 1`, 'prog.sql:2:1: expected "ON" or "USING" but found "WHERE"');
  syntaxError(`${select}FULL OUTER JOIN u, w`, 'prog.sql:1:51: expected "ON" or "USING" but found ","');
  syntaxError(`${select}NATURAL JOIN u ON t.a = u.a`, 'prog.sql:1:49: a NATURAL join cannot have ON');
  syntaxError(`${select}CROSS JOIN u USING (a)`, 'prog.sql:1:47: a CROSS join cannot have USING');
  syntaxError(`${select}NATURAL CROSS JOIN u`, 'prog.sql:1:42: expected "JOIN" but found "CROSS"');
  syntaxError(`${select}LEFT u`, 'prog.sql:1:39: expected "JOIN" but found "u"');
  syntaxError(`${select}JOIN u USING a`, 'prog.sql:1:47: expected "(" but found "a"');
  syntaxError(`${select}, WHERE`, 'prog.sql:1:36: expected a table or view name but found "WHERE"');
});

test('subqueries in FROM take an optional alias and column names; parentheses tell a subquery from a join tree', () => {
  const subquery = (body: unknown, alias: string | null, names: string[] | null = null): unknown => ({
    kind: 'SubqueryReference', query: queryShape(body), alias: alias === null ? null : id(alias), columnNames: names === null ? null : names.map((n) => id(n)),
  });
  const fromT = selectShape([item(column('a'))], tableRef('t'));
  assert.deepEqual(withoutSpans(fromOf('(SELECT a FROM t) AS s (x)')), subquery(fromT, 's', ['x']));
  assert.deepEqual(withoutSpans(fromOf('(VALUES (1)) v')), subquery({ kind: 'Values', rows: [[integer('1')]] }, 'v'));
  assert.deepEqual(withoutSpans(fromOf('(SELECT a FROM t)')), subquery(fromT, null));
  assert.deepEqual(withoutSpans(fromOf('((SELECT a FROM t)) s')), subquery(fromT, 's'));
  assert.equal(fromTree(fromOf('((SELECT a FROM t) s JOIN u ON TRUE)')), '((s) INNER u ON)');
  assert.equal(fromTree(fromOf('((SELECT a FROM t) UNION (SELECT a FROM u)) AS s, w')), '((s) , w)');
  const nested = fromOf('((SELECT a FROM t) UNION (SELECT a FROM u) ORDER BY a) AS s');
  assert.ok(nested.kind === 'SubqueryReference');
  assert.equal(bodyTree(nested.query.body), '(t UNION u)');
  assert.equal(nested.query.orderBy.length, 1);
  const sql = 'CREATE VIEW v AS SELECT * FROM (SELECT a FROM t) AS s (x)';
  assert.deepEqual(columns((view(sql).query.body as Select).from!), [32, sql.length + 1]);
});

// ---- Subqueries, aggregates and window calls in expressions ----------------------------------

test('subqueries as values: scalar, EXISTS and IN; IN with a list stays a list', () => {
  const maxOfU = queryShape(selectShape([item(aggregate('MAX', [column('b')]))], tableRef('u')));
  assert.deepEqual(shape('(SELECT MAX(b) FROM u)'), { kind: 'ScalarSubquery', query: maxOfU });
  assert.deepEqual(shape('((SELECT MAX(b) FROM u))'), { kind: 'ScalarSubquery', query: maxOfU });
  assert.deepEqual(shape('NOT EXISTS (SELECT b FROM u)'), {
    kind: 'Unary', operator: 'NOT', operand: { kind: 'Exists', query: queryShape(selectShape([item(column('b'))], tableRef('u'))) },
  });
  assert.deepEqual(shape('a NOT IN (SELECT b FROM u)'), {
    kind: 'InSubquery', operand: column('a'), query: queryShape(selectShape([item(column('b'))], tableRef('u'))), negated: true,
  });
  assert.deepEqual(shape('a IN ((SELECT 1), 2)'), {
    kind: 'InList', operand: column('a'), list: [{ kind: 'ScalarSubquery', query: queryShape(selectShape([item(integer('1'))], null)) }, integer('2')], negated: false,
  });
  assert.deepEqual(shape('((SELECT 1) + 1) * 2'), binary('*',
    binary('+', { kind: 'ScalarSubquery', query: queryShape(selectShape([item(integer('1'))], null)) }, integer('1')), integer('2')));
  const inUnion = expression('a IN (SELECT b FROM u UNION SELECT b FROM w)');
  assert.ok(inUnion.kind === 'InSubquery');
  assert.equal(bodyTree(inUnion.query.body), '(u UNION w)');
  const where = select('SELECT a FROM t WHERE a = (SELECT MAX(a) FROM t) AND EXISTS (VALUES (1))').where;
  assert.ok(where?.kind === 'Binary' && where.left.kind === 'Binary' && where.right.kind === 'Exists');
  assert.deepEqual(columns(where.left.right), [44, 66]);
  assert.deepEqual(columns(where.right), [71, 90]);
  assert.deepEqual(columns(expression('a IN (SELECT b FROM u)')), [25, 47]);
});

test('aggregate calls have upper-case names, *, DISTINCT or ALL, and FILTER', () => {
  assert.deepEqual(shape('count(*)'), aggregate('COUNT', [], { star: true }));
  assert.deepEqual(shape('Count(DISTINCT a, b)'), aggregate('COUNT', [column('a'), column('b')], { distinct: true }));
  assert.deepEqual(shape('SUM(ALL a)'), aggregate('SUM', [column('a')]));
  assert.deepEqual(shape('sum(a) FILTER (WHERE a > 0) + 1'), binary('+',
    aggregate('SUM', [column('a')], { filter: binary('>', column('a'), integer('0')) }), integer('1')));
  assert.deepEqual(shape('COUNT(*) FILTER (WHERE b)'), aggregate('COUNT', [], { star: true, filter: column('b') }));
  assert.deepEqual(shape('arg_max(a, b)'), aggregate('ARG_MAX', [column('a'), column('b')]));
  assert.deepEqual(shape('mode(a)'), aggregate('MODE', [column('a')]));
  // Not calls: a quoted name is an ordinary function, and a bare name is a column.
  assert.deepEqual(shape('"count"(a)'), { kind: 'FunctionCall', name: id('count', true), args: [column('a')] });
  assert.deepEqual(shape('count'), column('count'));
  const filtered = expression('sum(a) FILTER (WHERE a > 0)');
  assert.ok(filtered.kind === 'AggregateCall');
  assert.deepEqual([columns(filtered), columns(filtered.name)], [[25, 52], [25, 28]]);
  const select = 'CREATE VIEW v AS SELECT ';
  syntaxError(`${select}SUM(*) FROM t`, 'prog.sql:1:29: expected an expression but found "*"');
  syntaxError(`${select}COUNT(DISTINCT *) FROM t`, 'prog.sql:1:40: expected an expression but found "*"');
  syntaxError(`${select}COUNT() FROM t`, 'prog.sql:1:31: expected an expression but found ")"');
  syntaxError(`${select}SUM(a) FILTER (a > 0) FROM t`, 'prog.sql:1:40: expected "WHERE" but found "a"');
});

test('window calls: a window function or an aggregate with OVER (PARTITION BY ... ORDER BY ...)', () => {
  const window = (name: string, args: unknown[], partitionBy: unknown[], orderBy: unknown[]): unknown => (
    { kind: 'WindowCall', name: id(name), args, partitionBy, orderBy });
  assert.deepEqual(shape('row_number() OVER (PARTITION BY a, b ORDER BY c DESC)'),
    window('ROW_NUMBER', [], [column('a'), column('b')], [orderItem(column('c'), true)]));
  assert.deepEqual(shape('sum(a) over ()'), window('SUM', [column('a')], [], []));
  assert.deepEqual(shape('COUNT(*) OVER (ORDER BY a)'), window('COUNT', [], [], [orderItem(column('a'))]));
  assert.deepEqual(shape('LAG(a, 1, 0) OVER (PARTITION BY b)'), window('LAG', [column('a'), integer('1'), integer('0')], [column('b')], []));
  assert.deepEqual(shape('rank() OVER (ORDER BY a) <= 3'), binary('<=', window('RANK', [], [], [orderItem(column('a'))]), integer('3')));
  assert.deepEqual(columns(expression('DENSE_RANK() OVER (ORDER BY a)')), [25, 55]);
  const select = 'CREATE VIEW v AS SELECT ';
  syntaxError(`${select}ROW_NUMBER() FROM t`, 'prog.sql:1:38: ROW_NUMBER requires OVER (...): expected "OVER" but found "FROM"');
  syntaxError(`${select}rank() AS r FROM t`, 'prog.sql:1:32: RANK requires OVER (...): expected "OVER" but found "AS"');
  syntaxError(`${select}first_value(a) FROM t`, 'prog.sql:1:40: FIRST_VALUE requires OVER (...): expected "OVER" but found "FROM"');
  syntaxError(`${select}SUM(a) OVER (PARTITION a) FROM t`, 'prog.sql:1:48: expected "BY" but found "a"');
});

test('IS [NOT] DISTINCT FROM and <=>: negated is the NOT, and <=> is IS NOT DISTINCT FROM', () => {
  const distinct = (left: unknown, right: unknown, negated: boolean): unknown => ({ kind: 'IsDistinct', left, right, negated });
  assert.deepEqual(shape('a IS DISTINCT FROM b'), distinct(column('a'), column('b'), false));
  assert.deepEqual(shape('a IS NOT DISTINCT FROM b || c'), distinct(column('a'), binary('||', column('b'), column('c')), true));
  assert.deepEqual(shape('a <=> b + 1'), distinct(column('a'), binary('+', column('b'), integer('1')), true));
  assert.deepEqual(shape('a<=>b AND c'), binary('AND', distinct(column('a'), column('b'), true), column('c')));
  assert.deepEqual(shape('a = b IS DISTINCT FROM c'), distinct(binary('=', column('a'), column('b')), column('c'), false));
  assert.deepEqual(columns(expression('a IS NOT DISTINCT FROM b')), [25, 49]);
  syntaxError('CREATE VIEW v AS SELECT a IS DISTINCT b FROM t', 'prog.sql:1:39: expected "FROM" but found "b"');
  assert.deepEqual(tokenize('a<=>b').tokens.map((t) => t.text), ['a', '<=>', 'b', '']);
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
  syntaxError('CREATE VIEW v AS SELECT a IS 1 FROM t', 'prog.sql:1:30: expected "NULL", "TRUE", "FALSE" or "DISTINCT FROM" but found "1"');
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
  const first = select('SELECT a AS x FROM t u').items[0]!;
  assert.deepEqual([first.span.start.col, first.span.end.col], [25, 31]);
  const from = select('SELECT a AS x FROM t u').from!;
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
  assert.deepEqual(withoutSpans((statement.query.body as Select).where), { kind: 'IsNull', operand: column('a'), negated: true });
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
  const { tokens } = tokenize("a<=b<>c!=d||e::f >= .5 -- x\n'q'");
  assert.deepEqual(tokens.map((t) => [t.kind, t.text]), [
    ['word', 'a'], ['symbol', '<='], ['word', 'b'], ['symbol', '<>'], ['word', 'c'], ['symbol', '!='], ['word', 'd'],
    ['symbol', '||'], ['word', 'e'], ['symbol', '::'], ['word', 'f'], ['symbol', '>='], ['number', '.5'], ['string', "'q'"], ['end', ''],
  ]);
  assert.deepEqual(tokens[13]!.span, { start: { line: 2, col: 1, offset: 28 }, end: { line: 2, col: 4, offset: 31 } });
  assert.deepEqual(tokens[14]!.span.start, { line: 2, col: 4, offset: 31 });
});

test('the lexer folds words to lower case and unescapes quoted text', () => {
  const { tokens } = tokenize(`SeLeCt "A""b" 'it''s' X'0A'`);
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
  const GROUPINGS = 'write one GROUP BY query per grouping and combine them with UNION ALL';
  const QUANTIFIED = 'compare with MIN or MAX of the subquery, or use [NOT] IN / [NOT] EXISTS';
  // [SQL, position: construct, what to write instead]
  const cases: Array<[string, string, string?]> = [
    [`${select}DISTINCT ON (a) a FROM t`, '1:25: DISTINCT ON', 'filter ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) = 1 in a subquery'],
    [`${select}* EXCLUDE (a) FROM t`, '1:27: * EXCLUDE'],
    [`${select}t.* REPLACE (a + 1 AS a) FROM t`, '1:29: * REPLACE'],
    [`${select}a FROM t\n  ASOF JOIN u MATCH_CONDITION (t.ts >= u.ts) ON t.k = u.k`, '2:3: ASOF JOIN'],
    [`${select}a FROM t LEFT ASOF JOIN u MATCH_CONDITION (t.ts >= u.ts) ON t.k = u.k`, '1:34: ASOF JOIN'],
    [`${select}a FROM t CROSS APPLY u`, '1:34: CROSS APPLY'],
    [`${select}a FROM t OUTER APPLY u`, '1:34: OUTER APPLY'],
    [`${select}a FROM t, LATERAL (SELECT a FROM u)`, '1:35: LATERAL'],
    [`${select}a FROM t PIVOT (SUM(a) FOR b IN (1, 2))`, '1:34: PIVOT'],
    [`${select}a FROM t AS x (b)`, '1:39: a column list after a table alias'],
    [`${select}a FROM t\nGROUP BY ALL`, '2:1: GROUP BY ALL'],
    [`${select}a FROM t GROUP BY DISTINCT a`, '1:34: GROUP BY DISTINCT'],
    [`${select}a FROM t GROUP BY a, CUBE (a, b)`, '1:46: CUBE', GROUPINGS],
    [`${select}a FROM t GROUP BY ROLLUP(a)`, '1:43: ROLLUP', GROUPINGS],
    [`${select}a FROM t GROUP BY GROUPING SETS ((a), (b))`, '1:43: GROUPING SETS', GROUPINGS],
    [`${select}a FROM t GROUP BY ()`, '1:43: the empty grouping set ()'],
    [`${select}a FROM t GROUP BY (a, b)`, '1:43: a grouping set in parentheses'],
    [`${select}a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1`, '1:34: QUALIFY'],
    [`${select}a FROM t WINDOW w AS (ORDER BY a)`, '1:34: WINDOW'],
    [`${select}a FROM t ORDER BY ALL`, '1:34: ORDER BY ALL'],
    [`${select}RANK() OVER w FROM t`, '1:37: a named window (OVER name)'],
    [`${select}RANK() OVER (w ORDER BY a) FROM t`, '1:38: a named window (OVER name)'],
    [`${select}SUM(a) OVER (ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t`, '1:49: a window frame (ROWS)'],
    [`${select}SUM(a) OVER (ORDER BY b RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t`, '1:49: a window frame (RANGE)'],
    [`${select}COUNT(DISTINCT a) OVER () FROM t`, '1:31: DISTINCT in a window function'],
    [`${select}SUM(a) FILTER (WHERE a > 0) OVER () FROM t`, '1:32: FILTER in a window function'],
    [`${select}NTILE(4) OVER (ORDER BY a) FROM t`, '1:25: window function NTILE'],
    [`${select}ARRAY_AGG(a ORDER BY b) FROM t`, '1:37: ORDER BY in ARRAY_AGG(...)'],
    [`${select}f(DISTINCT a) FROM t`, '1:27: DISTINCT in a call of F (not a built-in aggregate function)'],
    [`${select}a FROM t WHERE a = ANY (SELECT b FROM u)`, '1:44: a quantified comparison (ANY)', QUANTIFIED],
    [`${select}a FROM t WHERE a > ALL (SELECT b FROM u)`, '1:44: a quantified comparison (ALL)', QUANTIFIED],
    [`${select}a LIKE 'x!%' ESCAPE '!' FROM t`, '1:38: LIKE ... ESCAPE'],
    [`${select}INTERVAL '1' DAY FROM t`, '1:25: INTERVAL'],
    [`${select}ARRAY(SELECT a FROM u) FROM t`, '1:25: ARRAY(subquery)'],
    [`${select}a FROM TABLE(tumble(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR))`, '1:32: a table function'],
    [`${select}a FROM UNNEST(ARRAY[1])`, '1:32: UNNEST'],
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
  for (const [sql, expected, instead] of cases) {
    const [position, construct] = [expected.slice(0, expected.indexOf(': ')), expected.slice(expected.indexOf(': ') + 2)];
    notSupported(sql, `prog.sql:${position}: ${construct} is not supported yet${instead === undefined ? '' : `: ${instead}`}`);
  }
});

test('WITH RECURSIVE is refused as Feldera refuses it, pointing at DECLARE RECURSIVE VIEW', () => {
  notSupported('CREATE VIEW v AS\n  WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r',
    'prog.sql:2:3: WITH RECURSIVE is not supported: Feldera requires DECLARE RECURSIVE VIEW, which dynaview does not support yet');
  // Without a name after it, RECURSIVE is the name of the common table expression.
  assert.equal(query('WITH recursive AS (SELECT 1) SELECT * FROM recursive').with[0]!.name.name, 'recursive');
});

test('LEFT and RIGHT followed by a parenthesis are function calls, not joins', () => {
  const program = parseProgram('CREATE VIEW v AS SELECT LEFT(s, 2) AS l, RIGHT(s, 1) AS r FROM t;', 'p.sql');
  const view = program.statements[0];
  assert.ok(view?.kind === 'CreateView');
  assert.ok(view.query.body.kind === 'Select');
  const names = view.query.body.items.map((item) => (item.kind === 'SelectExpression' && item.expression.kind === 'FunctionCall' ? item.expression.name.name : '?'));
  assert.deepEqual(names, ['left', 'right']);
});

// ---- Recovery --------------------------------------------------------------------------------

function recovered(sql: string): { problems: string[]; statements: string[]; unparsed: string[] } {
  const program = parseProgramWithProblems(sql, 'p.sql');
  return {
    problems: program.problems.map((p) => p.message),
    statements: program.statements.map((s) => s.name.name),
    unparsed: program.unparsed.map((u) => `${u.kind} ${u.name}`),
  };
}

test('after a syntax error reading goes on at the next statement, and every statement with one is reported', () => {
  assert.deepEqual(recovered([
    'CREATE TABLE t (id INT);',
    'CREATE VIEW a AS SELECT FROM t;',
    'CREATE VIEW b AS SELECT id FROM t WHERE;',
    'CREATE VIEW c AS SELECT id FROM t;',
  ].join('\n')), {
    problems: ['p.sql:2:25: expected an expression but found "FROM"', 'p.sql:3:40: expected an expression but found ";"'],
    statements: ['t', 'c'],
    unparsed: ['relation a', 'relation b'],
  });
});

test('a missing semicolon loses no statement: the next CREATE starts the next one', () => {
  assert.deepEqual(recovered('CREATE TABLE t (id INT)\nCREATE VIEW v AS SELECT id FROM t;\nCREATE INDEX i ON v(id);'), {
    problems: ['p.sql:2:1: expected ";" but found "CREATE"'],
    statements: ['t', 'v', 'i'],
    unparsed: [],
  });
});

test('not-supported statements are reported and skipped; text that is no token is reported once, by the lexer', () => {
  assert.deepEqual(recovered([
    'CREATE TABLE IF NOT EXISTS t (id INT);',
    'CREATE VIEW v AS SELECT id FROM t WHERE id @ 1;',
    "CREATE VIEW w AS SELECT 'open FROM t;",
  ].join('\n')), {
    problems: [
      'p.sql:1:14: IF NOT EXISTS is not supported yet',
      'p.sql:2:44: expected a SQL token but found "@"',
      'p.sql:3:25: expected \' to close the string but found end of input',
    ],
    statements: [],
    unparsed: ['relation t', 'relation v', 'relation w'],
  });
  assert.throws(() => parseProgram('CREATE TABLE t (id INT);\nCREATE VIEW v AS SELECT # FROM t;', 'p.sql'), { message: 'p.sql:2:25: expected a SQL token but found "#"' });
});
