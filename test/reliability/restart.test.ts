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
import { startCli, writeFiles, type CliResult, type RunningCli } from '../support/cli.js';
import { sleep } from '../../src/util/sleep.js';

const ddb = useDynamoDB();

const FILE_LINES = 60_000;
const FILE_KEYS = 1_500;
const GENERATED_ROWS = 4_000;
const TOTAL_INPUT_ROWS = FILE_LINES + GENERATED_ROWS;

/**
 * Inserts, updates and deletes of few keys with few values, so that keys often go back to a value
 * they had a little earlier: a restart that wrote only net changes would leave stale items.
 */
function changesFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < FILE_LINES; i += 1) {
    const id = (i * 7_919) % FILE_KEYS;
    lines.push(i % 7 === 3 ? JSON.stringify({ delete: { id } }) : JSON.stringify({ insert: { id, v: (i * 31) % 5, src: 'file' } }));
  }
  return `${lines.join('\n')}\n`;
}

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
  const dir = writeFiles({ 'changes.json': changesFile(), 'prog.sql': program(tables) });
  return { dir, tables, args: ['run', join(dir, 'prog.sql'), '--state-dir', join(dir, 'state')] };
}

async function tableRows(tables: Setup['tables']): Promise<unknown[]> {
  return [sortedRows(await scanAll(ddb.client, tables.all), 'id'), sortedRows(await scanAll(ddb.client, tables.buffered), 'id')];
}

/** Input rows the run read, from its summary line. */
function inputRows(result: CliResult): number {
  const input = /input: (.*?); peak memory/.exec(result.stdout)?.[1];
  assert.ok(input, result.stdout + result.stderr);
  return [...input.matchAll(/ (\d+) rows/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

interface SavedCheckpoint {
  step: number;
  inputs: Record<string, { rows: number }>;
}

/** The checkpoint's header line. */
function savedCheckpoint(stateDir: string): SavedCheckpoint {
  const bytes = readFileSync(join(stateDir, 'checkpoint'));
  return JSON.parse(bytes.toString('utf8', 0, bytes.indexOf(0x0a))) as SavedCheckpoint;
}

/** Waits until the running command has saved a checkpoint beyond `step`. */
async function checkpointBeyond(stateDir: string, step: number, cli: RunningCli): Promise<void> {
  let exited: CliResult | undefined;
  void cli.result.then((result) => { exited = result; });
  for (;;) {
    try {
      if (savedCheckpoint(stateDir).step > step) return;
    } catch {
      // Not written yet.
    }
    if (exited) assert.fail(`the run ended before saving a checkpoint: ${exited.stderr}`);
    await sleep(50);
  }
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
  const kills = 8 + Math.floor(Math.random() * 8);
  let killed = 0;
  while (killed < kills) {
    const cli = startCli(run.args);
    // The last kill waits for a checkpoint of this run, so the final run has something to resume from.
    if (killed === kills - 1) await checkpointBeyond(stateDir, 0, cli);
    const early = await Promise.race([cli.result, sleep(200 + Math.random() * 1_800).then(() => undefined)]);
    assert.equal(early, undefined, `the input ran out before ${kills} kills (after ${killed}); make it longer`);
    cli.child.kill('SIGKILL');
    await cli.result;
    killed += 1;
  }
  const covered = Object.values(savedCheckpoint(stateDir).inputs).reduce((sum, input) => sum + input.rows, 0);
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
  assert.equal(Object.values(saved.inputs).reduce((sum, input) => sum + input.rows, 0), readFirst, 'the final checkpoint covers everything read');
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
