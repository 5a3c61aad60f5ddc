/**
 * Limits, not stack overflows: nesting deeper than the limits of `src/limits.ts` in a program is
 * a positioned program error (exit 2), and in an input record a skipped and reported record while
 * the rest of the file is read; never an internal error or a stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_JSON_DEPTH, MAX_SQL_EXPRESSION_DEPTH, MAX_SQL_NESTING_DEPTH, MAX_SQL_TYPE_DEPTH } from '../../src/limits.js';
import { runCli, writeFiles, type CliResult } from '../support/cli.js';

function assertNoCrash(result: CliResult): void {
  const output = `${result.stdout}\n${result.stderr}`;
  assert.doesNotMatch(output, /^\s+at .+:\d+(:\d+)?\)?$/m, 'no stack trace');
  assert.doesNotMatch(output, /internal error|Maximum call stack/);
}

const table = 'CREATE TABLE t (id INT NOT NULL, b BOOLEAN, s VARCHAR);\n';
const datagen = `'connectors' = '[{"transport": {"name": "datagen", "config": {"plan": [{"limit": 2}]}}}]'`;
const chain = (term: string, operator: string, count: number): string => Array<string>(count).fill(term).join(` ${operator} `);

const tooDeepPrograms: Array<[string, string, RegExp]> = [
  ['a WHERE of 751 nested parentheses',
    `${table}CREATE VIEW v AS SELECT * FROM t WHERE ${'('.repeat(751)}b${')'.repeat(751)};\n`,
    new RegExp(`:2:\\d+: nested more than ${MAX_SQL_NESTING_DEPTH} levels deep`)],
  ['5,000 chained unary minus', `${table}CREATE VIEW v AS SELECT ${'- '.repeat(5000)}id AS x FROM t;\n`,
    new RegExp(`:2:\\d+: nested more than ${MAX_SQL_NESTING_DEPTH} levels deep`)],
  ['5,000 chained NOT', `${table}CREATE VIEW v AS SELECT * FROM t WHERE ${'NOT '.repeat(5000)}b;\n`,
    new RegExp(`:2:\\d+: nested more than ${MAX_SQL_NESTING_DEPTH} levels deep`)],
  ['5,000 terms of 1 + 1 + ...', `${table}CREATE VIEW v AS SELECT ${chain('1', '+', 5000)} AS x FROM t;\n`,
    new RegExp(`:2:25: the expression is more than ${MAX_SQL_EXPRESSION_DEPTH} levels deep`)],
  ['5,000 terms joined by ||', `${table}CREATE VIEW v AS SELECT ${chain('s', '||', 5000)} AS x FROM t;\n`,
    new RegExp(`:2:25: the expression is more than ${MAX_SQL_EXPRESSION_DEPTH} levels deep`)],
  ['5,000 terms joined by AND', `${table}CREATE VIEW v AS SELECT * FROM t WHERE ${chain('b', 'AND', 5000)};\n`,
    new RegExp(`:2:40: the expression is more than ${MAX_SQL_EXPRESSION_DEPTH} levels deep`)],
  ['5,000 nested subqueries in FROM',
    `${table}CREATE VIEW v AS SELECT * FROM ${'(SELECT * FROM '.repeat(5000)}t${') AS q'.repeat(5000)};\n`,
    new RegExp(`:2:\\d+: nested more than ${MAX_SQL_NESTING_DEPTH} levels deep`)],
  ['a MAP type nested 3,000 deep', `CREATE TABLE t (id INT NOT NULL, m ${'MAP<INT, '.repeat(3000)}INT${'>'.repeat(3000)});\n`,
    new RegExp(`:1:36: invalid SQL type: nested more than ${MAX_SQL_TYPE_DEPTH} levels deep`)],
  ['a ROW type nested 3,000 deep', `CREATE TABLE t (id INT NOT NULL, r ${'ROW(a '.repeat(3000)}INT${')'.repeat(3000)});\n`,
    new RegExp(`:1:36: invalid SQL type: nested more than ${MAX_SQL_TYPE_DEPTH} levels deep`)],
  ['a datagen column typed INT ARRAY ARRAY ... 3,000 deep',
    `CREATE TABLE t (id INT NOT NULL, a INT${' ARRAY'.repeat(3000)}) WITH (${datagen});\n`,
    new RegExp(`:1:36: invalid SQL type: nested more than ${MAX_SQL_TYPE_DEPTH} levels deep`)],
  ['a connectors JSON nested 5,000 deep',
    `CREATE TABLE t (id INT NOT NULL) WITH ('connectors' = '${'['.repeat(5000)}${']'.repeat(5000)}');\n`,
    new RegExp(`:1:${56 + MAX_JSON_DEPTH}: property 'connectors' is not valid JSON: values nested more than ${MAX_JSON_DEPTH} deep`)],
];

for (const [what, sql, expected] of tooDeepPrograms) {
  test(`${what} is a program error at its position, for check and run`, async () => {
    const dir = writeFiles({ 'program.sql': sql });
    for (const command of ['check', 'run']) {
      const result = await runCli([command, join(dir, 'program.sql')]);
      assertNoCrash(result);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, expected);
      assert.ok(result.stderr.includes(join(dir, 'program.sql')), result.stderr);
    }
  });
}

test('nesting within the limits is accepted', async () => {
  const sql = `CREATE TABLE t (id INT NOT NULL, b BOOLEAN, a INT${' ARRAY'.repeat(MAX_SQL_TYPE_DEPTH)}) WITH (${datagen});
CREATE VIEW v AS SELECT id FROM t WHERE ${'('.repeat(MAX_SQL_NESTING_DEPTH - 1)}b${')'.repeat(MAX_SQL_NESTING_DEPTH - 1)}
  AND ${chain('b', 'OR', 300)};
CREATE VIEW w AS SELECT ${chain('id', '+', 500)} AS x FROM t;
`;
  const dir = writeFiles({ 'program.sql': sql });
  const result = await runCli(['check', join(dir, 'program.sql')]);
  assertNoCrash(result);
  assert.equal(result.code, 0, result.stderr);
});

test('an input record nested 2,300 deep is skipped and reported, and the other records are ingested', async () => {
  const deep = `${'['.repeat(2300)}1${']'.repeat(2300)}`;
  const input = [
    JSON.stringify({ id: 1, s: 'a' }),
    `{"id": 2, "s": ${deep}}`,
    `{"id": 3, "s": "c", "extra": ${`${'{"a": '.repeat(3000)}1${'}'.repeat(3000)}`}}`,
    JSON.stringify({ id: 4, s: 'd' }),
  ].join('\n');
  const dir = writeFiles({ 'input.json': `${input}\n` });
  const inputConnector = [{ transport: { name: 'file_input', config: { path: join(dir, 'input.json') } }, format: { name: 'json', config: { update_format: 'raw' } } }];
  const outputConnector = [{ transport: { name: 'file_output', config: { path: join(dir, 'out.json') } }, format: { name: 'json' } }];
  writeFileSync(join(dir, 'program.sql'), `CREATE TABLE t (id INT NOT NULL, s VARCHAR) WITH ('connectors' = '${JSON.stringify(inputConnector)}');
CREATE VIEW v WITH ('connectors' = '${JSON.stringify(outputConnector)}') AS SELECT * FROM t;
`);
  const result = await runCli(['run', join(dir, 'program.sql')], { DYNAVIEW_LOG_LEVEL: 'info' });
  assertNoCrash(result);
  assert.equal(result.code, 0, result.stderr);
  const output = `${result.stdout}\n${result.stderr}`;
  assert.match(output, new RegExp(`input\\.json:2:${15 + MAX_JSON_DEPTH}: record 2: not valid JSON: values nested more than ${MAX_JSON_DEPTH} deep`));
  assert.match(output, /input\.json:3:\d+: record 3: not valid JSON: values nested more than/);
  const written = readFileSync(join(dir, 'out.json'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
  assert.deepEqual(written, [{ insert: { id: 1, s: 'a' } }, { insert: { id: 4, s: 'd' } }]);
});
