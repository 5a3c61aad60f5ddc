// A program that writes a filtered view to a file, through the command line: the events it
// writes for inserts, updates and deletes of a primary-key table, run after run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, writeFiles } from '../support/cli.js';
import { batchLines, replay } from '../support/file-events.js';

const PROGRAM = `
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR, score DOUBLE, big BIGINT, price DECIMAL(10, 2), day DATE) WITH ('connectors' = '[{
  "transport": {"name": "file_input", "config": {"path": "changes.json"}},
  "format": {"name": "json", "config": {"update_format": "insert_delete"}}}]');
CREATE VIEW positive WITH ('connectors' = '[{
  "transport": {"name": "file_output", "config": {"path": "positive.json"}},
  "format": {"name": "json", "config": {"update_format": "insert_delete"}}}]')
AS SELECT id, UPPER(name) AS name, score * 2 AS doubled, big, price, day FROM people WHERE score > 0;
`;

const FIRST_CHANGES = [
  '{"insert": {"id": 1, "name": "ann", "score": 1.5, "big": 9007199254740993, "price": "12.50", "day": "2024-01-02"}}',
  '{"insert": {"id": 2, "name": "bob", "score": -1}}',
  '{"insert": {"id": 3, "name": "cy", "score": 2.25}}',
  '{"insert": {"id": 4, "name": "dee", "score": 3}}',
  '{"delete": {"id": 4}}',
];

// An update of ann (her score changes), a delete of cy, bob entering the view, eve staying out of it.
const LATER_CHANGES = [
  '{"insert": {"id": 1, "name": "ann", "score": 5, "big": 9007199254740993, "price": "12.50", "day": "2024-01-02"}}',
  '{"delete": {"id": 3}}',
  '{"insert": {"id": 2, "name": "bob", "score": 0.5}}',
  '{"insert": {"id": 5, "name": "eve", "score": -2}}',
];

const ANN = '{"id":1,"name":"ANN","doubled":3.0,"big":9007199254740993,"price":12.5,"day":"2024-01-02"}';
const ANN_UPDATED = '{"id":1,"name":"ANN","doubled":10.0,"big":9007199254740993,"price":12.5,"day":"2024-01-02"}';
const BOB = '{"id":2,"name":"BOB","doubled":1.0,"big":null,"price":null,"day":null}';
const CY = '{"id":3,"name":"CY","doubled":4.5,"big":null,"price":null,"day":null}';

function setup(): { dir: string; program: string; output: string } {
  const dir = writeFiles({ 'prog.sql': PROGRAM, 'changes.json': `${FIRST_CHANGES.join('\n')}\n` });
  return { dir, program: join(dir, 'prog.sql'), output: join(dir, 'positive.json') };
}

test('check accepts a program with a file_output, and --describe has nothing to ask of it', async () => {
  const { program } = setup();
  for (const args of [['check', program], ['check', program, '--describe']]) {
    const result = await runCli(args);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${program}: ok (1 table, 1 view, 1 input and 1 output connector)\n`);
  }
});

test('the view\'s changes are written as insert and delete events, run after run with --state-dir, and replay to the view', async () => {
  const { dir, program, output } = setup();
  const args = ['run', program, '--state-dir', join(dir, 'state')];

  const first = await runCli(args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`positive\\.unnamed-0 -> file ${output}: 2 written \\(2 inserts, 0 deletes\\), 0 failed`));
  const firstText = readFileSync(output, 'utf8');
  // eve's row and dee's, inserted and deleted in the same step, never reach the file.
  assert.deepEqual(batchLines(firstText), { deletes: [], inserts: [ANN, CY] });

  appendFileSync(join(dir, 'changes.json'), `${LATER_CHANGES.join('\n')}\n`);
  const second = await runCli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /positive\.unnamed-0 -> file .*: 4 written \(2 inserts, 2 deletes\), 0 failed/);
  const text = readFileSync(output, 'utf8');
  assert.ok(text.startsWith(firstText), 'the second run appends to what the first one wrote');
  // The update of ann is her old row's delete and her new row's insert, in that order.
  assert.deepEqual(batchLines(text.slice(firstText.length)), { deletes: [ANN, CY], inserts: [ANN_UPDATED, BOB] });
  assert.deepEqual(replay(text), [ANN_UPDATED, BOB]);
});

test('without --state-dir a run starts the file over; --local starts no DynamoDB Local for a program without DynamoDB outputs', async () => {
  const { dir, program, output } = setup();
  appendFileSync(join(dir, 'changes.json'), `${LATER_CHANGES.join('\n')}\n`);
  for (const args of [['run', program], ['run', program, '--local']]) {
    const result = await runCli(args);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(batchLines(readFileSync(output, 'utf8')), { deletes: [], inserts: [ANN_UPDATED, BOB] });
    assert.doesNotMatch(`${result.stdout}${result.stderr}`, /DynamoDB/);
  }
});
