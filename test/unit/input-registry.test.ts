// Input connectors come from a registry by Feldera's transport name, and declare whether they can
// replay what they pushed; a restart from a state directory needs every input to be able to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { InputConnector, InputContext, InputSink, InputTransports } from '../../src/connectors/inputs/input.js';
import { INPUT_TRANSPORT_NAMES, INPUT_TRANSPORTS, createInputConnector } from '../../src/connectors/inputs/registry.js';
import { DynaviewError } from '../../src/errors.js';
import { STATE_DIR_INPUT_NOT_REPLAYABLE } from '../../src/pipeline/checkpoint.js';
import { compileSource } from '../../src/pipeline/program.js';
import { openPipeline } from '../../src/pipeline/run.js';
import { useTempFiles } from '../support/temp-files.js';

const silent = pino({ level: 'silent' });
const temp = useTempFiles('dynaview-input-registry-');

/** A push source: it hands over two rows and cannot produce them again. */
function pushSource(_transport: unknown, context: InputContext): InputConnector {
  return {
    name: context.connector,
    replay: 'journal',
    async run(sink: InputSink): Promise<void> {
      await sink.push([{ row: { id: 1 }, weight: 1 }, { row: { id: 2 }, weight: 1 }], null);
    },
    stop(): void {},
  };
}

const TEST_TRANSPORTS: InputTransports = { ...INPUT_TRANSPORTS, push_input: pushSource };

const PUSH_PROGRAM = `CREATE TABLE t (id INT NOT NULL) WITH ('connectors' = '[{"name": "push", "transport": {"name": "push_input"}}]');
CREATE VIEW v AS SELECT * FROM t;
`;

test('the registry knows datagen and file_input, by Feldera\'s transport names, and both replay by position', () => {
  assert.deepEqual(INPUT_TRANSPORT_NAMES, ['datagen', 'file_input']);
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

test('a program with an input that cannot replay is refused a state directory, which is not created', async () => {
  const program = compileSource(PUSH_PROGRAM, join(temp.dir, 'p.sql'), { inputTransports: TEST_TRANSPORTS });
  const stateDir = join(temp.dir, 'state');
  await assert.rejects(openPipeline(program, { logger: silent, stateDir }), (error: unknown) => {
    assert.ok(error instanceof DynaviewError);
    assert.equal(error.code, STATE_DIR_INPUT_NOT_REPLAYABLE);
    assert.equal(error.message, `state directory ${stateDir}: input t.push cannot replay what it pushed, which a restart from a checkpoint needs; run without --state-dir`);
    return true;
  });
  await assert.rejects(access(stateDir), { code: 'ENOENT' });
});

test('a program with an input that cannot replay runs without a state directory', async () => {
  const program = compileSource(PUSH_PROGRAM, join(temp.dir, 'p.sql'), { inputTransports: TEST_TRANSPORTS });
  const run = await openPipeline(program, { logger: silent });
  try {
    await run.run();
  } finally {
    await run.close();
  }
  assert.equal(run.stats.inputRows['t.push'], 2);
});
