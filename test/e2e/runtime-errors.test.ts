// A runtime error in a view (division by zero, overflow, ...) stops `dynaview run` with exit 1, as
// in Feldera, and its message points at the data: the expression's position, the view, the column
// or clause, and the row it failed on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, writeFiles } from '../support/cli.js';

const table = `CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT, b INT) WITH ('connectors' = '[{
  "transport": {"name": "file_input", "config": {"path": "rows.json"}},
  "format": {"name": "json", "config": {"update_format": "insert_delete"}}
}]');
`;
const rows = ['{"insert": {"id": 1, "a": 10, "b": 2}}', '{"insert": {"id": 7, "a": 100, "b": 0}}'].join('\n');
const output = `WITH ('connectors' = '[{"transport": {"name": "file_output", "config": {"path": "out.json"}}}]')`;

/** Runs the program with `view` over t and returns its output, with the program's path as `program.sql`. */
async function runFailing(view: string): Promise<string> {
  const dir = writeFiles({ 'rows.json': rows, 'program.sql': `${table}${view}\n` });
  const program = join(dir, 'program.sql');
  const result = await runCli(['run', program]);
  assert.equal(result.code, 1, result.stderr);
  const printed = `${result.stdout}\n${result.stderr}`;
  assert.doesNotMatch(printed, /^\s+at .+:\d+(:\d+)?\)?$/m, 'no stack trace');
  return printed.replaceAll(program, 'program.sql');
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

test('a division by zero in a SELECT column stops the run with exit 1 and names the position, view, column and row', async () => {
  const message = await runFailing(`CREATE VIEW v ${output}\nAS SELECT id, a / b AS ratio FROM t;`);
  const expected = 'error: program.sql:6:15: view v, column ratio: division by zero: 100 / 0 (row: {id: 7, a: 100, b: 0})';
  assert.ok(message.includes(expected), message);
  assert.equal(occurrences(message, 'division by zero'), 1, message);
});

test('a runtime error in a WHERE names the clause instead of a column', async () => {
  const message = await runFailing(`CREATE VIEW w ${output}\nAS SELECT id FROM t WHERE a / b > 1;`);
  const expected = 'error: program.sql:6:27: view w, WHERE: division by zero: 100 / 0 (row: {id: 7, a: 100, b: 0})';
  assert.ok(message.includes(expected), message);
  assert.equal(occurrences(message, 'division by zero'), 1, message);
});
