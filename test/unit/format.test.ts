import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExpression, formatIdentifier, formatQuery } from '../../src/sql/format.js';
import { parseProgram } from '../../src/sql/parser.js';
import type { CreateView, Expression, Query, Select, Span } from '../../src/sql/ast.js';

/**
 * The tree without positions and without how names were quoted: the formatter quotes a name only
 * when it must, so `"a"` comes back as `a`, which is the same name.
 */
function structure(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structure);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'span' && key !== 'quoted').map(([key, v]) => [key, structure(v)]));
}

function parseQuery(sql: string): Query {
  const statement = parseProgram(`CREATE VIEW v AS ${sql}`, 'prog.sql').statements[0] as CreateView;
  return statement.query;
}

function parseExpression(sql: string): Expression {
  const item = (parseQuery(`SELECT ${sql} FROM t`).body as Select).items[0];
  assert.ok(item?.kind === 'SelectExpression');
  return item.expression;
}

/** Formats a query and checks that the text parses back to the same tree, and formats to itself. */
function roundTrip(sql: string): string {
  const query = parseQuery(sql);
  const text = formatQuery(query);
  const again = parseQuery(text);
  assert.deepEqual(structure(again), structure(query), `${sql}\n  formatted as: ${text}`);
  assert.equal(formatQuery(again), text, sql);
  return text;
}

function expressionText(sql: string): string {
  const expression = parseExpression(sql);
  const text = formatExpression(expression);
  assert.deepEqual(structure(parseExpression(text)), structure(expression), `${sql}\n  formatted as: ${text}`);
  return text;
}

const SPAN: Span = { start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } };

test('queries of every form parse back from their text to the same tree', () => {
  const queries = [
    'SELECT * FROM t',
    'select all a, b as x, c y, "C", t.* from t as u where a > 1',
    'SELECT DISTINCT a FROM t',
    'SELECT 1',
    'SELECT 1 + 1 AS two WHERE TRUE',
    'SELECT a FROM t UNION SELECT b FROM u INTERSECT SELECT c FROM w EXCEPT ALL SELECT d FROM x',
    '(SELECT a FROM t UNION SELECT b FROM u) INTERSECT ALL SELECT c FROM w',
    'SELECT a FROM t EXCEPT (SELECT a FROM u EXCEPT SELECT a FROM w)',
    'SELECT a FROM t MINUS SELECT a FROM u UNION DISTINCT SELECT a FROM w',
    '(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u) ORDER BY 1 DESC',
    'VALUES (1, \'a\'), (2, NULL)',
    'VALUE (1), (2)',
    'VALUES 1, 2 + 3',
    'VALUES (1) UNION SELECT a FROM t',
    'SELECT a FROM t ORDER BY a, b DESC, c ASC NULLS FIRST, d NULLS LAST LIMIT 3, 4',
    'SELECT a FROM t LIMIT ALL OFFSET 2 ROWS',
    'SELECT a FROM t OFFSET 5 ROWS FETCH NEXT 3 ROWS ONLY',
    'SELECT a FROM t FETCH FIRST ROW ONLY',
    'WITH a (x, y) AS (SELECT 1, 2), b AS (VALUES (3)) SELECT * FROM a, b',
    'SELECT * FROM (WITH c AS (SELECT 1 AS one) SELECT one FROM c) AS s (n)',
    'SELECT * FROM t JOIN u ON t.a = u.a LEFT OUTER JOIN w USING (a, "B") CROSS JOIN x',
    'SELECT * FROM t, u, w NATURAL JOIN x NATURAL FULL OUTER JOIN y RIGHT JOIN z ON TRUE',
    'SELECT * FROM t JOIN (u JOIN w ON u.a = w.a) ON t.a = u.a',
    'SELECT * FROM ((SELECT a FROM t) s JOIN u ON TRUE)',
    'SELECT * FROM ((SELECT a FROM t) UNION (SELECT a FROM u)) AS s',
    'SELECT * FROM (SELECT a FROM t), (VALUES (1)) v',
    'SELECT a, COUNT(*) FROM t WHERE b > 0 GROUP BY a, b + 1, 1 HAVING COUNT(DISTINCT b) > 1',
    'SELECT SUM(a) FILTER (WHERE a > 0), COUNT(*) FILTER (WHERE b), ARG_MAX(a, b), array_agg(DISTINCT a) FROM t',
    'SELECT ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST), COUNT(*) OVER (), lag(a, 1) OVER (ORDER BY b) FROM t',
    'SELECT a FROM t WHERE a IN (SELECT b FROM u) AND NOT EXISTS (SELECT 1 FROM w WHERE w.a = t.a) OR a = (SELECT MAX(b) FROM u)',
    'SELECT (SELECT 1) + 1, a NOT IN (SELECT b FROM u UNION SELECT c FROM w), a IN (1, (SELECT 2)) FROM t',
    'SELECT a IS DISTINCT FROM b, a <=> b, a IS NOT DISTINCT FROM b || c FROM t',
    'SELECT "select", "Mixed Case", "a""b", été, "ÉTÉ", "left", "value" AS "values" FROM "from" AS "where"',
  ];
  for (const sql of queries) roundTrip(sql);
});

test('expressions parse back from their text to the same tree', () => {
  const expressions = [
    '(a + b) * c', 'a + b * c', 'a - (b - c)', '(a - b) - c', 'a / (b * c) % d', '-(-a)', '- -a', '+(-1)', '-(a + b)',
    'NOT (NOT a)', 'NOT a = b', '(NOT a) = b', 'a = (b = c)', '(a = b) = c', 'a AND (b OR c)', '(a AND b) OR c', 'a OR NOT b AND c',
    '(a || b) || c', 'a || (b || c)', 'a || b LIKE c || d', "a NOT LIKE 'x%'", 'a BETWEEN b + 1 AND (c AND d)', 'a NOT BETWEEN 1 AND 2 = TRUE',
    '(a BETWEEN 1 AND 2) IS NULL', 'a IS NOT NULL IS TRUE', 'a IS NOT FALSE', '(a IS NULL) = b', 'a = (b IS NULL)', 'a IN (1, b + 2)', 'a NOT IN (1)',
    '(a IN (1)) IN (TRUE)', 'CAST(a + 1 AS DECIMAL(10, 2))', 'a::INT ARRAY', 'CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END', 'CASE a WHEN 1 THEN b END',
    'ARRAY[1, a]', 'ARRAY[]', 'a[1][b]', '(a).f', 't.a.f', '(a).f.g', 'a[1].f', '(-a)[1]', '(a + b)[1]', "('x').f", '(1).f',
    "'it''s'", "X'0aff'", "DATE '2024-01-01'", "TIMESTAMP '2024-01-01 12:00:00'", "TIME '12:00'", "UUID '123e4567-e89b-12d3-a456-426614174000'",
    '12.50', '1e3', '.5', 'TRUE', 'NULL',
    'COALESCE(a, 0)', 'now()', 'LEFT(s, 2)', 'RIGHT(s, 1)', '"MyFn"(1)', '"count"(a)', '"trim"(s)', '"extract"(s)',
    'SUBSTRING(s FROM 2 FOR 3)', 'SUBSTRING(s, 2)', "TRIM(s)", "TRIM(LEADING 'x' FROM s)", 'TRIM(TRAILING FROM s)', 'EXTRACT(year FROM d)',
    "POSITION('b' IN s)", "POSITION(a || 'b' IN s)", "POSITION((a = b) IN s)",
    'COUNT(*)', 'count(DISTINCT a, b)', 'SUM(a) FILTER (WHERE a > 0 AND b)', 'MIN(a) + MAX(b)', 'SUM(a) OVER (PARTITION BY b) / COUNT(*) OVER ()',
    'RANK() OVER (ORDER BY a DESC NULLS FIRST, b)', 'FIRST_VALUE(a) OVER (PARTITION BY b ORDER BY c)',
    'a IS DISTINCT FROM b + 1', '(a IS DISTINCT FROM b) IS NOT DISTINCT FROM c', 'a IS DISTINCT FROM (b IS NULL)',
    'EXISTS (SELECT 1)', 'NOT EXISTS (SELECT 1)', '(SELECT 1) IS NULL', 'a IN (SELECT b FROM u)', '(a IN (SELECT b FROM u)) = FALSE',
  ];
  for (const sql of expressions) expressionText(sql);
});

test('keywords are upper case, names canonical and quoted only when needed', () => {
  assert.equal(roundTrip('select "a" as "X", B from "t" u where not a = 1 and (b or c)'), 'SELECT a AS "X", b FROM t AS u WHERE NOT a = 1 AND (b OR c)');
  assert.equal(
    roundTrip('select distinct count(*) c from t group by a having count(*) > 1 order by a desc nulls first limit 5, 10'),
    'SELECT DISTINCT COUNT(*) AS c FROM t GROUP BY a HAVING COUNT(*) > 1 ORDER BY a DESC NULLS FIRST LIMIT 10 OFFSET 5',
  );
  assert.equal(roundTrip('select a from t fetch first 3 rows only'), 'SELECT a FROM t LIMIT 3');
  assert.equal(roundTrip('with x(a) as (select 1) select * from x'), 'WITH x (a) AS (SELECT 1) SELECT * FROM x');
  assert.equal(roundTrip('select * from t natural left outer join u, w cross join x'), 'SELECT * FROM t NATURAL LEFT JOIN u, w CROSS JOIN x');
  assert.equal(roundTrip('select * from t inner join u using (a)'), 'SELECT * FROM t JOIN u USING (a)');
  assert.equal(roundTrip('value (1), (2) minus values (3)'), 'VALUES (1), (2) EXCEPT VALUES (3)');
  assert.equal(roundTrip('select * from (select 1) as s(x)'), 'SELECT * FROM (SELECT 1) AS s (x)');
  const name = (text: string): string => formatIdentifier({ name: text, quoted: true, span: SPAN });
  assert.deepEqual(['a', 'été', 'a_1$', 'A', 'select', 'values', 'a b', 'a"b', '1a', '_x', 'Été'].map(name),
    ['a', 'été', 'a_1$', '"A"', '"select"', '"values"', '"a b"', '"a""b"', '"1a"', '_x', '"Été"']);
});

test('only the parentheses that parsing needs are written', () => {
  const cases: [string, string][] = [
    ['((a + b)) * c', '(a + b) * c'],
    ['a + (b * c)', 'a + b * c'],
    ['(a - b) - c', 'a - b - c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a = b) = c', 'a = b = c'],
    ['a = (b = c)', 'a = (b = c)'],
    ['NOT (a = b)', 'NOT a = b'],
    ['(NOT a) = b', '(NOT a) = b'],
    ['NOT (NOT a)', 'NOT NOT a'],
    ['(a AND b) OR c', 'a AND b OR c'],
    ['a AND (b OR c)', 'a AND (b OR c)'],
    ['- (-a)', '-(-a)'],
    ['-(a.b)', '-a.b'],
    ['(-a)[1]', '(-a)[1]'],
    ['(a).f', '(a).f'],
    ['(t.a).f', 't.a.f'],
    ['a BETWEEN (b + 1) AND (c || d)', 'a BETWEEN b + 1 AND c || d'],
    ['a BETWEEN b AND (c AND d)', 'a BETWEEN b AND (c AND d)'],
    ['(a IS NULL) IS NULL', 'a IS NULL IS NULL'],
    ['a <=> (b + 1)', 'a IS NOT DISTINCT FROM b + 1'],
    ['((SELECT 1))', '(SELECT 1)'],
    ['POSITION((a || b) IN s)', 'POSITION(a || b IN s)'],
    ['trim(s)', 'TRIM(BOTH FROM s)'],
    ['"trim"(s)', '"trim"(s)'],
    ['coalesce(a, 0)', 'COALESCE(a, 0)'],
    ['a::VARCHAR(3)', 'CAST(a AS VARCHAR(3))'],
    ["x'0A'", "X'0a'"],
  ];
  for (const [sql, text] of cases) assert.equal(expressionText(sql), text, sql);
  assert.equal(roundTrip('SELECT a FROM t UNION (SELECT a FROM u INTERSECT SELECT a FROM w)'), 'SELECT a FROM t UNION SELECT a FROM u INTERSECT SELECT a FROM w');
  assert.equal(roundTrip('(SELECT a FROM t UNION SELECT a FROM u) UNION SELECT a FROM w'), 'SELECT a FROM t UNION SELECT a FROM u UNION SELECT a FROM w');
  assert.equal(roundTrip('SELECT a FROM t EXCEPT (SELECT a FROM u EXCEPT SELECT a FROM w)'), 'SELECT a FROM t EXCEPT (SELECT a FROM u EXCEPT SELECT a FROM w)');
  assert.equal(roundTrip('SELECT * FROM (t JOIN u ON TRUE) JOIN w ON TRUE'), 'SELECT * FROM t JOIN u ON TRUE JOIN w ON TRUE');
  assert.equal(roundTrip('SELECT * FROM t JOIN (u JOIN w ON TRUE) ON TRUE'), 'SELECT * FROM t JOIN (u JOIN w ON TRUE) ON TRUE');
});

test('input references print by the given name, or as $index', () => {
  const input = (index: number): Expression => ({ kind: 'InputReference', index, span: SPAN });
  const one: Expression = { kind: 'Literal', type: 'INTEGER', text: '1', span: SPAN };
  const sum: Expression = { kind: 'Binary', operator: '+', left: input(0), right: input(1), span: SPAN };
  const product: Expression = { kind: 'Binary', operator: '*', left: sum, right: one, span: SPAN };
  assert.equal(formatExpression(product), '($0 + $1) * 1');
  assert.equal(formatExpression(product, (index) => ['total', 'n'][index]!), '(total + n) * 1');
  const count = parseExpression('COUNT(*) > 0');
  assert.equal(formatExpression(count), 'COUNT(*) > 0');
});
