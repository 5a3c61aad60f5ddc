import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, writeFiles } from '../support/cli.js';

/** Runs `dynaview check` on `program` and returns its problem lines (exit 2 and no stack trace asserted). */
async function problems(program: string): Promise<string[]> {
  const dir = writeFiles({ 'p.sql': program });
  const { code, stdout, stderr } = await runCli(['check', join(dir, 'p.sql')]);
  assert.equal(code, 2, `${stdout}\n${stderr}`);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /);
  const lines = stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.match(stderr, new RegExp(`${lines.length} problems? found`));
  return lines.map((line) => line.slice('error: '.length).replace(`${join(dir, 'p.sql')}:`, ''));
}

test('check reports every problem of every statement once, each with a suggestion where a name is close', async () => {
  assert.deepEqual(await problems([
    'CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR, age INT, city VARCHAR);',
    'CREATE TABLE typed (id INT, a INTT, b VARCHR, PRIMARY KEY (idd));',
    "CREATE VIEW v1 AS SELECT id, nmae, UPPPER(name) AS u, LPAD(name, 2) AS l FROM people WHERE ciy = 'x' AND id > 1;",
    'CREATE VIEW v2 AS SELECT id, COUNT(*) AS n FROM peeple GROUP BY id;',
    'CREATE VIEW v3 AS SELECT id, name FROM people;',
    'CREATE INDEX v3_idx ON v3(idd);',
    'CREATE INDEX v4_idx ON v33(id);',
    'CREATE VIEW v5 AS SELECT id, SUM(ag) AS s FROM people GROUP BY id HAVING COUNT(nam) > 1;',
    "CREATE VIEW v6 AS SELECT p.id FROM people p JOIN people q ON p.idd = q.id WHERE q.nam = 'x' AND p.id IN (SELECT idx FROM people);",
    'CREATE VIEW v7 AS SELECT id, INITCAP(name) AS n FROM people;',
  ].join('\n')), [
    '2:31: unknown SQL type intt: did you mean INT?',
    '2:39: unknown SQL type varchr: did you mean VARCHAR?',
    '2:60: primary key column idd is not a column of table typed; did you mean id?',
    '3:30: unknown column nmae; did you mean name?',
    '3:36: unknown function UPPPER; did you mean UPPER?',
    '3:55: unknown function LPAD',
    '3:92: unknown column ciy; did you mean city?',
    '4:49: unknown table or view peeple; did you mean people?',
    '6:27: column idd of index v3_idx is not a column of view v3; did you mean id?',
    '7:24: unknown view v33 for index v4_idx; did you mean v3?',
    '8:34: unknown column ag; did you mean age?',
    '8:80: unknown column nam; did you mean name?',
    '9:64: unknown column idd in p; did you mean id?',
    '9:83: unknown column nam in q; did you mean name?',
    '9:113: unknown column idx; did you mean id?',
    '10:30: function INITCAP is not supported yet',
  ]);
});

test('check goes on after a syntax error or an unsupported statement, and never reports a consequence of one', async () => {
  assert.deepEqual(await problems([
    'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT);',
    'CREATE TABLE broken (id INT, PRIMARY KEY (id) extra;',
    // Reads a table whose statement failed: not reported again, nor the index and connector on it.
    'CREATE VIEW of_broken AS SELECT * FROM broken;',
    'CREATE INDEX of_broken_idx ON of_broken(id);',
    'CREATE VIEW uses_index WITH (\'connectors\' = \'[{"index": "of_broken_idx", "transport": {"name": "file_output", "config": {"path": "o.json"}}}]\') AS SELECT * FROM of_broken;',
    'CREATE OR REPLACE VIEW r AS SELECT * FROM t;',
    'CREATE VIEW bad_view AS SELECT nope FROM t;',
    'CREATE INDEX bad_view_idx ON bad_view(id);',
    'CREATE VIEW after AS SELECT id, v + FROM t;',
    'CREATE VIEW lexical AS SELECT id # v FROM t;',
    'CREATE VIEW fine AS SELECT id, vv FROM t',
    'CREATE VIEW missing_semicolon AS SELECT id FROM t;',
    "CREATE TABLE misspelt_property (id INT) WITH ('conectors' = '[]');",
  ].join('\n')), [
    '2:47: expected "," or ")" but found "extra"',
    '6:1: CREATE OR REPLACE is not supported yet',
    '7:32: unknown column nope',
    '9:37: expected an expression but found "FROM"',
    '10:34: expected a SQL token but found "#"',
    '11:32: unknown column vv; did you mean v?',
    '12:1: expected ";" but found "CREATE"',
    "13:47: unknown property 'conectors'; did you mean 'connectors'?",
  ]);
});
