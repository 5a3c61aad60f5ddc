/**
 * With `dropFailingRows`, a row on which an expression of a view fails is left out of the operator
 * that evaluates it, for its insert and for its delete alike, and listed in `circuit.dropped`;
 * the view's integrated contents never hold a negative weight. Errors that no single row causes
 * still fail the step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/engine/catalog.js';
import { Circuit } from '../../src/engine/circuit.js';
import type { DroppedRow } from '../../src/engine/row-error.js';
import { parseProgram } from '../../src/sql/parser.js';
import type { Row, Update } from '../../src/schema.js';

function circuitOf(sql: string, dropFailingRows = true): Circuit {
  const { catalog, problems } = buildCatalog(parseProgram(sql, 'p.sql'), 'p.sql');
  assert.deepEqual(problems.map((p) => p.message), []);
  return new Circuit(catalog, { dropFailingRows });
}

const ins = (row: Row): Update => ({ row, weight: 1 });
const del = (row: Row): Update => ({ row, weight: -1 });

/** Runs steps and keeps the view's integrated contents and every step's dropped rows. */
class Run {
  readonly contents = new Map<string, number>();
  readonly dropped: DroppedRow[][] = [];
  constructor(private readonly circuit: Circuit, private readonly view: string) {}

  step(inputs: Record<string, Update[]>): this {
    const delta = this.circuit.step(new Map(Object.entries(inputs))).get(this.view) ?? [];
    for (const { row, weight } of delta) {
      const text = JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
      const now = (this.contents.get(text) ?? 0) + weight;
      assert.ok(now >= 0, `view ${this.view} holds ${text} ${now} times`);
      if (now === 0) this.contents.delete(text);
      else this.contents.set(text, now);
    }
    this.dropped.push([...this.circuit.dropped]);
    return this;
  }

  rows(): string[] {
    return [...this.contents.keys()].sort();
  }
}

test('a row whose SELECT expression fails is left out on insert and on delete, and listed with its view, column, position, message, row, key and weight', () => {
  const run = new Run(circuitOf('CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b INT);\nCREATE VIEW v AS SELECT id, a / b AS ratio FROM t;'), 'v');
  run.step({ t: [ins({ id: 1, a: 10, b: 2 }), ins({ id: 7, a: 100, b: 0 })] });
  assert.deepEqual(run.rows(), ['{"id":1,"ratio":5}']);
  assert.deepEqual(run.dropped[0], [{
    view: 'v', role: 'column ratio', column: 'ratio', position: 'p.sql:2:29', message: 'division by zero: 100 / 0',
    row: { id: 7, a: 100, b: 0 }, keys: { t: { id: 7 } }, weight: 1,
  }]);
  run.step({ t: [del({ id: 7, a: 100, b: 0 })] });
  assert.deepEqual(run.rows(), ['{"id":1,"ratio":5}']);
  assert.deepEqual(run.dropped[1]!.map((d) => [d.row, d.weight]), [[{ id: 7, a: 100, b: 0 }, -1]]);
  run.step({ t: [del({ id: 1, a: 10, b: 2 })] });
  assert.deepEqual(run.rows(), []);
  assert.deepEqual(run.dropped[2], []);
});

test('without dropFailingRows the same error fails the step', () => {
  const circuit = circuitOf('CREATE TABLE t (id INT, a INT, b INT);\nCREATE VIEW v AS SELECT id, a / b AS ratio FROM t;', false);
  assert.throws(() => circuit.step(new Map([['t', [ins({ id: 7, a: 100, b: 0 })]]])), { code: 'SQL_RUNTIME_ERROR' });
});

test('an update of a failing row to a good one brings it into the view, and back out when it fails again', () => {
  const run = new Run(circuitOf('CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b INT);\nCREATE VIEW v AS SELECT id, a / b AS ratio FROM t WHERE a / b > 0;'), 'v');
  run.step({ t: [ins({ id: 7, a: 100, b: 0 })] });
  assert.deepEqual(run.dropped[0]!.map((d) => [d.role, d.position]), [['WHERE', 'p.sql:2:57']]);
  // The table has a primary key: the new row replaces the old one, whose delete is left out too.
  run.step({ t: [ins({ id: 7, a: 100, b: 4 })] });
  assert.deepEqual(run.rows(), ['{"id":7,"ratio":25}']);
  assert.deepEqual(run.dropped[1]!.map((d) => d.weight), [-1]);
  run.step({ t: [ins({ id: 7, a: 1, b: 0 })] });
  assert.deepEqual(run.rows(), []);
  assert.deepEqual(run.dropped[2]!.map((d) => d.weight), [1]);
});

test('an aggregate leaves a failing row out of its group entirely: COUNT(*) does not count it, and its delete changes nothing', () => {
  const run = new Run(circuitOf('CREATE TABLE t (id INT NOT NULL PRIMARY KEY, g INT, a INT, b INT);\n'
    + 'CREATE VIEW v AS SELECT g, COUNT(*) AS n, SUM(a / b) AS s FROM t GROUP BY g;'), 'v');
  run.step({ t: [ins({ id: 1, g: 1, a: 10, b: 2 }), ins({ id: 2, g: 1, a: 1, b: 0 })] });
  assert.deepEqual(run.rows(), ['{"g":1,"n":1,"s":5}']);
  assert.deepEqual(run.dropped[0]!.map((d) => [d.role, d.keys, d.weight]), [['argument of SUM', { t: { id: 2 } }, 1]]);
  run.step({ t: [del({ id: 2, g: 1, a: 1, b: 0 })] });
  assert.deepEqual(run.rows(), ['{"g":1,"n":1,"s":5}']);
  assert.deepEqual(run.dropped[1]!.map((d) => d.weight), [-1]);
  run.step({ t: [del({ id: 1, g: 1, a: 10, b: 2 })] });
  assert.deepEqual(run.rows(), []);
});

test('a join leaves out a pair its condition fails on, whichever side comes or goes, and a row whose join key fails', () => {
  const tables = 'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT);\nCREATE TABLE u (id INT NOT NULL PRIMARY KEY, c INT);\n';
  const pairs = new Run(circuitOf(`${tables}CREATE VIEW v AS SELECT t.id, u.c FROM t JOIN u ON t.id = u.id AND t.a / u.c > 1;`), 'v');
  pairs.step({ t: [ins({ id: 7, a: 100 }), ins({ id: 8, a: 100 })], u: [ins({ id: 7, c: 0 }), ins({ id: 8, c: 2 })] });
  assert.deepEqual(pairs.rows(), ['{"id":8,"c":2}']);
  assert.deepEqual(pairs.dropped[0]!.map((d) => [d.role, d.row, d.keys, d.weight]),
    [['join condition', { 't.id': 7, a: 100, 'u.id': 7, c: 0 }, { t: { id: 7 }, u: { id: 7 } }, 1]]);
  pairs.step({ u: [del({ id: 7, c: 0 })] });
  assert.deepEqual(pairs.dropped[1]!.map((d) => d.weight), [-1]);
  pairs.step({ t: [del({ id: 7, a: 100 }), del({ id: 8, a: 100 })] });
  assert.deepEqual(pairs.rows(), []);

  const keys = new Run(circuitOf(`${tables}CREATE VIEW w AS SELECT t.id, u.c FROM t JOIN u ON t.a / t.id = u.id;`), 'w');
  keys.step({ t: [ins({ id: 0, a: 5 }), ins({ id: 1, a: 3 })], u: [ins({ id: 3, c: 9 })] });
  assert.deepEqual(keys.rows(), ['{"id":1,"c":9}']);
  assert.deepEqual(keys.dropped[0]!.map((d) => [d.row, d.weight]), [[{ id: 0, a: 5 }, 1]]);
  keys.step({ t: [del({ id: 0, a: 5 })], u: [del({ id: 3, c: 9 })] });
  assert.deepEqual(keys.rows(), []);
  assert.deepEqual(keys.dropped[1]!.map((d) => [d.row, d.weight]), [[{ id: 0, a: 5 }, -1]]);
});

test('an outer join pads a row whose only pair fails, as a row without partner', () => {
  const run = new Run(circuitOf('CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT);\nCREATE TABLE u (id INT NOT NULL PRIMARY KEY, c INT);\n'
    + 'CREATE VIEW v AS SELECT t.id, u.c FROM t LEFT JOIN u ON t.id = u.id AND t.a / u.c > 1;'), 'v');
  run.step({ t: [ins({ id: 7, a: 100 })] });
  run.step({ u: [ins({ id: 7, c: 0 })] });
  assert.deepEqual(run.rows(), ['{"id":7,"c":null}']);
  run.step({ u: [del({ id: 7, c: 0 }), ins({ id: 7, c: 5 })] });
  assert.deepEqual(run.rows(), ['{"id":7,"c":5}']);
  run.step({ t: [del({ id: 7, a: 100 })] });
  assert.deepEqual(run.rows(), []);
});

test('ORDER BY ... LIMIT leaves a row whose sort key fails out of the ranking', () => {
  const run = new Run(circuitOf('CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b INT);\nCREATE VIEW v AS SELECT id FROM t ORDER BY a / b LIMIT 2;'), 'v');
  run.step({ t: [ins({ id: 1, a: 1, b: 1 }), ins({ id: 2, a: 1, b: 0 }), ins({ id: 3, a: 2, b: 1 })] });
  assert.deepEqual(run.rows(), ['{"id":1}', '{"id":3}']);
  assert.deepEqual(run.dropped[0]!.map((d) => d.role), ['ORDER BY']);
  run.step({ t: [del({ id: 2, a: 1, b: 0 }), del({ id: 1, a: 1, b: 1 })] });
  assert.deepEqual(run.rows(), ['{"id":3}']);
});

test('an error that no single row causes (a SUM out of its type\'s range) still fails the step', () => {
  const circuit = circuitOf('CREATE TABLE t (a TINYINT);\nCREATE VIEW v AS SELECT SUM(a) AS s FROM t;');
  assert.throws(() => circuit.step(new Map([['t', [ins({ a: 100 }), ins({ a: 100 })]]])), { code: 'SQL_RUNTIME_ERROR' });
  assert.deepEqual(circuit.dropped, []);
});
