/**
 * Restarts of file outputs with --state-dir, through the real command line: a run killed with
 * SIGKILL at random moments (mid-write included) and started again each time leaves files that a
 * reader replays, event by event, to exactly what an uninterrupted run's files replay to: no
 * event lost, none written twice (a delete of a row that is not there would show either).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCli, writeFiles } from '../support/cli.js';
import { replay } from '../support/file-events.js';
import { changesFile, coveredRows, inputRows, killAtRandomMoments, savedCheckpoint } from '../support/restarts.js';

const FILE_LINES = 40_000;
const FILE_KEYS = 1_000;
const GENERATED_ROWS = 5_000;
const TOTAL_INPUT_ROWS = FILE_LINES + GENERATED_ROWS;

/**
 * A primary-key table fed by the file and by a seeded datagen rate-limited to 20 seconds, whose
 * ids wrap around 300 keys; one view written to a file step by step, a filtered one through an
 * output buffer whose batches merge several steps. A checkpoint is saved once the batch holding its
 * step is written, so with the buffer the files usually hold steps after it as well: a restart
 * must cut them back to where they stood, and not write again the steps they hold.
 */
const PROGRAM = `
  CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v BIGINT, src VARCHAR) WITH ('connectors' = '[
    {"name": "file", "transport": {"name": "file_input", "config": {"path": "changes.json"}},
     "format": {"name": "json", "config": {"update_format": "insert_delete"}}},
    {"name": "gen", "transport": {"name": "datagen", "config": {"seed": 5, "plan": [{"rate": 250, "limit": ${GENERATED_ROWS},
      "fields": {"id": {"range": [100000, 100300]}, "v": {"strategy": "uniform", "range": [0, 1000]}, "src": {"values": ["gen"]}}}]}}}
  ]');
  CREATE VIEW every_row WITH ('connectors' = '[{"transport": {"name": "file_output", "config": {"path": "every_row.json"}}}]')
    AS SELECT * FROM t;
  CREATE VIEW some_rows WITH ('connectors' = '[{"enable_output_buffer": true, "max_output_buffer_time_millis": 1500,
    "transport": {"name": "file_output", "config": {"path": "some_rows.json"}},
    "format": {"name": "json", "config": {"update_format": "insert_delete"}}}]')
    AS SELECT id, v * 2 AS doubled FROM t WHERE v % 5 <> 3;`;

interface Setup {
  dir: string;
  args: string[];
}

function setup(): Setup {
  const dir = writeFiles({ 'changes.json': changesFile(FILE_LINES, FILE_KEYS), 'prog.sql': PROGRAM });
  return { dir, args: ['run', join(dir, 'prog.sql'), '--state-dir', join(dir, 'state')] };
}

/** What a reader of each output file ends with. */
function replayed(dir: string): string[][] {
  return ['every_row.json', 'some_rows.json'].map((file) => replay(readFileSync(join(dir, file), 'utf8')));
}

let uninterrupted: string[][] = [];

before(async () => {
  const baseline = setup();
  const result = await startCli(baseline.args.slice(0, 2)).result;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(inputRows(result), TOTAL_INPUT_ROWS);
  uninterrupted = replayed(baseline.dir);
  assert.ok(uninterrupted.every((rows) => rows.length > 0));
});

test('file outputs of a run killed with SIGKILL at random moments, and run again each time, replay to those of an uninterrupted run', async () => {
  const run = setup();
  const stateDir = join(run.dir, 'state');
  await killAtRandomMoments(run.args, stateDir, 6 + Math.floor(Math.random() * 6));
  assert.ok(coveredRows(stateDir) > 0);
  const outputs = savedCheckpoint(stateDir).outputs ?? {};
  assert.deepEqual(Object.keys(outputs).sort(), ['every_row.unnamed-0', 'some_rows.unnamed-0'], 'each file output saved its position');

  const last = await startCli(run.args).result;
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stderr, /resuming from .*state: checkpoint of step [1-9]/);
  assert.deepEqual(replayed(run.dir), uninterrupted);
});

test('a file cut back by a restart keeps exactly the bytes the checkpoint says, and a run that completed appends nothing more', async () => {
  const run = setup();
  const stateDir = join(run.dir, 'state');
  await killAtRandomMoments(run.args, stateDir, 1);
  const saved = savedCheckpoint(stateDir).outputs?.['every_row.unnamed-0'];
  assert.ok(saved, 'the checkpoint holds the file\'s position');
  const kept = readFileSync(join(run.dir, 'every_row.json')).subarray(0, (saved.position as { bytes: number }).bytes);

  const completed = await startCli(run.args).result;
  assert.equal(completed.code, 0, completed.stderr);
  const written = readFileSync(join(run.dir, 'every_row.json'));
  assert.deepEqual(written.subarray(0, kept.length), kept, 'what the checkpoint covers is kept as it was');
  assert.deepEqual(replayed(run.dir), uninterrupted);

  const again = await startCli(run.args).result;
  assert.equal(again.code, 0, again.stderr);
  assert.equal(inputRows(again), 0);
  assert.deepEqual(readFileSync(join(run.dir, 'every_row.json')), written);
});
