// A runtime error in a view (division by zero, overflow, ...) stops `dynaview run` with exit 1, as
// in Feldera, and its message points at the data: the expression's position, the view, the column
// or clause, and the row it failed on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
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

const dropping = ['--runtime-error-dead-letter-path', 'dead.jsonl'];

interface DeadLetterLine {
  time: string;
  step: number;
  view: string;
  column?: string;
  clause?: string;
  position: string;
  message: string;
  weight: number;
  row: Record<string, unknown>;
  keys?: Record<string, Record<string, unknown>>;
}

/** The lines of a file of JSON lines, parsed, in file order. */
function jsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);
}

/** The lines of a file, sorted. */
function sortedLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').sort();
}

/** Runs `program` over `input` with the dead-letter file `dead.jsonl`; returns the result and the run's directory. */
async function runDropping(program: string, input: string) {
  const dir = writeFiles({ 'rows.json': input, 'program.sql': program });
  const result = await runCli(['run', join(dir, 'program.sql'), ...dropping.map((arg) => (arg.endsWith('.jsonl') ? join(dir, arg) : arg))]);
  return { result, dir };
}

test('with --runtime-error-dead-letter-path, the failing row goes to the dead-letter file, the other rows reach the output and the run exits 0', async () => {
  const { result, dir } = await runDropping(`${table}CREATE VIEW v ${output}\nAS SELECT id, a / b AS ratio FROM t;\n`,
    [...rows.split('\n'), '{"insert": {"id": 3, "a": 9, "b": 3}}'].join('\n'));
  assert.equal(result.code, 0, result.stderr);
  const deadLetters = jsonLines<DeadLetterLine>(join(dir, 'dead.jsonl'));
  assert.deepEqual(sortedLines(join(dir, 'out.json')), ['{"insert":{"id":1,"ratio":5}}', '{"insert":{"id":3,"ratio":3}}']);
  assert.equal(deadLetters.length, 1, JSON.stringify(deadLetters));
  const [letter] = deadLetters;
  assert.match(letter!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual({ ...letter, time: undefined }, {
    time: undefined, step: 1, view: 'v', column: 'ratio', position: `${join(dir, 'program.sql')}:6:15`,
    message: 'division by zero: 100 / 0', weight: 1, row: { id: 7, a: 100, b: 0 }, keys: { t: { id: 7 } },
  });
  // A warning names the first one, and the summary and the last warning count them.
  assert.ok(result.stderr.includes(`${join(dir, 'program.sql')}:6:15: view v, column ratio: division by zero: 100 / 0: the row is left out`), result.stderr);
  assert.match(result.stderr, /1 row\(s\) left out of views after runtime errors are in .*dead\.jsonl/);
  assert.match(result.stdout, /; 1 row\(s\) left out of views after runtime errors \(dead-lettered\)/);
  assert.doesNotMatch(`${result.stdout}${result.stderr}`, /^\s+at .+:\d+(:\d+)?\)?$/m, 'no stack trace');
});

test('each view leaves out only its own failing rows: a WHERE, an aggregate argument and a join condition, each with its clause', async () => {
  const program = `${table}CREATE TABLE u (id INT NOT NULL PRIMARY KEY, c INT) WITH ('connectors' = '[{
  "transport": {"name": "file_input", "config": {"path": "u.json"}},
  "format": {"name": "json", "config": {"update_format": "insert_delete"}}
}]');
CREATE VIEW w WITH ('connectors' = '[{"transport": {"name": "file_output", "config": {"path": "w.json"}}}]')
AS SELECT id FROM t WHERE a / b > 1;
CREATE VIEW agg WITH ('connectors' = '[{"transport": {"name": "file_output", "config": {"path": "agg.json"}}}]')
AS SELECT COUNT(*) AS n, SUM(a / b) AS s FROM t;
CREATE VIEW j WITH ('connectors' = '[{"transport": {"name": "file_output", "config": {"path": "j.json"}}}]')
AS SELECT t.id, u.c FROM t JOIN u ON t.id = u.id AND t.a / u.c > 1;
`;
  const dir = writeFiles({ 'rows.json': rows, 'u.json': '{"insert": {"id": 1, "c": 2}}\n{"insert": {"id": 7, "c": 0}}\n', 'program.sql': program });
  const result = await runCli(['run', join(dir, 'program.sql'), '--runtime-error-dead-letter-path', join(dir, 'dead.jsonl')]);
  assert.equal(result.code, 0, result.stderr);
  const lines = (name: string): string[] => sortedLines(join(dir, name));
  assert.deepEqual(lines('w.json'), ['{"insert":{"id":1}}']);
  assert.deepEqual(lines('agg.json'), ['{"insert":{"n":1,"s":5}}']);
  assert.deepEqual(lines('j.json'), ['{"insert":{"id":1,"c":2}}']);
  const letters = jsonLines<DeadLetterLine>(join(dir, 'dead.jsonl'))
    .map(({ view, clause, message, row, keys, weight }) => ({ view, clause, message, row, keys, weight }))
    .sort((x, y) => x.view.localeCompare(y.view));
  assert.deepEqual(letters, [
    { view: 'agg', clause: 'argument of SUM', message: 'division by zero: 100 / 0', row: { id: 7, a: 100, b: 0 }, keys: { t: { id: 7 } }, weight: 1 },
    { view: 'j', clause: 'join condition', message: 'division by zero: 100 / 0', row: { 't.id': 7, a: 100, b: 0, 'u.id': 7, c: 0 }, keys: { t: { id: 7 }, u: { id: 7 } }, weight: 1 },
    { view: 'w', clause: 'WHERE', message: 'division by zero: 100 / 0', row: { id: 7, a: 100, b: 0 }, keys: { t: { id: 7 } }, weight: 1 },
  ]);
});

test('a dead-letter path that cannot be opened is a configuration error (exit 2) before anything runs', async () => {
  const dir = writeFiles({ 'rows.json': rows, 'program.sql': `${table}CREATE VIEW v ${output}\nAS SELECT id, a / b AS ratio FROM t;\n` });
  const result = await runCli(['run', join(dir, 'program.sql'), '--runtime-error-dead-letter-path', join(dir, 'missing', 'dead.jsonl')]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /runtime_error_dead_letter_path: cannot open .*missing\/dead\.jsonl for appending/);
  assert.equal(existsSync(join(dir, 'out.json')), false);
});

test('a failing row inserted in one run and deleted in the next (--state-dir) is left out both times: the output never deletes it', async () => {
  const program = `${table}CREATE VIEW v ${output}\nAS SELECT id, a / b AS ratio FROM t;\n`;
  const { result: first, dir } = await runDropping(program, `${rows}\n`);
  const args = ['run', join(dir, 'program.sql'), '--state-dir', join(dir, 'state'), '--runtime-error-dead-letter-path', join(dir, 'dead.jsonl')];
  assert.equal(first.code, 0, first.stderr);
  // That run had no state directory: start one over the same input, then delete the row.
  rmSync(join(dir, 'dead.jsonl'));
  assert.equal((await runCli(args)).code, 0);
  appendFileSync(join(dir, 'rows.json'), '{"delete": {"id": 7, "a": 100, "b": 0}}\n{"delete": {"id": 1, "a": 10, "b": 2}}\n');
  const second = await runCli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(readFileSync(join(dir, 'out.json'), 'utf8').split('\n').filter((line) => line !== ''),
    ['{"insert":{"id":1,"ratio":5}}', '{"delete":{"id":1,"ratio":5}}']);
  assert.deepEqual(jsonLines<DeadLetterLine>(join(dir, 'dead.jsonl')).map(({ step, row, weight }) => ({ step, row, weight })), [
    { step: 1, row: { id: 7, a: 100, b: 0 }, weight: 1 },
    { step: 2, row: { id: 7, a: 100, b: 0 }, weight: -1 },
  ]);
});
