/**
 * The library logs nothing unless it is given a logger: a DynamoDB output and a pipeline that
 * have something to report (a record skipped, a bad input record, a row dead-lettered) print
 * nothing on stdout or stderr without one, and hand the records to the logger they are given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadProgram, openDynamoDBOutput, openPipeline } from '../../src/index.js';
import { ROOT, writeFiles } from '../support/cli.js';
import { DIVIDING_PROGRAM } from '../support/programs.js';
import { createTable, localConnection, useDynamoDB } from '../support/dynamodb.js';

const ddb = useDynamoDB();
const INDEX = join(ROOT, 'dist/index.js');

/** Runs an ES module script in a new Node process; returns its exit code and everything it printed. */
function runScript(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT, env: { ...process.env, DYNAVIEW_LOG_LEVEL: 'trace' }, encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A pino logger at `info` whose records are kept in `records`. */
function recordingLogger(): { logger: Logger; records: Array<{ level: number; msg: string }> } {
  const records: Array<{ level: number; msg: string }> = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => records.push(JSON.parse(line) as { level: number; msg: string }) }), records };
}

const VIEW = { name: 'v', columns: [{ name: 'id', type: 'INT', nullable: false }, { name: 's', type: 'VARCHAR', nullable: true }] };
const INDEX_SPEC = { name: 'v_idx', columns: ['id'] };
// One item over DynamoDB's 400 KB (`big` is its text), which the connector skips with a warning, and one it writes.
const OVERSIZED_TEXT_LENGTH = 500_000;
const changes = (big: string) => [{ row: { id: 1, s: big }, weight: 1 }, { row: { id: 2, s: 'y' }, weight: 1 }];

test('a DynamoDB output opened without a logger prints nothing when it skips a record, and one given a logger logs the skip there', async () => {
  const config = { table: await createTable(ddb.client, { hash: ['id', 'N'] }), ...localConnection(ddb.endpoint) };
  const quiet = runScript(`
    const { openDynamoDBOutput } = await import(${JSON.stringify(INDEX)});
    const out = await openDynamoDBOutput({ name: 'quiet', config: ${JSON.stringify(config)}, view: ${JSON.stringify(VIEW)}, index: ${JSON.stringify(INDEX_SPEC)} });
    // Made here: a 500 KB command line would be too long.
    const changes = ${JSON.stringify(changes(''))};
    changes[0].row.s = 'x'.repeat(${OVERSIZED_TEXT_LENGTH});
    const result = await out.writeStep(changes);
    await out.close();
    // The skip happened: exit 0 says so without printing.
    process.exit(result.skipped.oversized === 1 && result.puts === 1 ? 0 : 3);`);
  assert.deepEqual(quiet, { status: 0, stdout: '', stderr: '' });

  const { logger, records } = recordingLogger();
  const out = await openDynamoDBOutput({ name: 'heard', config, view: VIEW, index: INDEX_SPEC, logger });
  try {
    await out.writeStep(changes('x'.repeat(OVERSIZED_TEXT_LENGTH)));
  } finally {
    await out.close();
  }
  assert.ok(records.some((record) => record.level === 40 && /record skipped \(oversized\)/.test(record.msg)), JSON.stringify(records));
});

// A record that is not JSON (skipped and reported) and a row the view fails on (dead-lettered).
const ROWS = '{"insert": {"id": 1, "a": 10, "b": 2}}\n{"insert": \n{"insert": {"id": 7, "a": 100, "b": 0}}\n';

test('a pipeline opened without a logger prints nothing for a bad input record and a dead-lettered row, and one given a logger logs both', async () => {
  const dir = writeFiles({ 'program.sql': DIVIDING_PROGRAM, 'rows.json': ROWS });
  const quiet = runScript(`
    const { loadProgram, openPipeline } = await import(${JSON.stringify(INDEX)});
    const run = await openPipeline(await loadProgram(${JSON.stringify(join(dir, 'program.sql'))}), {
      runtimeErrorDeadLetterPath: ${JSON.stringify(join(dir, 'quiet-dead.jsonl'))},
    });
    try { await run.run(); } finally { await run.close(); }
    process.exit(run.stats.inputErrors === 1 && run.stats.deadLetteredRows === 1 ? 0 : 3);`);
  assert.deepEqual(quiet, { status: 0, stdout: '', stderr: '' });

  const { logger, records } = recordingLogger();
  const run = await openPipeline(await loadProgram(join(dir, 'program.sql')), { logger, runtimeErrorDeadLetterPath: join(dir, 'dead.jsonl') });
  try {
    await run.run();
  } finally {
    await run.close();
  }
  const warnings = records.filter((record) => record.level === 40).map((record) => record.msg);
  assert.ok(warnings.some((msg) => /rows\.json:2:/.test(msg)), JSON.stringify(warnings));
  assert.ok(warnings.some((msg) => /view v, column ratio: division by zero: 100 \/ 0: the row is left out/.test(msg)), JSON.stringify(warnings));
});
