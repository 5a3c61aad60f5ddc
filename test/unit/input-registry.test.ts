// Input connectors come from a registry by Feldera's transport name, and declare how a restart gets
// what they pushed again: by reading it again, or from the pipeline's push journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { InputConnector, InputContext, InputPosition, InputSink, InputTransports } from '../../src/connectors/inputs/input.js';
import { INPUT_TRANSPORT_NAMES, INPUT_TRANSPORTS, createInputConnector } from '../../src/connectors/inputs/registry.js';
import { programIdentity } from '../../src/pipeline/checkpoint.js';
import { compileSource, type LoadedProgram } from '../../src/pipeline/program.js';
import { openPipeline, type PipelineRun } from '../../src/pipeline/run.js';
import { StateDir } from '../../src/pipeline/state-dir.js';
import { useTempFiles } from '../support/temp-files.js';

const silent = pino({ level: 'silent' });
const temp = useTempFiles('dynaview-input-registry-');

/** What the push sources of a test were told. */
const heard = { from: [] as unknown[], written: [] as unknown[], committed: [] as unknown[] };

/** A push source: it hands over rows 1 to 4, two per push, from where it was told to go on, and cannot produce them again. */
function pushSource(_transport: unknown, context: InputContext): InputConnector {
  return {
    name: context.connector,
    replay: 'journal',
    async run(sink: InputSink, from?: InputPosition): Promise<void> {
      heard.from.push(from);
      for (let n = (from as { n: number } | undefined)?.n ?? 0; n < 4; n += 2) {
        await sink.push([{ row: { id: n + 1 }, weight: 1 }, { row: { id: n + 2 }, weight: 1 }], { n: n + 2 });
      }
    },
    stop(): void {},
    written(position: InputPosition): void {
      heard.written.push(position);
    },
    committed(position: InputPosition): void {
      heard.committed.push(position);
    },
  };
}

const TEST_TRANSPORTS: InputTransports = { ...INPUT_TRANSPORTS, push_input: pushSource };

function clearHeard(): void {
  for (const list of Object.values(heard)) list.length = 0;
}

async function runToEnd(program: LoadedProgram, stateDir?: string): Promise<PipelineRun> {
  const run = await openPipeline(program, { logger: silent, ...(stateDir === undefined ? {} : { stateDir }) });
  try {
    await run.run();
  } finally {
    await run.close();
  }
  return run;
}

const PUSH_PROGRAM = `CREATE TABLE t (id INT NOT NULL) WITH ('connectors' = '[{"name": "push", "transport": {"name": "push_input"}}]');
CREATE VIEW v AS SELECT * FROM t;
`;

test('the registry knows Feldera\'s transport names; datagen and file_input replay by position', () => {
  assert.deepEqual(INPUT_TRANSPORT_NAMES, ['datagen', 'file_input', 'postgres_input', 'postgres_cdc_input']);
  const datagen = createInputConnector({ name: 'datagen', config: {} }, { connector: 't.gen', table: { name: 't', columns: [], primaryKey: [] }, baseDir: '.' });
  assert.equal(datagen.replay, 'by-position');
  const file = createInputConnector({ name: 'file_input', config: { path: 'in.json' }, format: { name: 'json' } },
    { connector: 't.file', table: { name: 't', columns: [], primaryKey: [] }, baseDir: '.' });
  assert.equal(file.replay, 'by-position');
});

test('a program names the input transports of the registry it is compiled with, and an unknown one suggests a registered one', () => {
  assert.deepEqual(compileSource(PUSH_PROGRAM, '/programs/p.sql', { inputTransports: TEST_TRANSPORTS }).problems, []);
  const [problem, ...rest] = compileSource(PUSH_PROGRAM.replace('push_input', 'push_inptu'), '/programs/p.sql', { inputTransports: TEST_TRANSPORTS }).problems;
  assert.deepEqual(rest, []);
  assert.match(problem?.message ?? '', /"push_inptu" is not an input transport; did you mean push_input\?/);
  assert.match(compileSource(PUSH_PROGRAM, '/programs/p.sql').problems[0]?.message ?? '', /"push_input" is not an input transport/);
});

test('without a state directory a push source is told what is written and committed, and starts from the beginning', async () => {
  clearHeard();
  const program = compileSource(PUSH_PROGRAM, join(temp.dir, 'p.sql'), { inputTransports: TEST_TRANSPORTS });
  const run = await runToEnd(program);
  assert.equal(run.stats.inputRows['t.push'], 4);
  assert.deepEqual(heard.from, [undefined]);
  assert.deepEqual(heard.written.at(-1), { n: 4 });
  assert.deepEqual(heard.committed.at(-1), { n: 4 });
});

test('with a state directory its pushes are journaled, committed with the checkpoint, and a restart goes on from its own position', async () => {
  clearHeard();
  const program = compileSource(PUSH_PROGRAM, join(temp.dir, 'p.sql'), { inputTransports: TEST_TRANSPORTS });
  const stateDir = join(temp.dir, 'journaled');
  const first = await runToEnd(program, stateDir);
  assert.equal(first.stats.inputRows['t.push'], 4);
  assert.deepEqual(heard.committed.at(-1), { n: 4 }, 'the final checkpoint commits the last push');
  assert.ok((await readdir(join(stateDir, 'pushes'))).length >= 1);
  clearHeard();
  const second = await runToEnd(program, stateDir);
  assert.deepEqual(heard.from, [{ n: 4 }]);
  assert.equal(second.stats.inputRows['t.push'], 0);
});

test('pushes journaled but never stepped (a crash right after they were accepted) are fed again before the source goes on after them', async () => {
  clearHeard();
  const path = join(temp.dir, 'p.sql');
  const program = compileSource(PUSH_PROGRAM, path, { inputTransports: TEST_TRANSPORTS });
  const stateDir = join(temp.dir, 'crashed');
  const state = await StateDir.open(stateDir, programIdentity(path, PUSH_PROGRAM));
  await state.pushJournal.append('t.push', { n: 2 }, [{ row: { id: 1 }, weight: 1 }, { row: { id: 2 }, weight: 1 }]);
  await state.close();
  const run = await runToEnd(program, stateDir);
  assert.deepEqual(heard.from, [{ n: 2 }]);
  assert.equal(run.stats.inputRows['t.push'], 4, 'two rows from the journal, two from the source');
  assert.deepEqual(heard.committed.at(-1), { n: 4 });
});

test('an input\'s max_queued_records holds its pushes until a step has taken what it has waiting', async () => {
  const program = compileSource(PUSH_PROGRAM.replace('"transport"', '"max_queued_records": 2, "transport"'), join(temp.dir, 'p.sql'), { inputTransports: TEST_TRANSPORTS });
  assert.deepEqual(program.problems, []);
  assert.equal(program.endpoints.inputs[0]?.maxQueuedRecords, 2);
  const run = await runToEnd(program);
  assert.equal(run.stats.inputRows['t.push'], 4);
  assert.equal(run.stats.steps, 2, 'each push of two rows waited for its own step');
});

test('a journaled source that moves on without changes (a replication keep-alive) hears that position committed while it runs', { timeout: 10_000 }, async () => {
  let heardIdle: () => void = () => {};
  const idle = new Promise<void>((resolve) => { heardIdle = resolve; });
  const idleSource = (_transport: unknown, context: InputContext): InputConnector => ({
    name: context.connector,
    replay: 'journal',
    async run(sink: InputSink): Promise<void> {
      await sink.push([{ row: { id: 1 }, weight: 1 }], { n: 1 });
      await sink.push([], { n: 2 });
      // A source that waits for its slot to advance before going on: it would wait forever if position-only pushes were never stepped.
      await idle;
    },
    stop(): void {},
    committed(position: InputPosition): void {
      if ((position as { n: number }).n === 2) heardIdle();
    },
  });
  const program = compileSource(PUSH_PROGRAM, join(temp.dir, 'p.sql'), { inputTransports: { ...INPUT_TRANSPORTS, push_input: idleSource } });
  const run = await runToEnd(program);
  assert.equal(run.stats.steps, 2);
});
