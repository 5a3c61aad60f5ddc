/**
 * Restarts with --state-dir, through the real command line: a run killed with SIGKILL at random
 * moments and started again each time ends with the same DynamoDB tables as an uninterrupted run,
 * and a run stopped with SIGTERM saves its state, exits 0, and is continued by the next one.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable, localConnection, scanAll, useDynamoDB } from '../support/dynamodb.js';
import { sortedRows } from '../support/items.js';
import { startCli, writeFiles } from '../support/cli.js';
import { changesFile, checkpointBeyond, coveredRows, inputRows, killAtRandomMoments, savedCheckpoint } from '../support/restarts.js';

const ddb = useDynamoDB();

const FILE_LINES = 60_000;
const FILE_KEYS = 1_500;
const GENERATED_ROWS = 6_000;
const TOTAL_INPUT_ROWS = FILE_LINES + GENERATED_ROWS;

/**
 * One primary-key table fed by the file and by a seeded, rate-limited datagen whose ids wrap
 * around 400 keys (updates), read by a view with pipelined_steps and by a filtered view with an
 * output buffer.
 */
function program(tables: { all: string; buffered: string }): string {
  const connection = Object.entries(localConnection(ddb.endpoint)).map(([k, v]) => `"${k}": "${v}"`).join(', ');
  return `
    CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v BIGINT, src VARCHAR) WITH ('connectors' = '[
      {"name": "file", "transport": {"name": "file_input", "config": {"path": "changes.json"}},
       "format": {"name": "json", "config": {"update_format": "insert_delete"}}},
      {"name": "gen", "transport": {"name": "datagen", "config": {"seed": 11, "plan": [{"rate": 400, "limit": ${GENERATED_ROWS},
        "fields": {"id": {"range": [100000, 100400]}, "v": {"strategy": "uniform", "range": [0, 1000]}, "src": {"values": ["gen"]}}}]}}}
    ]');
    CREATE VIEW every_row WITH ('connectors' = '[{"index": "every_row_idx", "transport": {"name": "dynamodb_output",
      "config": {"table": "${tables.all}", "pipelined_steps": true, ${connection}}}}]') AS SELECT * FROM t;
    CREATE INDEX every_row_idx ON every_row(id);
    CREATE VIEW some_rows WITH ('connectors' = '[{"index": "some_rows_idx", "enable_output_buffer": true,
      "max_output_buffer_time_millis": 300, "transport": {"name": "dynamodb_output", "config": {"table": "${tables.buffered}", ${connection}}}}]')
      AS SELECT id, v * 2 AS doubled FROM t WHERE v % 5 <> 3;
    CREATE INDEX some_rows_idx ON some_rows(id);`;
}

interface Setup {
  dir: string;
  tables: { all: string; buffered: string };
  args: string[];
}

async function setup(): Promise<Setup> {
  const tables = {
    all: await createTable(ddb.client, { hash: ['id', 'N'] }),
    buffered: await createTable(ddb.client, { hash: ['id', 'N'] }),
  };
  const dir = writeFiles({ 'changes.json': changesFile(FILE_LINES, FILE_KEYS), 'prog.sql': program(tables) });
  return { dir, tables, args: ['run', join(dir, 'prog.sql'), '--state-dir', join(dir, 'state')] };
}

async function tableRows(tables: Setup['tables']): Promise<unknown[]> {
  return [sortedRows(await scanAll(ddb.client, tables.all), 'id'), sortedRows(await scanAll(ddb.client, tables.buffered), 'id')];
}

let uninterrupted: unknown[] = [];

before(async () => {
  const baseline = await setup();
  const result = await startCli(baseline.args.slice(0, 2)).result;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(inputRows(result), TOTAL_INPUT_ROWS);
  uninterrupted = await tableRows(baseline.tables);
});

test('a run killed with SIGKILL at random moments, and run again each time, ends with the tables of an uninterrupted run', async () => {
  const run = await setup();
  const stateDir = join(run.dir, 'state');
  await killAtRandomMoments(run.args, stateDir, 6 + Math.floor(Math.random() * 8));
  const covered = coveredRows(stateDir);
  assert.ok(covered > 0);
  const last = await startCli(run.args).result;
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stderr, /resuming from .*state: checkpoint of step [1-9]/);
  // The input the checkpoint covered is not read again; journaled steps after it are.
  assert.ok(inputRows(last) <= TOTAL_INPUT_ROWS - covered, `${inputRows(last)} rows read again; ${covered} were covered`);
  assert.deepEqual(await tableRows(run.tables), uninterrupted);
});

test('SIGTERM mid-run writes what is queued, saves the state and exits 0; the next run goes on from there', async () => {
  const run = await setup();
  const stateDir = join(run.dir, 'state');
  const first = startCli(run.args);
  await checkpointBeyond(stateDir, 0, first);
  first.child.kill('SIGTERM');
  const stopped = await first.result;
  assert.equal(stopped.code, 0, stopped.stderr);
  const readFirst = inputRows(stopped);
  assert.ok(readFirst < TOTAL_INPUT_ROWS, stopped.stdout);
  const saved = savedCheckpoint(stateDir);
  assert.equal(coveredRows(stateDir), readFirst, 'the final checkpoint covers everything read');
  assert.equal(statSync(join(stateDir, 'steps.jsonl')).size, 0, 'no step is left to replay');

  const second = await startCli(run.args).result;
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, new RegExp(`resuming from .*state: checkpoint of step ${saved.step} .*replaying 0 step`));
  assert.equal(inputRows(second), TOTAL_INPUT_ROWS - readFirst);
  assert.deepEqual(await tableRows(run.tables), uninterrupted);

  // A program that changed is refused rather than mixed with the saved state.
  writeFileSync(join(run.dir, 'prog.sql'), `${readFileSync(join(run.dir, 'prog.sql'), 'utf8')}\n-- changed\n`);
  const changed = await startCli(run.args).result;
  assert.equal(changed.code, 2);
  assert.match(changed.stderr, new RegExp(`error: state directory ${stateDir} was written by a different program`));
  assert.doesNotMatch(changed.stderr, /at .*\.js:\d+/, 'no stack trace');
});
