/**
 * The incremental operators' delete and update paths, through whole programs: each test feeds
 * steps of changes and checks the exact change every step emits, and that the view's integrated
 * contents equal what the query gives on the tables as they are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/engine/catalog.js';
import { Circuit } from '../../src/engine/circuit.js';
import { parseProgram } from '../../src/sql/parser.js';
import type { Row, Update } from '../../src/schema.js';
import { explainPlan } from '../../src/plan/explain.js';

function circuitOf(sql: string): { circuit: Circuit; warnings: string[]; catalog: ReturnType<typeof buildCatalog>['catalog'] } {
  const { catalog, problems, warnings } = buildCatalog(parseProgram(sql, 'p.sql'), 'p.sql');
  assert.deepEqual(problems.map((p) => p.message), []);
  return { circuit: new Circuit(catalog), warnings: warnings.map((w) => w.message), catalog };
}

const ins = (row: Row): Update => ({ row, weight: 1 });
const del = (row: Row): Update => ({ row, weight: -1 });

/** Rows of a change set as sorted text lines with their weights, for exact comparisons. */
function lines(changes: readonly Update[] | undefined): string[] {
  return (changes ?? []).map(({ row, weight }) => `${weight > 0 ? '+' : ''}${weight} ${JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`).sort();
}

function step(circuit: Circuit, inputs: Record<string, Update[]>, view: string): string[] {
  return lines(circuit.step(new Map(Object.entries(inputs))).get(view));
}

const ORDERS = `
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR);
CREATE TABLE orders (oid INT NOT NULL PRIMARY KEY, cid INT, amount INT);
`;

test('a group emptied by deletes retracts its row, and comes back with a new row', () => {
  const { circuit } = circuitOf(`${ORDERS} CREATE VIEW totals AS SELECT cid, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY cid;`);
  assert.deepEqual(step(circuit, { orders: [ins({ oid: 1, cid: 7, amount: 5 }), ins({ oid: 2, cid: 7, amount: 6 })] }, 'totals'), ['+1 {"cid":7,"n":2,"total":11}']);
  assert.deepEqual(step(circuit, { orders: [del({ oid: 1 }), del({ oid: 2 })] }, 'totals'), ['-1 {"cid":7,"n":2,"total":11}']);
  assert.deepEqual(step(circuit, { orders: [ins({ oid: 3, cid: 7, amount: 1 })] }, 'totals'), ['+1 {"cid":7,"n":1,"total":1}']);
});

test('MIN and MAX survive the deletion of the extreme row', () => {
  const { circuit } = circuitOf(`${ORDERS} CREATE VIEW ext AS SELECT cid, MIN(amount) AS lo, MAX(amount) AS hi FROM orders GROUP BY cid;`);
  step(circuit, { orders: [1, 2, 3].map((i) => ins({ oid: i, cid: 1, amount: i * 10 })) }, 'ext');
  assert.deepEqual(step(circuit, { orders: [del({ oid: 3 })] }, 'ext'), ['+1 {"cid":1,"lo":10,"hi":20}', '-1 {"cid":1,"lo":10,"hi":30}']);
  assert.deepEqual(step(circuit, { orders: [del({ oid: 1 })] }, 'ext'), ['+1 {"cid":1,"lo":20,"hi":20}', '-1 {"cid":1,"lo":10,"hi":20}']);
  // An update of the only row moves both extremes.
  assert.deepEqual(step(circuit, { orders: [ins({ oid: 2, cid: 1, amount: 5 })] }, 'ext'), ['+1 {"cid":1,"lo":5,"hi":5}', '-1 {"cid":1,"lo":20,"hi":20}']);
});

test('a join row whose partner is deleted and re-inserted in one step does not change', () => {
  const { circuit } = circuitOf(`${ORDERS} CREATE VIEW j AS SELECT o.oid, c.name FROM orders o JOIN customers c ON o.cid = c.id;`);
  step(circuit, { customers: [ins({ id: 1, name: 'ann' })], orders: [ins({ oid: 10, cid: 1, amount: 1 })] }, 'j');
  assert.deepEqual(step(circuit, { customers: [del({ id: 1 }), ins({ id: 1, name: 'ann' })] }, 'j'), []);
  // Deleted and re-inserted with another name: the joined row is updated.
  assert.deepEqual(step(circuit, { customers: [del({ id: 1 }), ins({ id: 1, name: 'bob' })] }, 'j'), ['+1 {"oid":10,"name":"bob"}', '-1 {"oid":10,"name":"ann"}']);
  // Both sides change in one step: ΔL⋈ΔR is counted once.
  assert.deepEqual(step(circuit, { customers: [ins({ id: 2, name: 'cy' })], orders: [ins({ oid: 11, cid: 2, amount: 1 })] }, 'j'), ['+1 {"oid":11,"name":"cy"}']);
});

test('outer-join padding appears and disappears with the last and first partner', () => {
  const { circuit } = circuitOf(`${ORDERS} CREATE VIEW lj AS SELECT c.id, o.oid FROM customers c LEFT JOIN orders o ON o.cid = c.id;
    CREATE VIEW fj AS SELECT c.id, o.oid FROM customers c FULL JOIN orders o ON o.cid = c.id AND o.amount > 0;`);
  const first = circuit.step(new Map([['customers', [ins({ id: 1, name: 'a' })]], ['orders', [ins({ oid: 5, cid: 9, amount: 1 })]]]));
  assert.deepEqual(lines(first.get('lj')), ['+1 {"id":1,"oid":null}']);
  assert.deepEqual(lines(first.get('fj')), ['+1 {"id":1,"oid":null}', '+1 {"id":null,"oid":5}']);
  const matched = circuit.step(new Map([['orders', [ins({ oid: 6, cid: 1, amount: 3 })]]]));
  assert.deepEqual(lines(matched.get('lj')), ['+1 {"id":1,"oid":6}', '-1 {"id":1,"oid":null}']);
  assert.deepEqual(lines(matched.get('fj')), ['+1 {"id":1,"oid":6}', '-1 {"id":1,"oid":null}']);
  // The residual predicate decides matching: an order with amount 0 is padded on both sides of the FULL join.
  const updated = circuit.step(new Map([['orders', [ins({ oid: 6, cid: 1, amount: 0 })]]]));
  assert.deepEqual(lines(updated.get('lj')), []);
  assert.deepEqual(lines(updated.get('fj')), ['+1 {"id":1,"oid":null}', '+1 {"id":null,"oid":6}', '-1 {"id":1,"oid":6}']);
  const gone = circuit.step(new Map([['orders', [del({ oid: 6 })]]]));
  assert.deepEqual(lines(gone.get('lj')), ['+1 {"id":1,"oid":null}', '-1 {"id":1,"oid":6}']);
  assert.deepEqual(lines(gone.get('fj')), ['-1 {"id":null,"oid":6}']);
});

test('a global aggregate always holds one row: the zero row on no input', () => {
  const { circuit } = circuitOf(`${ORDERS} CREATE VIEW g AS SELECT COUNT(*) AS n, SUM(amount) AS s, ARRAY_AGG(amount) AS a FROM orders;`);
  assert.deepEqual(step(circuit, {}, 'g'), ['+1 {"n":0,"s":null,"a":[]}']);
  assert.deepEqual(step(circuit, { orders: [ins({ oid: 1, cid: 1, amount: 4 })] }, 'g'), ['+1 {"n":1,"s":4,"a":[4]}', '-1 {"n":0,"s":null,"a":[]}']);
  assert.deepEqual(step(circuit, { orders: [del({ oid: 1 })] }, 'g'), ['+1 {"n":0,"s":null,"a":[]}', '-1 {"n":1,"s":4,"a":[4]}']);
});

test('aggregates follow Feldera: integer AVG truncates, SUM keeps the type and fails on overflow, COUNT(DISTINCT) and FILTER', () => {
  const { circuit } = circuitOf(`CREATE TABLE t (k INT, x INT, d DECIMAL(6, 2), b BOOLEAN);
    CREATE VIEW a AS SELECT k, AVG(x) AS av, COUNT(DISTINCT x) AS dx, SUM(x) FILTER (WHERE b) AS sb, AVG(d) AS ad, SUM(d) AS sd,
      STDDEV_POP(x) AS sp, BOOL_AND(b) AS ba, ARG_MAX(d, x) AS am FROM t GROUP BY k;`);
  assert.deepEqual(step(circuit, { t: [
    ins({ k: 1, x: 5, d: '1.5', b: true }), ins({ k: 1, x: 4, d: '2.25', b: false }), ins({ k: 1, x: 4, d: '0.01', b: true }),
  ] }, 'a'), ['+1 {"k":1,"av":4,"dx":2,"sb":9,"ad":"1.25","sd":"3.76","sp":0,"ba":false,"am":"1.5"}']);
  const { circuit: overflow } = circuitOf('CREATE TABLE t (x TINYINT); CREATE VIEW s AS SELECT SUM(x) AS s FROM t;');
  assert.throws(() => overflow.step(new Map([['t', [ins({ x: 100 }), ins({ x: 100 })]]])), {
    code: 'SQL_RUNTIME_ERROR', message: /^view s: SUM: 200 is out of range for TINYINT/,
  });
});

test('DISTINCT and the set operations keep multiset semantics', () => {
  const { circuit } = circuitOf(`CREATE TABLE a (x INT); CREATE TABLE b (x INT);
    CREATE VIEW d AS SELECT DISTINCT x FROM a;
    CREATE VIEW ua AS SELECT x FROM a UNION ALL SELECT x FROM b;
    CREATE VIEW ea AS SELECT x FROM a EXCEPT ALL SELECT x FROM b;
    CREATE VIEW e AS SELECT x FROM a EXCEPT SELECT x FROM b;
    CREATE VIEW ia AS SELECT x FROM a INTERSECT ALL SELECT x FROM b;`);
  const out = circuit.step(new Map([['a', [ins({ x: 1 }), ins({ x: 1 }), ins({ x: 1 }), ins({ x: 2 })]], ['b', [ins({ x: 1 })]]]));
  assert.deepEqual(lines(out.get('d')), ['+1 {"x":1}', '+1 {"x":2}']);
  assert.deepEqual(lines(out.get('ua')), ['+1 {"x":2}', '+4 {"x":1}']);
  assert.deepEqual(lines(out.get('ea')), ['+1 {"x":2}', '+2 {"x":1}']);
  assert.deepEqual(lines(out.get('e')), ['+1 {"x":2}']);
  assert.deepEqual(lines(out.get('ia')), ['+1 {"x":1}']);
  const next = circuit.step(new Map([['a', [del({ x: 1 }), del({ x: 1 })]]]));
  assert.deepEqual(lines(next.get('d')), []);
  assert.deepEqual(lines(next.get('ea')), ['-2 {"x":1}']);
  assert.deepEqual(lines(next.get('ia')), []);
});

test('ORDER BY ... LIMIT keeps the top rows as rows come and go', () => {
  const { circuit } = circuitOf(`${ORDERS} CREATE VIEW top2 AS SELECT oid, amount FROM orders ORDER BY amount DESC LIMIT 2;`);
  step(circuit, { orders: [1, 2, 3].map((i) => ins({ oid: i, cid: 1, amount: i })) }, 'top2');
  assert.deepEqual(step(circuit, { orders: [del({ oid: 3 })] }, 'top2'), ['+1 {"oid":1,"amount":1}', '-1 {"oid":3,"amount":3}']);
  assert.deepEqual(step(circuit, { orders: [ins({ oid: 4, cid: 1, amount: 0 })] }, 'top2'), []);
});

test('subqueries: IN with NULLs, EXISTS and a scalar subquery', () => {
  const { circuit } = circuitOf(`CREATE TABLE t (x INT); CREATE TABLE s (y INT);
    CREATE VIEW i AS SELECT x, x IN (SELECT y FROM s) AS found FROM t;
    CREATE VIEW e AS SELECT x FROM t WHERE EXISTS (SELECT y FROM s WHERE y > 10);
    CREATE VIEW m AS SELECT x, (SELECT MAX(y) FROM s) AS top FROM t;`);
  const first = circuit.step(new Map([['t', [ins({ x: 1 }), ins({ x: 2 })]], ['s', [ins({ y: 1 })]]]));
  assert.deepEqual(lines(first.get('i')), ['+1 {"x":1,"found":true}', '+1 {"x":2,"found":false}']);
  assert.deepEqual(lines(first.get('e')), []);
  assert.deepEqual(lines(first.get('m')), ['+1 {"x":1,"top":1}', '+1 {"x":2,"top":1}']);
  // A NULL in the subquery makes a miss unknown.
  const second = circuit.step(new Map([['s', [ins({ y: null }), ins({ y: 11 })]]]));
  assert.deepEqual(lines(second.get('i')), ['+1 {"x":2,"found":null}', '-1 {"x":2,"found":false}']);
  assert.deepEqual(lines(second.get('e')), ['+1 {"x":1}', '+1 {"x":2}']);
});

test('a restored circuit goes on where the saved one stopped', () => {
  const sql = `${ORDERS} CREATE VIEW v AS SELECT c.name, COUNT(*) AS n, MAX(o.amount) AS hi FROM orders o JOIN customers c ON o.cid = c.id GROUP BY c.name;`;
  const { circuit } = circuitOf(sql);
  step(circuit, { customers: [ins({ id: 1, name: 'a' })], orders: [ins({ oid: 1, cid: 1, amount: 9 }), ins({ oid: 2, cid: 1, amount: 3 })] }, 'v');
  const saved = circuit.snapshot();
  const { circuit: restored } = circuitOf(sql);
  restored.restore(saved);
  assert.deepEqual(step(restored, { orders: [del({ oid: 1 })] }, 'v'), ['+1 {"name":"a","n":1,"hi":3}', '-1 {"name":"a","n":2,"hi":9}']);
  const { circuit: other } = circuitOf(`${ORDERS} CREATE VIEW w AS SELECT * FROM orders;`);
  assert.throws(() => other.restore(saved), { code: 'ENGINE_STATE_INVALID' });
});

test('comma joins take their keys from WHERE, and explain shows the plan', () => {
  const { catalog } = circuitOf(`${ORDERS} CREATE VIEW j AS SELECT c.name, SUM(o.amount) AS total FROM orders o, customers c WHERE o.cid = c.id AND o.amount > 1 GROUP BY c.name;`);
  const view = catalog.relations.get('j');
  assert.ok(view?.kind === 'view');
  assert.equal(explainPlan(view.plan), [
    'Project c.name AS name, agg$0 AS total',
    '  Aggregate GROUP BY c.name: SUM(o.amount)',
    '    Join INNER ON o.cid = c.id',
    '      Filter o.amount > 1',
    '        Scan orders AS o',
    '      Scan customers AS c',
  ].join('\n'));
});

test('an index that the view is not known to be unique on is a warning naming view and index', () => {
  const { warnings } = circuitOf(`${ORDERS}
CREATE VIEW by_customer AS SELECT cid, COUNT(*) AS n FROM orders GROUP BY cid;
CREATE INDEX ok_idx ON by_customer(cid);
CREATE VIEW joined AS SELECT o.oid, c.id, c.name FROM orders o JOIN customers c ON o.cid = c.id;
CREATE INDEX joined_idx ON joined(oid);
CREATE VIEW amounts AS SELECT amount FROM orders;
CREATE INDEX amounts_idx ON amounts(amount);`);
  assert.deepEqual(warnings.map((w) => w.replace(/ is not known.*/, '')), ['p.sql:10:1: index amounts_idx on view amounts (amount)']);
});

test('ROW_NUMBER() filtered on its number is a TopK per partition, numbered', () => {
  const { circuit, catalog } = circuitOf(`${ORDERS} CREATE VIEW top AS SELECT cid, oid, rn FROM (
      SELECT cid, oid, ROW_NUMBER() OVER (PARTITION BY cid ORDER BY amount DESC) AS rn FROM orders) ranked WHERE rn <= 2;`);
  const view = catalog.relations.get('top');
  assert.ok(view?.kind === 'view');
  assert.match(explainPlan(view.plan), /TopK 2 PARTITION BY orders\.cid ORDER BY orders\.amount DESC \(numbered\)/);
  assert.deepEqual(step(circuit, { orders: [1, 2, 3].map((i) => ins({ oid: i, cid: 1, amount: i })) }, 'top'),
    ['+1 {"cid":1,"oid":2,"rn":2}', '+1 {"cid":1,"oid":3,"rn":1}']);
  // A new leader renumbers the partition: 3 moves to 2nd place, 2 drops out.
  assert.deepEqual(step(circuit, { orders: [ins({ oid: 4, cid: 1, amount: 9 }), ins({ oid: 5, cid: 2, amount: 1 })] }, 'top'), [
    '+1 {"cid":1,"oid":3,"rn":2}', '+1 {"cid":1,"oid":4,"rn":1}', '+1 {"cid":2,"oid":5,"rn":1}',
    '-1 {"cid":1,"oid":2,"rn":2}', '-1 {"cid":1,"oid":3,"rn":1}',
  ]);
});

test('conditions on one FROM item filter it before the join', () => {
  const { catalog } = circuitOf(`${ORDERS} CREATE VIEW j AS SELECT o.oid FROM orders o JOIN customers c ON o.cid = c.id AND c.name = 'x' WHERE o.amount > 1;`);
  const view = catalog.relations.get('j');
  assert.ok(view?.kind === 'view');
  assert.equal(explainPlan(view.plan), [
    'Project o.oid AS oid',
    '  Join INNER ON o.cid = c.id',
    '    Filter o.amount > 1',
    '      Scan orders AS o',
    "    Filter c.name = 'x'",
    '      Scan customers AS c',
  ].join('\n'));
});

test('correlated subqueries are decorrelated into joins on their equalities', () => {
  const { circuit } = circuitOf(`${ORDERS}
    CREATE VIEW buyers AS SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.cid = c.id AND o.amount > 2);
    CREATE VIEW counts AS SELECT c.id, (SELECT COUNT(*) FROM orders o WHERE o.cid = c.id) AS n FROM customers c;
    CREATE VIEW biggest AS SELECT oid FROM orders o WHERE amount = (SELECT MAX(amount) FROM orders i WHERE i.cid = o.cid);
    CREATE VIEW listed AS SELECT id FROM customers c WHERE id NOT IN (SELECT cid FROM orders o WHERE o.amount = c.id);`);
  const first = circuit.step(new Map([
    ['customers', [ins({ id: 1, name: 'a' }), ins({ id: 2, name: 'b' })]],
    ['orders', [ins({ oid: 10, cid: 1, amount: 5 }), ins({ oid: 11, cid: 1, amount: 1 }), ins({ oid: 12, cid: 2, amount: 2 })]],
  ]));
  assert.deepEqual(lines(first.get('buyers')), ['+1 {"name":"a"}']);
  assert.deepEqual(lines(first.get('counts')), ['+1 {"id":1,"n":2}', '+1 {"id":2,"n":1}']);
  assert.deepEqual(lines(first.get('biggest')), ['+1 {"oid":10}', '+1 {"oid":12}']);
  // Customer 1: orders with amount 1 have cid 1, so 1 is IN; customer 2: orders with amount 2 have cid 2.
  assert.deepEqual(lines(first.get('listed')), []);
  const second = circuit.step(new Map([['orders', [del({ oid: 12 }), del({ oid: 10 })]]]));
  assert.deepEqual(lines(second.get('buyers')), ['-1 {"name":"a"}']);
  assert.deepEqual(lines(second.get('counts')), ['+1 {"id":1,"n":1}', '+1 {"id":2,"n":0}', '-1 {"id":1,"n":2}', '-1 {"id":2,"n":1}']);
  assert.deepEqual(lines(second.get('biggest')), ['+1 {"oid":11}', '-1 {"oid":10}', '-1 {"oid":12}']);
  assert.deepEqual(lines(second.get('listed')), ['+1 {"id":2}']);
});

test('a subquery reading the outer query other than in WHERE equalities is refused with advice', () => {
  const { problems } = buildCatalog(parseProgram(`${ORDERS}
CREATE VIEW v AS SELECT id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > c.id);`, 'p.sql'), 'p.sql');
  assert.deepEqual(problems.map((p) => [p.code, p.message]), [['SQL_NOT_SUPPORTED',
    'p.sql:5:88: a subquery can read the outer query only in equalities of its WHERE (inner = outer) joined by AND; write other conditions as a JOIN']]);
});

test('USING and NATURAL joins show the joined columns once; FULL JOIN USING merges them with COALESCE', () => {
  const { circuit } = circuitOf(`CREATE TABLE a (k INT, x INT); CREATE TABLE b (k INT, y INT);
    CREATE VIEW u AS SELECT * FROM a JOIN b USING (k);
    CREATE VIEW n AS SELECT * FROM a NATURAL JOIN b;
    CREATE VIEW f AS SELECT k, x, y FROM a FULL JOIN b USING (k);`);
  const out = circuit.step(new Map([['a', [ins({ k: 1, x: 10 }), ins({ k: 2, x: 20 })]], ['b', [ins({ k: 1, y: 5 }), ins({ k: 3, y: 7 })]]]));
  assert.deepEqual(lines(out.get('u')), ['+1 {"k":1,"x":10,"y":5}']);
  assert.deepEqual(lines(out.get('n')), ['+1 {"k":1,"x":10,"y":5}']);
  assert.deepEqual(lines(out.get('f')), ['+1 {"k":1,"x":10,"y":5}', '+1 {"k":2,"x":20,"y":null}', '+1 {"k":3,"x":null,"y":7}']);
});

test('HAVING and an aggregate select list may use subqueries', () => {
  const { circuit } = circuitOf(`${ORDERS}
    CREATE VIEW above AS SELECT cid, SUM(amount) AS total FROM orders GROUP BY cid HAVING SUM(amount) > (SELECT AVG(amount) FROM orders);
    CREATE VIEW share AS SELECT cid, COUNT(*) * 100 / (SELECT COUNT(*) FROM orders) AS pct FROM orders GROUP BY cid;`);
  const out = circuit.step(new Map([['orders', [ins({ oid: 1, cid: 1, amount: 2 }), ins({ oid: 2, cid: 1, amount: 2 }), ins({ oid: 3, cid: 2, amount: 3 }), ins({ oid: 4, cid: 3, amount: 1 })]]]));
  assert.deepEqual(lines(out.get('above')), ['+1 {"cid":1,"total":4}', '+1 {"cid":2,"total":3}']);
  assert.deepEqual(lines(out.get('share')), ['+1 {"cid":1,"pct":50}', '+1 {"cid":2,"pct":25}', '+1 {"cid":3,"pct":25}']);
});

test('FROM items linked by equalities are joined on their keys before any cross product, and * keeps FROM order', () => {
  const { circuit, catalog } = circuitOf(`CREATE TABLE a (x INT); CREATE TABLE b (y INT); CREATE TABLE c (z INT);
    CREATE VIEW v AS SELECT * FROM a, b, c WHERE a.x = c.z;`);
  const view = catalog.relations.get('v');
  assert.ok(view?.kind === 'view');
  assert.equal(explainPlan(view.plan), [
    'Project a.x AS x, b.y AS y, c.z AS z',
    '  Join INNER (cross product)',
    '    Join INNER ON a.x = c.z',
    '      Scan a',
    '      Scan c',
    '    Scan b',
  ].join('\n'));
  const out = circuit.step(new Map([['a', [ins({ x: 1 }), ins({ x: 2 })]], ['b', [ins({ y: 7 })]], ['c', [ins({ z: 2 })]]]));
  assert.deepEqual(lines(out.get('v')), ['+1 {"x":2,"y":7,"z":2}']);
});

test('a circuit asked for some outputs returns only their changes', () => {
  const { catalog } = buildCatalog(parseProgram(`${ORDERS} CREATE VIEW big AS SELECT oid FROM orders WHERE amount > 1;`, 'p.sql'), 'p.sql');
  const circuit = new Circuit(catalog, { outputs: ['big'] });
  const out = circuit.step(new Map([['orders', [ins({ oid: 1, cid: 1, amount: 5 })]]]));
  assert.deepEqual([...out.keys()], ['big']);
});

test('ORDER BY ... LIMIT may sort by columns and aggregates the select list does not show', () => {
  const { circuit } = circuitOf(`${ORDERS}
    CREATE VIEW biggest AS SELECT oid FROM orders ORDER BY amount DESC LIMIT 2;
    CREATE VIEW best AS SELECT cid FROM orders GROUP BY cid ORDER BY SUM(amount) DESC LIMIT 1;`);
  const first = circuit.step(new Map([['orders', [ins({ oid: 1, cid: 1, amount: 5 }), ins({ oid: 2, cid: 2, amount: 7 }), ins({ oid: 3, cid: 1, amount: 4 })]]]));
  assert.deepEqual(lines(first.get('biggest')), ['+1 {"oid":1}', '+1 {"oid":2}']);
  assert.deepEqual(lines(first.get('best')), ['+1 {"cid":1}']);
  const second = circuit.step(new Map([['orders', [del({ oid: 3 })]]]));
  assert.deepEqual(lines(second.get('biggest')), []);
  assert.deepEqual(lines(second.get('best')), ['+1 {"cid":2}', '-1 {"cid":1}']);
});

test('IN over an empty subquery is FALSE (NOT IN is TRUE), even for NULL', () => {
  const { circuit } = circuitOf(`CREATE TABLE t (x INT); CREATE TABLE s (y INT);
    CREATE VIEW i AS SELECT x, x IN (SELECT y FROM s) AS found, x NOT IN (SELECT y FROM s) AS missing FROM t;`);
  const out = circuit.step(new Map([['t', [ins({ x: 1 }), ins({ x: null })]]]));
  assert.deepEqual(lines(out.get('i')), ['+1 {"x":1,"found":false,"missing":true}', '+1 {"x":null,"found":false,"missing":true}']);
  // Once the subquery has a row, NULL IN (...) is unknown.
  const next = circuit.step(new Map([['s', [ins({ y: 2 })]]]));
  assert.deepEqual(lines(next.get('i')), ['+1 {"x":null,"found":null,"missing":null}', '-1 {"x":null,"found":false,"missing":true}']);
});

test('partial updates from an input reach the views: the named columns change and the others stay', () => {
  const { circuit } = circuitOf(`${ORDERS} CREATE VIEW big AS SELECT oid, cid, amount FROM orders WHERE amount > 10;`);
  const update = (row: Row): Update => ({ row, weight: 0, partial: true });
  assert.deepEqual(step(circuit, { orders: [ins({ oid: 1, cid: 7, amount: 5 }), update({ oid: 2, amount: 50 })] }, 'big'), []);
  assert.deepEqual(step(circuit, { orders: [update({ oid: 1, amount: 20 })] }, 'big'), ['+1 {"oid":1,"cid":7,"amount":20}']);
  assert.deepEqual(step(circuit, { orders: [update({ oid: 1, cid: null })] }, 'big'), ['+1 {"oid":1,"cid":null,"amount":20}', '-1 {"oid":1,"cid":7,"amount":20}']);
});

/** The message and context of the runtime error a step of `sql` fails with on `inputs`. */
function runtimeError(sql: string, inputs: Record<string, Update[]>): { message: string; context: Record<string, unknown> } {
  const { circuit } = circuitOf(sql);
  try {
    circuit.step(new Map(Object.entries(inputs)));
  } catch (error) {
    const e = error as { code?: string; message: string; context: Record<string, unknown> };
    assert.equal(e.code, 'SQL_RUNTIME_ERROR', e.message);
    return { message: e.message, context: e.context };
  }
  return assert.fail('the step did not fail');
}

test('a runtime error names the view, the output column, the expression\'s position and the row', () => {
  const { message, context } = runtimeError('CREATE TABLE t (id INT, a INT, b INT);\nCREATE VIEW v AS SELECT id, a / b AS ratio FROM t;',
    { t: [ins({ id: 1, a: 4, b: 2 }), ins({ id: 7, a: 100, b: 0 })] });
  assert.equal(message, 'p.sql:2:29: view v, column ratio: division by zero: 100 / 0 (row: {id: 7, a: 100, b: 0})');
  assert.deepEqual(context, { view: 'v', column: 'ratio', file: 'p.sql', line: 2, col: 29, row: '{id: 7, a: 100, b: 0}' });
});

test('a runtime error names the clause of the failing expression: WHERE, HAVING, join condition, aggregate argument, ORDER BY', () => {
  const table = 'CREATE TABLE t (id INT, a INT, b INT, s VARCHAR);\n';
  const row = ins({ id: 7, a: 100, b: 0, s: 'x' });
  const cases: Array<[string, Record<string, Update[]>, string]> = [
    ['CREATE VIEW v AS SELECT id FROM t WHERE a > 0 AND a / b > 1;', { t: [row] },
      'p.sql:2:51: view v, WHERE: division by zero: 100 / 0 (row: {id: 7, a: 100, b: 0, s: \'x\'})'],
    ['CREATE VIEW v AS SELECT a, COUNT(*) AS n FROM t GROUP BY a HAVING COUNT(*) / MIN(b) > 0;', { t: [row] },
      'p.sql:2:67: view v, HAVING: division by zero: 1 / 0 (row: {a: 100, agg$0: 1, agg$1: 0})'],
    ['CREATE VIEW v AS SELECT SUM(a / b) AS total FROM t;', { t: [row] },
      'p.sql:2:29: view v, argument of SUM: division by zero: 100 / 0 (row: {id: 7, a: 100, b: 0, s: \'x\'})'],
    ['CREATE VIEW v AS SELECT id FROM t ORDER BY a / b LIMIT 3;', { t: [row] },
      'p.sql:2:44: view v, ORDER BY: division by zero: 100 / 0 (row: {id: 7, a: 100, b: 0, s: \'x\'})'],
    ['CREATE TABLE u (id INT, c INT);\nCREATE VIEW v AS SELECT t.id FROM t JOIN u ON t.id = u.id AND t.a / u.c > 1;',
      { t: [row], u: [ins({ id: 7, c: 0 })] },
      'p.sql:3:63: view v, join condition: division by zero: 100 / 0 (row: {t.id: 7, a: 100, b: 0, s: \'x\', u.id: 7, c: 0})'],
  ];
  for (const [view, inputs, expected] of cases) assert.equal(runtimeError(`${table}${view}`, inputs).message, expected, view);
});

test('a runtime error shows a long row cut short', () => {
  const { message } = runtimeError('CREATE TABLE t (a INT, s VARCHAR, t VARCHAR, u VARCHAR, w VARCHAR);\nCREATE VIEW v AS SELECT a / 0 AS x FROM t;',
    { t: [ins({ a: 2, s: 's'.repeat(500), t: 't'.repeat(500), u: 'u'.repeat(500), w: 'w'.repeat(500) })] });
  const row = /\(row: (.*)\)$/.exec(message)?.[1] ?? '';
  assert.equal(row.length, 200, row);
  assert.ok(row.startsWith("{a: 2, s: 'sss") && row.includes("t: 'ttt") && row.endsWith('...}'), row);
});
